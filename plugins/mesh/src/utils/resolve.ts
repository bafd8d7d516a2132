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

/** Finds a node of the chain picture in the chain's data by its key. */
export function resolveNode(
  chain: ClusterChain,
  key: string,
): ResolvedResource | undefined {
  if (key.startsWith('pods:')) {
    const ownerKey = key.slice('pods:'.length);
    const owner = chain.deployments.find(d => objectKey(d.ref) === ownerKey);
    if (!owner && ownerKey !== 'unowned') return undefined;
    const pods = chain.pods.filter(p =>
      owner
        ? p.owner && objectKey(p.owner) === ownerKey
        : !p.owner ||
          !chain.deployments.some(
            d => objectKey(d.ref) === objectKey(p.owner!),
          ),
    );
    return { type: 'pods', pods, owner };
  }
  const find = <T extends ResourceBase>(list: T[]) =>
    list.find(x => objectKey(x.ref) === key);
  const lists: Array<[ResolvedResource['type'], ResourceBase[]]> = [
    ['gateway', chain.gateways],
    ['virtualService', chain.virtualServices],
    ['httpRoute', chain.httpRoutes],
    ['destinationRule', chain.destinationRules],
    ['service', chain.services],
    ['deployment', chain.deployments],
    ['hpa', chain.hpas],
    ['pod', chain.pods],
  ];
  for (const [type, list] of lists) {
    const item = find(list);
    if (item) return { type, item } as ResolvedResource;
  }
  return undefined;
}
