/*
 * What one resolution of a chain holds while it runs: the objects found,
 * each beside the JSON the answer shows, for the diagnostics, health and
 * links that follow.
 */
import type {
  ChainTelemetry,
  ClusterChain,
  DeploymentInfo,
  DestinationRuleInfo,
  HpaInfo,
  PodInfo,
  RouteInfo,
  ServiceInfo,
  VirtualServiceInfo,
} from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { ChainReads } from '../reads/ChainReads';
import type { ResolvedGateway } from './gatewayInfo';

/** Options of {@link resolveClusterChain}. @public */
export interface ResolveChainOptions {
  /** Kubernetes DNS domain, e.g. `cluster.local`. */
  clusterDomain: string;
  /** Istio's configuration root namespace; default `istio-system`. */
  rootNamespace?: string;
  /**
   * `false` follows the references without diagnosing the chain, for a
   * data layer that is still fetching what the chain refers to (a draft's
   * diagnostics would read what only the missing objects explain).
   * Default `true`.
   */
  diagnose?: boolean;
  /**
   * The chain's traffic figures, for the traffic rules (`MESH-7xxx`);
   * without them those rules stay quiet.
   */
  telemetry?: ChainTelemetry;
}

/** What {@link resolveClusterChain} returns: the chain minus what the caller knows. @public */
export type ResolvedClusterChain = Omit<
  ClusterChain,
  'cluster' | 'source' | 'observedAt' | 'error' | 'warnings' | 'status'
>;

/** A Service of the chain, with the pods its selector selects. @public */
export interface ChainService {
  obj: KubeObject;
  info: ServiceInfo;
  pods: KubeObject[];
}

/** A Deployment of the chain, with its pods. @public */
export interface ChainDeployment {
  obj: KubeObject;
  info: DeploymentInfo;
  pods: KubeObject[];
}

/** An HPA of the chain, with the Deployment it scales. @public */
export interface ChainHpa {
  obj: KubeObject;
  info: HpaInfo;
  target?: KubeObject;
}

/** Everything the diagnostics need, objects and their JSON side by side. @public */
export interface ChainContext {
  /** The reads of this resolution (recorded when the snapshot records). */
  reads: ChainReads;
  clusterDomain: string;
  rootNamespace: string;
  cluster: string;
  services: ChainService[];
  deployments: ChainDeployment[];
  hpas: ChainHpa[];
  pods: Array<{ obj: KubeObject; info: PodInfo }>;
  virtualServices: Array<{ obj: KubeObject; info: VirtualServiceInfo }>;
  httpRoutes: Array<{ obj: KubeObject; info: VirtualServiceInfo }>;
  gateways: ResolvedGateway[];
  destinationRules: Array<{ obj: KubeObject; info: DestinationRuleInfo }>;
  routes: RouteInfo[];
  /** Gateways (by `flavor:ns/name`) that references name but do not exist. */
  missingGateways: Set<string>;
  /** The chain's traffic figures, when given (see ResolveChainOptions). */
  telemetry?: ChainTelemetry;
}
