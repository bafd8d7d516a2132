import type {
  ClusterSnapshot,
  KubeObject,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';

const CLUSTER_SCOPED = '';

interface KindStore {
  /** namespace -> name -> object */
  byNamespace: Map<string, Map<string, KubeObject>>;
  revision: number;
  count: number;
  /** Memoized `list()` answers for the current revision. */
  lists: Map<string, KubeObject[]>;
}

/**
 * The objects of one cluster, indexed by kind and namespace, with a revision
 * counter per kind and for the whole store. Written by the watch cache (or a
 * direct read), read through {@link ObjectStore.snapshot}.
 */
export class ObjectStore {
  private readonly kinds = new Map<WatchedKind, KindStore>();
  private storeRevision = 0;

  get revision(): number {
    return this.storeRevision;
  }

  /** Number of objects held, over all kinds. */
  get size(): number {
    let total = 0;
    for (const k of this.kinds.values()) {
      total += k.count;
    }
    return total;
  }

  count(kind: WatchedKind): number {
    return this.kinds.get(kind)?.count ?? 0;
  }

  private kindStore(kind: WatchedKind): KindStore {
    let store = this.kinds.get(kind);
    if (!store) {
      store = {
        byNamespace: new Map(),
        revision: 0,
        count: 0,
        lists: new Map(),
      };
      this.kinds.set(kind, store);
    }
    return store;
  }

  private touch(store: KindStore) {
    store.revision++;
    store.lists.clear();
    this.storeRevision++;
  }

  /** Adds or replaces an object; returns false when nothing changed. */
  upsert(kind: WatchedKind, obj: KubeObject): boolean {
    const store = this.kindStore(kind);
    const ns = obj.metadata.namespace ?? CLUSTER_SCOPED;
    let names = store.byNamespace.get(ns);
    if (!names) {
      names = new Map();
      store.byNamespace.set(ns, names);
    }
    const existing = names.get(obj.metadata.name);
    if (
      existing &&
      existing.metadata.resourceVersion !== undefined &&
      existing.metadata.resourceVersion === obj.metadata.resourceVersion
    ) {
      return false;
    }
    names.set(obj.metadata.name, obj);
    if (!existing) {
      store.count++;
    }
    this.touch(store);
    return true;
  }

  /** Removes an object; returns false when it was not there. */
  remove(kind: WatchedKind, namespace: string | undefined, name: string) {
    const store = this.kinds.get(kind);
    const ns = namespace ?? CLUSTER_SCOPED;
    const names = store?.byNamespace.get(ns);
    if (!store || !names?.delete(name)) {
      return false;
    }
    if (names.size === 0) {
      store.byNamespace.delete(ns);
    }
    store.count--;
    this.touch(store);
    return true;
  }

  /**
   * Replaces every object of a kind (in one namespace, or in all when
   * `namespace` is undefined) with the result of a list. Returns false when
   * the list brought no change (same objects at the same resourceVersions).
   */
  replace(
    kind: WatchedKind,
    namespace: string | undefined,
    objects: KubeObject[],
  ): boolean {
    const store = this.kindStore(kind);
    const next = new Map<string, Map<string, KubeObject>>();
    for (const obj of objects) {
      const ns = obj.metadata.namespace ?? CLUSTER_SCOPED;
      if (namespace !== undefined && ns !== namespace) {
        continue;
      }
      let names = next.get(ns);
      if (!names) {
        names = new Map();
        next.set(ns, names);
      }
      names.set(obj.metadata.name, obj);
    }
    const before =
      namespace === undefined
        ? store.byNamespace
        : new Map(
            store.byNamespace.has(namespace)
              ? [[namespace, store.byNamespace.get(namespace)!]]
              : [],
          );
    if (sameObjects(before, next)) {
      return false;
    }
    let removed = 0;
    for (const names of before.values()) {
      removed += names.size;
    }
    let added = 0;
    for (const names of next.values()) {
      added += names.size;
    }
    if (namespace === undefined) {
      store.byNamespace = next;
    } else if (next.has(namespace)) {
      store.byNamespace.set(namespace, next.get(namespace)!);
    } else {
      store.byNamespace.delete(namespace);
    }
    store.count += added - removed;
    this.touch(store);
    return true;
  }

  /** Forgets every object of a kind (e.g. its CRD was removed). */
  clear(kind: WatchedKind): boolean {
    const store = this.kinds.get(kind);
    if (!store || store.count === 0) {
      return false;
    }
    store.byNamespace = new Map();
    store.count = 0;
    this.touch(store);
    return true;
  }

  kindRevision(kind: WatchedKind): number {
    return this.kinds.get(kind)?.revision ?? 0;
  }

  list(kind: WatchedKind, namespace?: string): readonly KubeObject[] {
    const store = this.kinds.get(kind);
    if (!store) {
      return [];
    }
    const key = namespace ?? '\u0000all';
    let result = store.lists.get(key);
    if (!result) {
      if (namespace !== undefined) {
        result = [...(store.byNamespace.get(namespace)?.values() ?? [])];
      } else {
        result = [];
        for (const names of store.byNamespace.values()) {
          for (const obj of names.values()) {
            result.push(obj);
          }
        }
      }
      store.lists.set(key, result);
    }
    return result;
  }

  get(kind: WatchedKind, namespace: string, name: string) {
    return this.kinds.get(kind)?.byNamespace.get(namespace)?.get(name);
  }

  namespaces(kind: WatchedKind): readonly string[] {
    const store = this.kinds.get(kind);
    return store
      ? [...store.byNamespace.keys()].filter(ns => ns !== CLUSTER_SCOPED)
      : [];
  }

  /**
   * A read-only view for the chain logic. It reads the live store (the chain
   * logic runs synchronously, so no event interleaves with it) and is meant
   * to be kept: the chain logic caches its indexes per snapshot object and
   * rebuilds them per kind when `kindRevision` moves.
   */
  snapshot(meta: () => SnapshotMeta): ClusterSnapshot {
    const revision = () => this.revision;
    const kindRevision = (kind: WatchedKind) => this.kindRevision(kind);
    const list = (kind: WatchedKind, namespace?: string) =>
      this.list(kind, namespace);
    const get = (kind: WatchedKind, namespace: string, name: string) =>
      this.get(kind, namespace, name);
    const namespaces = (kind: WatchedKind) => this.namespaces(kind);
    return {
      get clusterName() {
        return meta().clusterName;
      },
      get source() {
        return meta().source;
      },
      get observedAt() {
        return meta().observedAt;
      },
      get istio() {
        return meta().istio;
      },
      get gatewayApi() {
        return meta().gatewayApi;
      },
      get warnings() {
        return meta().warnings;
      },
      get revision() {
        return revision();
      },
      kindRevision,
      list,
      get,
      namespaces,
    };
  }
}

/** What a snapshot says about its cluster besides the objects. */
export type SnapshotMeta = Pick<
  ClusterSnapshot,
  'clusterName' | 'source' | 'observedAt' | 'istio' | 'gatewayApi' | 'warnings'
>;

function sameObjects(
  a: Map<string, Map<string, KubeObject>>,
  b: Map<string, Map<string, KubeObject>>,
): boolean {
  if (a.size !== b.size) {
    return false;
  }
  for (const [ns, names] of a) {
    const other = b.get(ns);
    if (!other || other.size !== names.size) {
      return false;
    }
    for (const [name, obj] of names) {
      const rv = obj.metadata.resourceVersion;
      if (
        rv === undefined ||
        other.get(name)?.metadata.resourceVersion !== rv
      ) {
        return false;
      }
    }
  }
  return true;
}
