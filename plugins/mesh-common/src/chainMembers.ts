/*
 * The objects a cluster's chain shows, in the order of the chain.
 */
import type { ClusterChain, ObjectRef } from './types';

/**
 * The object lists of a chain that {@link chainMemberRefs} reads: a
 * {@link ClusterChain}, resolved or as answered.
 *
 * @public
 */
export type ChainMemberLists = Pick<
  ClusterChain,
  | 'gateways'
  | 'virtualServices'
  | 'httpRoutes'
  | 'destinationRules'
  | 'services'
  | 'deployments'
  | 'hpas'
  | 'pods'
>;

/**
 * The reference of every object of a chain (resolved or as answered), from
 * the gateways to the pods.
 *
 * @public
 */
export function chainMemberRefs(chain: ChainMemberLists): ObjectRef[] {
  return [
    ...chain.gateways,
    ...chain.virtualServices,
    ...chain.httpRoutes,
    ...chain.destinationRules,
    ...chain.services,
    ...chain.deployments,
    ...chain.hpas,
    ...chain.pods,
  ].map(resource => resource.ref);
}
