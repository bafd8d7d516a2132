import type { ClusterChain, Health } from '@mesh-chain/plugin-mesh-common';
import {
  healthOfSeverity,
  worstDiagnostic,
  worstHealth,
} from '../../utils/format';
import { chainResources } from '../../utils/resolve';

/**
 * The worst health in a cluster: its error, diagnostics and resources; a
 * cluster still loading is `unknown`, a stale one at best a `warning`.
 */
export function clusterHealth(chain: ClusterChain): Health {
  if (chain.error) return 'error';
  if (chain.status?.state === 'syncing') return 'unknown';
  return worstHealth([
    healthOfSeverity(worstDiagnostic(chain.diagnostics)?.severity),
    ...chainResources(chain).map(i => i.health),
    ...(chain.warnings.length || chain.status?.state === 'stale'
      ? (['warning'] as Health[])
      : []),
  ]);
}

/** True when the cluster answered and nothing of the component is in it. */
export function isEmptyChain(chain: ClusterChain): boolean {
  return (
    !chain.error &&
    (chain.status?.state ?? 'current') === 'current' &&
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
