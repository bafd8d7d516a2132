/*
 * Derived indexes over a ClusterSnapshot, rebuilt per kind only when that
 * kind's revision changes, so that resolving a chain is a handful of map
 * look-ups instead of scans over every object of the cluster. The engine
 * reads through ChainReads, which records each read; this class only
 * answers them.
 */
import { isWildcardHost } from '../../routing/hosts';
import type { KubeObject } from '../kube/KubeObject';
import { LabelSelector, selectorMatches } from '../kube/labelSelector';
import type { WatchedKind } from '../kube/watchedKinds';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import { keyAnswers, LookupName, LOOKUPS } from './lookups';

type Entry = { revisions: number[]; value: unknown };

interface LookupIndex {
  exact: Map<string, KubeObject[]>;
  /** Objects under wildcard host keys, with the key. */
  wildcard: Array<{ key: string; obj: KubeObject }>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * The map with each list copied at its length, once it is built: a list
 * grown by `push` keeps room for 16 more elements, and an index holds a
 * list per label value.
 */
function trimmed<K>(map: Map<K, KubeObject[]>): Map<K, KubeObject[]> {
  for (const [key, list] of map) {
    if (list.length > 1) {
      map.set(key, list.slice());
    }
  }
  return map;
}

function ns(obj: KubeObject): string {
  return obj.metadata.namespace ?? '';
}

const indexes = new WeakMap<ClusterSnapshot, Map<string, ChainIndex>>();

/**
 * Indexes over one snapshot for one cluster domain.
 *
 * @public
 */
export class ChainIndex {
  /** The index for a snapshot, kept as long as the snapshot lives. */
  static for(snapshot: ClusterSnapshot, clusterDomain: string): ChainIndex {
    let byDomain = indexes.get(snapshot);
    if (!byDomain) {
      byDomain = new Map();
      indexes.set(snapshot, byDomain);
    }
    let index = byDomain.get(clusterDomain);
    if (!index) {
      index = new ChainIndex(snapshot, clusterDomain);
      byDomain.set(clusterDomain, index);
    }
    return index;
  }

  private readonly entries = new Map<string, Entry>();

  private constructor(
    readonly snapshot: ClusterSnapshot,
    readonly clusterDomain: string,
  ) {}

  private memo<T>(name: string, kinds: WatchedKind[], build: () => T): T {
    const revisions = kinds.map(k => this.snapshot.kindRevision(k));
    const hit = this.entries.get(name);
    if (hit && hit.revisions.every((r, i) => r === revisions[i])) {
      return hit.value as T;
    }
    const value = build();
    this.entries.set(name, { revisions, value });
    return value;
  }

  /**
   * Objects of a kind by the value of one label key, across all namespaces.
   * Built per key on first use: one pass over the kind reading one label.
   */
  private byLabelKey(
    kind: WatchedKind,
    key: string,
  ): Map<string, KubeObject[]> {
    const perKey = this.memo(
      `byLabelKey/${kind}`,
      [kind],
      () => new Map<string, Map<string, KubeObject[]>>(),
    );
    let map = perKey.get(key);
    if (!map) {
      map = new Map();
      for (const obj of this.snapshot.list(kind)) {
        const value = obj.metadata.labels?.[key];
        if (value !== undefined) {
          push(map, value, obj);
        }
      }
      perKey.set(key, trimmed(map));
    }
    return map;
  }

  /**
   * Objects of a kind in one namespace by `key=value` label. Built per
   * namespace on first use, so a change elsewhere costs only the namespaces
   * a request reads.
   */
  private byNamespacedLabel(
    kind: WatchedKind,
    namespace: string,
  ): Map<string, KubeObject[]> {
    const perNamespace = this.memo(
      `byNsLabel/${kind}`,
      [kind],
      () => new Map<string, Map<string, KubeObject[]>>(),
    );
    let map = perNamespace.get(namespace);
    if (!map) {
      map = new Map();
      for (const obj of this.snapshot.list(kind, namespace)) {
        for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
          push(map, `${k}=${v}`, obj);
        }
      }
      perNamespace.set(namespace, trimmed(map));
    }
    return map;
  }

  /**
   * Objects of a kind whose labels satisfy a selector, in one namespace or
   * (undefined) all; uses a label index for the candidates.
   */
  select(
    kind: WatchedKind,
    selector: LabelSelector,
    namespace?: string,
  ): KubeObject[] {
    let candidates: readonly KubeObject[] | undefined;
    if (selector.equalities.length > 0) {
      if (namespace === undefined) {
        const [k, v] = selector.equalities[0];
        candidates = this.byLabelKey(kind, k).get(v) ?? [];
      } else {
        const index = this.byNamespacedLabel(kind, namespace);
        for (const [k, v] of selector.equalities) {
          const list = index.get(`${k}=${v}`) ?? [];
          if (!candidates || list.length < candidates.length) {
            candidates = list;
          }
        }
      }
    }
    candidates ??= this.snapshot.list(kind, namespace);
    return candidates.filter(
      o =>
        (namespace === undefined || ns(o) === namespace) &&
        selectorMatches(selector, o.metadata.labels),
    );
  }

  /**
   * The objects a look-up finds under a key: those filed under the key, then
   * (for host look-ups) those under a wildcard that matches it.
   */
  lookup(name: LookupName, key: string): KubeObject[] {
    const definition = LOOKUPS[name];
    const index = this.memo<LookupIndex>(
      `lookup/${name}`,
      [definition.kind],
      () => {
        const built: LookupIndex = { exact: new Map(), wildcard: [] };
        const wildcards = 'wildcards' in definition && definition.wildcards;
        for (const obj of this.snapshot.list(definition.kind)) {
          for (const k of definition.keysOf(obj, this.clusterDomain)) {
            if (wildcards && isWildcardHost(k)) {
              built.wildcard.push({ key: k, obj });
            } else {
              push(built.exact, k, obj);
            }
          }
        }
        trimmed(built.exact);
        return built;
      },
    );
    const exact = index.exact.get(key) ?? [];
    const matching = index.wildcard.filter(w =>
      keyAnswers(definition, w.key, key),
    );
    if (matching.length === 0) {
      return exact;
    }
    return [...new Set([...exact, ...matching.map(w => w.obj)])];
  }
}
