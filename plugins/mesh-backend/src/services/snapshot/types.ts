/*
 * The boundary between the cluster data layer (watch caches, direct reads)
 * and the chain logic (resolution, diagnostics, route simulation).
 *
 * The data layer hands the logic a read-only ClusterSnapshot of one cluster;
 * the logic never talks to a cluster.
 */
import type { ClusterError } from '@mesh-chain/plugin-mesh-common';

/** A Kubernetes object as the API server returns it (JSON). @alpha */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
    }>;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

/** How to reach one kind on the API server. @alpha */
export interface KindInfo {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Which optional API this kind belongs to (missing CRDs are not errors). */
  optional?: 'istio' | 'gateway-api';
}

/** Every kind the mesh backend reads, keyed by a short id. @alpha */
export const WATCHED_KINDS = {
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  pods: { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  deployments: {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
  },
  replicasets: {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    kind: 'ReplicaSet',
  },
  horizontalpodautoscalers: {
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
  },
  gateways: {
    group: 'networking.istio.io',
    version: 'v1',
    plural: 'gateways',
    kind: 'Gateway',
    optional: 'istio',
  },
  virtualservices: {
    group: 'networking.istio.io',
    version: 'v1',
    plural: 'virtualservices',
    kind: 'VirtualService',
    optional: 'istio',
  },
  destinationrules: {
    group: 'networking.istio.io',
    version: 'v1',
    plural: 'destinationrules',
    kind: 'DestinationRule',
    optional: 'istio',
  },
  k8sgateways: {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'gateways',
    kind: 'Gateway',
    optional: 'gateway-api',
  },
  httproutes: {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'httproutes',
    kind: 'HTTPRoute',
    optional: 'gateway-api',
  },
} as const satisfies Record<string, KindInfo>;

/** @alpha */
export type WatchedKind = keyof typeof WATCHED_KINDS;

/**
 * A consistent, read-only view of one cluster's objects of the watched
 * kinds. Implementations index by namespace so that `list(kind, ns)` and
 * `get()` do not scan the whole cluster.
 *
 * @alpha
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
