/*
 * A cluster as it will be once a set of manifests is applied and rolled
 * out, as a lazy view over another snapshot: the cluster's objects, with
 * each manifest in place of the object of the same kind, namespace and name
 * (or added), and the pods of the manifests' Deployments (`plannedRollout`)
 * in place of the pods those Deployments ran.
 */
import type { KubeObject } from '../kube/KubeObject';
import { WatchedKind, watchedKindOf } from '../kube/watchedKinds';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import { DerivedSnapshot } from '../snapshot/DerivedSnapshot';
import { plannedRollout } from '../../manifests/plannedObjects';

function keyOf(kind: WatchedKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function namespaceOf(obj: KubeObject): string {
  return obj.metadata.namespace ?? '';
}

function ownerName(obj: KubeObject, kind: string): string | undefined {
  const refs = Array.isArray(obj.metadata.ownerReferences)
    ? obj.metadata.ownerReferences
    : [];
  return refs.find(o => o?.kind === kind)?.name;
}

/**
 * A {@link ClusterSnapshot} of `inner` with `manifests` applied over it,
 * computed lazily per kind and namespace as the engine reads, so that it
 * can sit over a snapshot that is read on demand (a `RecordingSnapshot`
 * records what the engine asks of it; see `readClusterForManifests`).
 *
 * - `list(kind, namespace?)`: `inner`'s objects of that kind, less those a
 *   manifest replaces (same kind, namespace, name) and the ReplicaSets and
 *   pods of Deployments a manifest replaces; plus the manifests of that
 *   kind and the planned ReplicaSet and ready pods of their Deployments.
 * - `get(kind, namespace, name)`: the manifest, else `inner`'s object
 *   unless replaced.
 * - `namespaces(kind)`: the namespaces of `list(kind)`.
 * - Cluster name, source, time, API availability, warnings and revisions
 *   are `inner`'s.
 *
 * Manifests must carry their namespace; objects of kinds the engine does
 * not read are ignored; neither input is changed. To diagnose, prefer
 * `checkManifests`, which also keeps live objects' identity and status and
 * a running Deployment's pods (`plannedObjects`): this view replaces them,
 * which is enough to find what to read.
 *
 * @public
 */
export class PlannedSnapshot extends DerivedSnapshot {
  /** Manifests and their projected ReplicaSets and pods, by kind. */
  private readonly added = new Map<WatchedKind, Map<string, KubeObject>>();
  /** Deployments of the manifests, by `namespace/name`. */
  private readonly deployments = new Set<string>();
  private readonly listCache = new Map<string, readonly KubeObject[]>();

  constructor(
    readonly inner: ClusterSnapshot,
    readonly manifests: readonly KubeObject[],
  ) {
    super(inner);
    for (const obj of manifests) {
      const kind = watchedKindOf(obj);
      if (!kind) continue;
      this.add(kind, obj);
      if (kind === 'deployments') {
        this.deployments.add(`${namespaceOf(obj)}/${obj.metadata.name}`);
        for (const projected of plannedRollout(obj)) {
          this.add(watchedKindOf(projected)!, projected);
        }
      }
    }
  }

  private add(kind: WatchedKind, obj: KubeObject) {
    let byKey = this.added.get(kind);
    if (!byKey) {
      byKey = new Map();
      this.added.set(kind, byKey);
    }
    byKey.set(keyOf(kind, namespaceOf(obj), obj.metadata.name), obj);
  }

  /** Whether the manifests replace this live object (or the Deployment that runs it). */
  private replaced(kind: WatchedKind, obj: KubeObject): boolean {
    const namespace = namespaceOf(obj);
    if (this.added.get(kind)?.has(keyOf(kind, namespace, obj.metadata.name))) {
      return true;
    }
    if (kind === 'replicasets') {
      return this.ownedByManifest(obj);
    }
    if (kind === 'pods') {
      const rs = ownerName(obj, 'ReplicaSet');
      const owner = rs && this.inner.get('replicasets', namespace, rs);
      return Boolean(owner && this.ownedByManifest(owner));
    }
    return false;
  }

  private ownedByManifest(replicaSet: KubeObject): boolean {
    const deployment = ownerName(replicaSet, 'Deployment');
    return (
      deployment !== undefined &&
      this.deployments.has(`${namespaceOf(replicaSet)}/${deployment}`)
    );
  }

  list(kind: WatchedKind, namespace?: string): readonly KubeObject[] {
    const cacheKey = `${kind}/${namespace ?? '*'}`;
    let result = this.listCache.get(cacheKey);
    if (!result) {
      const added = [...(this.added.get(kind)?.values() ?? [])].filter(
        o => namespace === undefined || namespaceOf(o) === namespace,
      );
      result = [
        ...this.inner
          .list(kind, namespace)
          .filter(o => !this.replaced(kind, o)),
        ...added,
      ];
      this.listCache.set(cacheKey, result);
    }
    return result;
  }

  get(
    kind: WatchedKind,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    const added = this.added.get(kind)?.get(keyOf(kind, namespace, name));
    if (added) return added;
    const live = this.inner.get(kind, namespace, name);
    return live && !this.replaced(kind, live) ? live : undefined;
  }

  namespaces(kind: WatchedKind): readonly string[] {
    return [
      ...new Set([
        ...this.list(kind)
          .map(namespaceOf)
          .filter(n => n !== ''),
      ]),
    ];
  }
}
