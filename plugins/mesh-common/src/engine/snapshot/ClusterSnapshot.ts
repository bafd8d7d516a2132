/*
 * The boundary between the data layer (watch caches, direct reads, files)
 * and the chain engine (resolution, diagnostics, route simulation): the
 * data layer hands the engine a read-only ClusterSnapshot of one cluster;
 * the engine never talks to a cluster.
 */
import type { ClusterError } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { WatchedKind } from '../kube/watchedKinds';

/**
 * A consistent, read-only view of one cluster's objects of the watched
 * kinds. Implementations index by namespace so that `list(kind, ns)` and
 * `get()` do not scan the whole cluster.
 *
 * @public
 */
export interface ClusterSnapshot {
  clusterName: string;
  /** `cache` for a warm watch cache, `direct` for a read made for this request. */
  source: 'cache' | 'direct';
  /** When the data was last known to be current (ISO 8601). */
  observedAt: string;
  /** Whether the Istio networking CRDs are served. */
  istio: boolean;
  /** Whether the Gateway API CRDs are served. */
  gatewayApi: boolean;
  /** Kinds that could not be read (e.g. 403 on virtualservices). */
  warnings: ClusterError[];
  /**
   * Increases whenever any object in the snapshot changes; per kind via
   * `kindRevision`, so derived indexes can be rebuilt only when needed.
   */
  revision: number;
  kindRevision(kind: WatchedKind): number;
  /** Objects of a kind, in one namespace or (no namespace) in all. */
  list(kind: WatchedKind, namespace?: string): readonly KubeObject[];
  get(
    kind: WatchedKind,
    namespace: string,
    name: string,
  ): KubeObject | undefined;
  /** Namespaces that hold at least one object of the kind. */
  namespaces(kind: WatchedKind): readonly string[];
}
