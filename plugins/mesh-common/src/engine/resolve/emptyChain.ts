/*
 * The chain of a component with nothing in a cluster: what a cluster that
 * could not be read, or is still loading, answers.
 */
import type { ResolvedClusterChain } from './ChainContext';

const none = <T>(): T[] => Object.freeze([]) as unknown as T[];

const empty: ResolvedClusterChain = {
  istio: false,
  gatewayApi: false,
  gateways: none(),
  virtualServices: none(),
  httpRoutes: none(),
  destinationRules: none(),
  services: none(),
  deployments: none(),
  hpas: none(),
  pods: none(),
  routes: none(),
  links: none(),
  diagnostics: none(),
};

/**
 * A resolved chain with nothing in it. Its lists are frozen (shared by
 * every chain spread from it): replace them, never push to them.
 *
 * @public
 */
export const EMPTY_RESOLVED_CHAIN: Readonly<ResolvedClusterChain> =
  Object.freeze(empty);
