import type {
  ClusterChain,
  MeshEntityTarget,
  RouteSimulationRequest,
  RouteSimulationResult,
} from '@mesh-chain/plugin-mesh-common';
import type { ClusterSnapshot } from '../snapshot';

/** The chain of one cluster as the chain logic resolves it; the data layer adds the rest. @alpha */
export type ResolvedChain = Omit<
  ClusterChain,
  'cluster' | 'source' | 'observedAt' | 'error' | 'warnings' | 'status'
>;

/**
 * The chain logic, seen from the data layer: resolution and diagnostics over
 * a snapshot, and route simulation over a resolved chain. Pure and
 * synchronous; never talks to a cluster.
 *
 * @alpha
 */
export interface ChainEngine {
  resolve(
    snapshot: ClusterSnapshot,
    target: MeshEntityTarget,
    options: { clusterDomain: string },
  ): ResolvedChain;
  simulate(
    chain: ClusterChain,
    request: RouteSimulationRequest,
    options: { clusterDomain: string },
  ): RouteSimulationResult;
}
