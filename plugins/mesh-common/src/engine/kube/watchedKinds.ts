/*
 * The kinds the chain engine reads, and how to reach each on the API server.
 */

/** How to reach one kind on the API server. @public */
export interface KindInfo {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** Which optional API this kind belongs to (missing CRDs are not errors). */
  optional?: 'istio' | 'gateway-api';
}

/**
 * Every kind the chain engine reads, keyed by a short id.
 *
 * @public
 */
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

/** @public */
export type WatchedKind = keyof typeof WATCHED_KINDS;

/** Versions of the optional APIs that share one schema. */
const SERVED_VERSIONS: Record<NonNullable<KindInfo['optional']>, string[]> = {
  istio: ['v1', 'v1beta1', 'v1alpha3'],
  'gateway-api': ['v1', 'v1beta1'],
};

/**
 * The WatchedKind of an object from its apiVersion and kind. The CRD-backed
 * APIs are read in every version their CRDs serve with the same schema:
 * Istio's `networking.istio.io` v1, v1beta1 and v1alpha3, and the Gateway
 * API's v1 and v1beta1.
 *
 * @public
 */
export function watchedKindOf(obj: {
  apiVersion: string;
  kind: string;
}): WatchedKind | undefined {
  const [group, version] = obj.apiVersion.includes('/')
    ? obj.apiVersion.split('/')
    : ['', obj.apiVersion];
  for (const [id, info] of Object.entries(WATCHED_KINDS) as Array<
    [WatchedKind, KindInfo]
  >) {
    const sameVersion = info.optional
      ? SERVED_VERSIONS[info.optional].includes(version)
      : info.version === version;
    if (info.group === group && info.kind === obj.kind && sameVersion) {
      return id;
    }
  }
  return undefined;
}
