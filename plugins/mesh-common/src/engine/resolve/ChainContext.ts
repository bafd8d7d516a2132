/*
 * What one resolution of a chain holds while it runs: the objects found,
 * each beside the JSON the answer shows, for the diagnostics, health and
 * links that follow.
 */
import type {
  ClusterChain,
  DestinationRuleInfo,
  VirtualServiceInfo,
} from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { ChainIndex } from '../reads/ChainIndex';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import type { ResolvedGateway } from './gateways';

/** Options of {@link resolveClusterChain}. @public */
export interface ResolveChainOptions {
  /** Kubernetes DNS domain, e.g. `cluster.local`. */
  clusterDomain: string;
  /** Istio's configuration root namespace; default `istio-system`. */
  rootNamespace?: string;
}

/** What {@link resolveClusterChain} returns: the chain minus what the caller knows. @public */
export type ResolvedClusterChain = Omit<
  ClusterChain,
  'cluster' | 'source' | 'observedAt' | 'error' | 'warnings'
>;

/** Everything the diagnostics need, objects and their JSON side by side. */
export interface ChainContext {
  snapshot: ClusterSnapshot;
  index: ChainIndex;
  clusterDomain: string;
  rootNamespace: string;
  cluster: string;
  services: Array<{
    obj: KubeObject;
    info: ClusterChain['services'][number];
    pods: KubeObject[];
  }>;
  deployments: Array<{
    obj: KubeObject;
    info: ClusterChain['deployments'][number];
    pods: KubeObject[];
  }>;
  hpas: Array<{
    obj: KubeObject;
    info: ClusterChain['hpas'][number];
    target?: KubeObject;
  }>;
  pods: Array<{ obj: KubeObject; info: ClusterChain['pods'][number] }>;
  virtualServices: Array<{ obj: KubeObject; info: VirtualServiceInfo }>;
  httpRoutes: Array<{ obj: KubeObject; info: VirtualServiceInfo }>;
  gateways: ResolvedGateway[];
  destinationRules: Array<{ obj: KubeObject; info: DestinationRuleInfo }>;
  routes: ClusterChain['routes'];
  /** Gateways (by `flavor:ns/name`) that references name but do not exist. */
  missingGateways: Set<string>;
}
