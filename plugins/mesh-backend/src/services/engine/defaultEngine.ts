import { simulateRoute } from '@mesh-chain/plugin-mesh-common';
import { resolveClusterChain } from '../chain';
import type { ChainEngine } from './types';

/**
 * The chain logic: `resolveClusterChain` (resolution and diagnostics, in
 * `services/chain`) and `simulateRoute` (in `@mesh-chain/plugin-mesh-common`).
 *
 * @alpha
 */
export const defaultChainEngine: ChainEngine = {
  resolve: (snapshot, target, options) =>
    resolveClusterChain(snapshot, target, options),
  simulate: (chain, request, options) => simulateRoute(chain, request, options),
};
