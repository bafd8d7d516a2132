import type {
  ClusterChain,
  RouteSimulationResult,
} from '@mesh-chain/plugin-mesh-common';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { podGroupKey } from './chainGraph';

/** The keys of the chain picture's nodes a simulated request passes. */
export function pathKeys(
  chain: ClusterChain,
  result: RouteSimulationResult,
): Set<string> {
  const keys = new Set<string>();
  if (result.gateway) keys.add(objectKey(result.gateway.ref));
  if (result.virtualService) keys.add(objectKey(result.virtualService));
  for (const step of result.steps) {
    if (step.resource) keys.add(objectKey(step.resource));
  }
  const route = chain.routes.find(r => r.id === result.routeId);
  if (route) keys.add(objectKey(route.source));
  const podNames = new Set<string>();
  for (const d of result.destinations) {
    if (d.weight <= 0) continue;
    if (d.service) keys.add(objectKey(d.service));
    const routeDest = route?.destinations.find(
      rd => rd.host === d.host && rd.subset === d.subset,
    );
    if (routeDest?.destinationRule)
      keys.add(objectKey(routeDest.destinationRule));
    d.pods.forEach(p => podNames.add(p));
  }
  for (const p of chain.pods) {
    if (!podNames.has(p.ref.name) || !p.owner) continue;
    const owner = objectKey(p.owner);
    keys.add(owner);
    keys.add(podGroupKey(owner));
  }
  return keys;
}
