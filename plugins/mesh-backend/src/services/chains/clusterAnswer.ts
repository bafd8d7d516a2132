/*
 * One cluster's part of a chain answer: the resolved chain with what the
 * snapshot says about the cluster (source, time, Istio, warnings, status),
 * or an error, or "still loading"; each with the content hash pages
 * compare.
 */
import type {
  ClusterChain,
  ClusterError,
  ClusterSnapshot,
  ClusterStatus,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster } from '@mesh-chain/plugin-mesh-node';
import { errorHash, SYNCING_HASH } from './chainHashing';

/** One cluster's chain and its content hash. */
export interface ClusterAnswer {
  chain: ClusterChain;
  hash: string;
}

/** Which cluster a chain is of, as the answer names it. */
export type ClusterSummary = ClusterChain['cluster'];

/** The status of a cluster read for this request. */
export const CURRENT: ClusterStatus = { state: 'current' };

/** The keys `assemble` sets on top of the resolved chain. */
export const ASSEMBLED_KEYS = [
  'cluster',
  'source',
  'observedAt',
  'istio',
  'gatewayApi',
  'warnings',
  'status',
  'error',
  'telemetry',
] as const;

const EMPTY_RESOLVED: ResolvedClusterChain = {
  istio: false,
  gatewayApi: false,
  gateways: [],
  virtualServices: [],
  httpRoutes: [],
  destinationRules: [],
  services: [],
  deployments: [],
  hpas: [],
  pods: [],
  routes: [],
  links: [],
  diagnostics: [],
};

/** How the answer names a cluster: its name, title and dashboard. */
export function clusterSummary(cluster: MeshCluster): ClusterSummary {
  return {
    name: cluster.name,
    ...(cluster.title && { title: cluster.title }),
    ...(cluster.dashboardUrl && { dashboardUrl: cluster.dashboardUrl }),
  };
}

/** A resolved chain with what its snapshot says about the cluster. */
export function assemble(
  summary: ClusterSummary,
  resolved: ResolvedClusterChain,
  snapshot: ClusterSnapshot,
  status: ClusterStatus,
): ClusterChain {
  return {
    ...resolved,
    cluster: summary,
    source: snapshot.source,
    observedAt: snapshot.observedAt,
    istio: snapshot.istio,
    gatewayApi: snapshot.gatewayApi,
    warnings: snapshot.warnings,
    status,
  };
}

/** A cluster that answers with an error (and no data). */
export function errorAnswer(
  summary: ClusterSummary,
  error: ClusterError,
  source: 'cache' | 'direct',
): ClusterAnswer {
  return {
    chain: {
      ...EMPTY_RESOLVED,
      cluster: summary,
      error,
      warnings: [],
      status: { state: 'error', reason: error.reason, message: error.message },
      source,
      observedAt: new Date().toISOString(),
    },
    hash: errorHash(error),
  };
}

/** A cluster whose cache is still loading: no data yet, and it says so. */
export function syncingAnswer(
  summary: ClusterSummary,
  status: ClusterStatus,
): ClusterAnswer {
  return {
    chain: {
      ...EMPTY_RESOLVED,
      cluster: summary,
      warnings: [],
      status,
      source: 'cache',
      observedAt: new Date().toISOString(),
    },
    hash: SYNCING_HASH,
  };
}
