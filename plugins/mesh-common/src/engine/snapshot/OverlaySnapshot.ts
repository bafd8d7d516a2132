/*
 * A snapshot with some objects replaced: the cluster as it would be after a
 * change, for the engine to resolve and diagnose before anything is
 * written.
 */
import type { KubeObject } from '../kube/KubeObject';
import { WatchedKind, watchedKindOf } from '../kube/watchedKinds';
import type { ClusterSnapshot } from './ClusterSnapshot';
import { DerivedSnapshot } from './DerivedSnapshot';

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * Another snapshot, with objects put in place of those of the same kind,
 * namespace and name (or added, when there is none): e.g. the object a
 * server-side dry run returned, substituted into a watch cache's snapshot.
 * The base is never changed; reads of kinds without replacements go
 * straight to it. Its indexes are its own (built on first use), so an
 * overlay costs nothing to the base's readers.
 *
 * @public
 */
export class OverlaySnapshot extends DerivedSnapshot {
  /** `base` with `objects` in place; objects of unwatched kinds are ignored. */
  static over(base: ClusterSnapshot, objects: KubeObject[]): OverlaySnapshot {
    const replaced = new Map<WatchedKind, Map<string, KubeObject>>();
    for (const obj of objects) {
      const kind = watchedKindOf(obj);
      if (!kind) {
        continue;
      }
      let byKey = replaced.get(kind);
      if (!byKey) {
        byKey = new Map();
        replaced.set(kind, byKey);
      }
      byKey.set(keyOf(obj.metadata.namespace, obj.metadata.name), obj);
    }
    return new OverlaySnapshot(base, replaced);
  }

  private readonly lists = new Map<string, readonly KubeObject[]>();

  private constructor(
    readonly base: ClusterSnapshot,
    private readonly replaced: Map<WatchedKind, Map<string, KubeObject>>,
  ) {
    super(base);
  }

  list(kind: WatchedKind, namespace?: string): readonly KubeObject[] {
    const byKey = this.replaced.get(kind);
    if (!byKey) {
      return this.base.list(kind, namespace);
    }
    const cacheKey = `${kind}/${namespace ?? '*'}`;
    let result = this.lists.get(cacheKey);
    if (!result) {
      const pending = new Map(
        [...byKey].filter(
          ([, o]) =>
            namespace === undefined || o.metadata.namespace === namespace,
        ),
      );
      const merged = this.base.list(kind, namespace).map(o => {
        const key = keyOf(o.metadata.namespace, o.metadata.name);
        const replacement = pending.get(key);
        pending.delete(key);
        return replacement ?? o;
      });
      result = [...merged, ...pending.values()];
      this.lists.set(cacheKey, result);
    }
    return result;
  }

  get(
    kind: WatchedKind,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    return (
      this.replaced.get(kind)?.get(keyOf(namespace, name)) ??
      this.base.get(kind, namespace, name)
    );
  }

  namespaces(kind: WatchedKind): readonly string[] {
    const byKey = this.replaced.get(kind);
    const base = this.base.namespaces(kind);
    if (!byKey) {
      return base;
    }
    const added = [...byKey.values()]
      .map(o => o.metadata.namespace)
      .filter((n): n is string => !!n && !base.includes(n));
    return added.length ? [...base, ...new Set(added)] : base;
  }
}
