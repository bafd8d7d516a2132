/*
 * The chain engine as a data layer sees it: resolution and diagnostics over
 * a snapshot, and route simulation over a resolved chain.
 */
import type { MeshEntityTarget } from '../annotations';
import { simulateRoute } from '../routing/simulate';
import type {
  ClusterChain,
  RouteSimulationRequest,
  RouteSimulationResult,
} from '../types';
import type {
  ResolveChainOptions,
  ResolvedClusterChain,
} from './resolve/ChainContext';
import { resolveClusterChain } from './resolve/resolveClusterChain';
import type { ClusterSnapshot } from './snapshot/ClusterSnapshot';

/**
 * The chain logic, seen from a data layer: resolution and diagnostics over
 * a snapshot, and route simulation over a resolved chain. Pure and
 * synchronous; never talks to a cluster.
 *
 * @public
 */
export interface ChainEngine {
  resolve(
    snapshot: ClusterSnapshot,
    target: MeshEntityTarget,
    options: ResolveChainOptions,
  ): ResolvedClusterChain;
  simulate(
    chain: ClusterChain,
    request: RouteSimulationRequest,
    options: { clusterDomain: string },
  ): RouteSimulationResult;
}

/**
 * The engine of this package: {@link resolveClusterChain} and
 * {@link simulateRoute}.
 *
 * @public
 */
export const defaultChainEngine: ChainEngine = {
  resolve: (snapshot, target, options) =>
    resolveClusterChain(snapshot, target, options),
  simulate: (chain, request, options) => simulateRoute(chain, request, options),
};
