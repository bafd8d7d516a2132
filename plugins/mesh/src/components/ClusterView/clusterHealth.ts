import type { ClusterChain, Health } from '@mesh-chain/plugin-mesh-common';
import {
  healthOfSeverity,
  worstDiagnostic,
  worstHealth,
} from '../../utils/format';

/** The worst health in a cluster: its error, diagnostics and resources. */
export function clusterHealth(chain: ClusterChain): Health {
  if (chain.error) return 'error';
  const items = [
    ...chain.gateways,
    ...chain.virtualServices,
    ...chain.httpRoutes,
    ...chain.destinationRules,
    ...chain.services,
    ...chain.deployments,
    ...chain.hpas,
  ];
  return worstHealth([
    healthOfSeverity(worstDiagnostic(chain.diagnostics)?.severity),
    ...items.map(i => i.health),
    ...(chain.warnings.length ? (['warning'] as Health[]) : []),
  ]);
}

/** True when the cluster answered and nothing of the component is in it. */
export function isEmptyChain(chain: ClusterChain): boolean {
  return (
    !chain.error &&
    chain.warnings.length === 0 &&
    [
      chain.gateways,
      chain.virtualServices,
      chain.httpRoutes,
      chain.destinationRules,
      chain.services,
      chain.deployments,
      chain.hpas,
      chain.pods,
      chain.routes,
    ].every(list => list.length === 0)
  );
}
