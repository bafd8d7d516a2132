/*
 * The data behind a box of the chain picture: the resource of the answer
 * with that key, or a pod group's pods and their Deployment.
 */
import type {
  ClusterChain,
  DeploymentInfo,
  DestinationRuleInfo,
  GatewayInfo,
  HpaInfo,
  PodInfo,
  ResourceBase,
  ServiceInfo,
  VirtualServiceInfo,
} from '@mesh-chain/plugin-mesh-common';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import type { ChainGraph } from './chainGraph';

export type ResolvedResource =
  | { type: 'gateway'; item: GatewayInfo }
  | { type: 'virtualService'; item: VirtualServiceInfo }
  | { type: 'httpRoute'; item: VirtualServiceInfo }
  | { type: 'destinationRule'; item: DestinationRuleInfo }
  | { type: 'service'; item: ServiceInfo }
  | { type: 'deployment'; item: DeploymentInfo }
  | { type: 'hpa'; item: HpaInfo }
  | { type: 'pod'; item: PodInfo }
  | { type: 'pods'; pods: PodInfo[]; owner?: DeploymentInfo };

/** The HPA that scales a Deployment, as the answer says (`autoscaler`). */
export function autoscalerOf(
  chain: ClusterChain,
  deployment: DeploymentInfo,
): HpaInfo | undefined {
  const ref = deployment.autoscaler;
  return ref && chain.hpas.find(h => objectKey(h.ref) === objectKey(ref));
}

/** The resource lists of a chain, by the type of resource they hold. */
function resourceLists(
  chain: ClusterChain,
): Array<[Exclude<ResolvedResource['type'], 'pods'>, ResourceBase[]]> {
  return [
    ['gateway', chain.gateways],
    ['virtualService', chain.virtualServices],
    ['httpRoute', chain.httpRoutes],
    ['destinationRule', chain.destinationRules],
    ['service', chain.services],
    ['deployment', chain.deployments],
    ['hpa', chain.hpas],
    ['pod', chain.pods],
  ];
}

/** Every resource of a chain, pods included. */
export function chainResources(chain: ClusterChain): ResourceBase[] {
  return resourceLists(chain).flatMap(([, list]) => list);
}

/** Finds a node of the chain picture in the chain's data by its key. */
export function resolveNode(
  chain: ClusterChain,
  graph: ChainGraph,
  key: string,
): ResolvedResource | undefined {
  const find = <T extends ResourceBase>(list: T[], k: string) =>
    list.find(x => objectKey(x.ref) === k);
  const node = graph.nodes.find(n => n.key === key);
  if (node?.kind === 'pods') {
    const members = new Set(node.members);
    return {
      type: 'pods',
      pods: chain.pods.filter(p => members.has(objectKey(p.ref))),
      owner: find(chain.deployments, key.slice('pods:'.length)),
    };
  }
  for (const [type, list] of resourceLists(chain)) {
    const item = find(list, key);
    if (item) return { type, item } as ResolvedResource;
  }
  return undefined;
}
