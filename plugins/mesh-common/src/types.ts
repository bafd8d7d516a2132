/*
 * The mesh chain of a catalog component, as the mesh backend resolves it and
 * the frontend shows it. Everything here is plain JSON.
 */

/** @public */
export type Severity = 'error' | 'warning' | 'info';

/** Health of one resource in the chain: the worst of its diagnostics. @public */
export type Health = 'ok' | 'warning' | 'error' | 'unknown';

/**
 * A reference to a Kubernetes object in one cluster.
 *
 * `kind` is the Kubernetes kind (`VirtualService`, `Service`, ...);
 * `apiVersion` distinguishes the Istio Gateway (`networking.istio.io/v1`)
 * from the Gateway API Gateway (`gateway.networking.k8s.io/v1`).
 *
 * @public
 */
export interface ObjectRef {
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
}

/** A standard Kubernetes condition. @public */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** Istio-style string match. Exactly one field is set. @public */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

/**
 * One diagnostic about the chain: a stable code from the catalogue
 * (`MESH_DIAGNOSTICS`), what is wrong, the resources involved, and the fix.
 *
 * @public
 */
export interface Diagnostic {
  /** Stable code, e.g. `MESH-1101`. */
  code: string;
  severity: Severity;
  /** Short title from the catalogue, e.g. "VirtualService gateway not found". */
  title: string;
  /** What is wrong, naming the resources and values involved. */
  message: string;
  /** How to fix it, concretely. */
  fix: string;
  /** The resources involved; the first is the one to change. */
  resources: ObjectRef[];
  /** The JSON path of the offending field in the first resource, if any. */
  path?: string;
}

// ---------------------------------------------------------------------------
// Resources

/**
 * How the engine found a resource of the chain: `label` when the
 * component's label selector selects it, `reference` when the engine
 * followed a reference to it from another object (see `foundFrom`).
 *
 * @public
 */
export type FoundBy = 'label' | 'reference';

/**
 * The reference the engine followed to a resource.
 *
 * @public
 */
export interface FoundFrom {
  /** The object the reference was followed from. */
  ref: ObjectRef;
  /**
   * The link between that object and this resource, in the words of
   * `ChainLink.relation` (the upstream object first): `owns` (Deployment
   * and Pod, through its ReplicaSet), `scales` (HPA and Deployment),
   * `selects` (Service and Pod or Deployment), `routes to` (route and
   * Service), `hosts` (a VirtualService whose host is the Service's name),
   * `policy for` (DestinationRule and Service), `binds` (Gateway and
   * route).
   */
  relation: string;
}

/** Fields common to every resource in the chain. @public */
export interface ResourceBase {
  ref: ObjectRef;
  /** Worst severity of the diagnostics that name this resource first. */
  health: Health;
  /** How the engine found it (set on every resource the engine resolves). */
  foundBy?: FoundBy;
  /** For `foundBy: 'reference'`: the object and the link it was found through. */
  foundFrom?: FoundFrom;
  labels?: Record<string, string>;
  creationTimestamp?: string;
}

/** A server of an Istio Gateway, or a listener of a Gateway API Gateway. @public */
export interface GatewayServer {
  /** Server/listener name, if any. */
  name?: string;
  port: number;
  /** HTTP, HTTPS, HTTP2, GRPC, TLS, TCP, MONGO (upper case, as Istio spells them). */
  protocol: string;
  hosts: string[];
  tls?: {
    /** SIMPLE, MUTUAL, PASSTHROUGH, ISTIO_MUTUAL, AUTO_PASSTHROUGH, OPTIONAL_MUTUAL (or Terminate/Passthrough for Gateway API). */
    mode?: string;
    credentialName?: string;
    httpsRedirect?: boolean;
  };
}

/** An Istio Gateway or a Gateway API Gateway. @public */
export interface GatewayInfo extends ResourceBase {
  /** `istio` for networking.istio.io, `gateway-api` for gateway.networking.k8s.io. */
  flavor: 'istio' | 'gateway-api';
  /** Istio: `spec.selector`; Gateway API: the `gatewayClassName`. */
  selector?: Record<string, string>;
  gatewayClassName?: string;
  servers: GatewayServer[];
  /** The gateway workload (ingress gateway pods and their Service). */
  workload: {
    /** Pods the selector matches, anywhere in the cluster. */
    pods: number;
    readyPods: number;
    /** The Service in front of those pods (LoadBalancer/NodePort), if found. */
    service?: ObjectRef;
    serviceType?: ServiceType;
    /** External IPs/hostnames (LoadBalancer ingress, externalIPs). */
    addresses: string[];
    /** The node port of each Gateway port, when the Service is NodePort/LoadBalancer. */
    nodePorts: Record<string, number>;
    /** The Service port that targets each Gateway port, when different. */
    servicePorts: Record<string, number>;
  };
}

/** @public */
export interface VirtualServiceInfo extends ResourceBase {
  hosts: string[];
  /** As written: `ns/name`, `name` or `mesh`. */
  gateways: string[];
  exportTo?: string[];
  /** Ids of this VirtualService's routes in `ClusterChain.routes`. */
  routeIds: string[];
}

/** @public */
export interface DestinationRuleSubsetInfo {
  name: string;
  labels: Record<string, string>;
  /** Pods of the destination Service that carry these labels. */
  podCount: number;
  readyPodCount: number;
  trafficPolicy?: TrafficPolicySummary;
}

/** The parts of an Istio traffic policy a service owner cares about. @public */
export interface TrafficPolicySummary {
  /** e.g. `ROUND_ROBIN`, `LEAST_REQUEST`, `consistentHash(header x-user)`. */
  loadBalancer?: string;
  connectionPool?: {
    tcpMaxConnections?: number;
    connectTimeout?: string;
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    maxRequestsPerConnection?: number;
    maxRetries?: number;
  };
  outlierDetection?: {
    consecutive5xxErrors?: number;
    consecutiveGatewayErrors?: number;
    interval?: string;
    baseEjectionTime?: string;
    maxEjectionPercent?: number;
  };
  /** TLS mode towards the destination, e.g. `ISTIO_MUTUAL`. */
  tlsMode?: string;
}

/** @public */
export interface DestinationRuleInfo extends ResourceBase {
  host: string;
  /** `host` expanded with the DestinationRule's namespace and cluster domain. */
  fqdn: string;
  trafficPolicy?: TrafficPolicySummary;
  subsets: DestinationRuleSubsetInfo[];
  exportTo?: string[];
}

/** @public */
export type ServiceType =
  | 'ClusterIP'
  | 'NodePort'
  | 'LoadBalancer'
  | 'ExternalName';

/** @public */
export interface ServicePortInfo {
  name?: string;
  protocol: string;
  appProtocol?: string;
  port: number;
  /** Number or named container port, as written. */
  targetPort: number | string;
  /** The container port `targetPort` resolves to on the selected pods, if it does. */
  resolvedTargetPort?: number;
  nodePort?: number;
}

/** @public */
export interface ServiceInfo extends ResourceBase {
  type: ServiceType;
  clusterIP?: string;
  /** `<name>.<namespace>.svc.<clusterDomain>`. */
  fqdn: string;
  ports: ServicePortInfo[];
  selector: Record<string, string>;
  /** LoadBalancer ingress IPs/hostnames and `externalIPs`. */
  externalAddresses: string[];
  /** ExternalName target, for type ExternalName. */
  externalName?: string;
  /**
   * Who can reach it: `cluster` (ClusterIP: in-cluster only), `node`
   * (NodePort: any node's address on the node ports), `external`
   * (LoadBalancer with an address), `pending` (LoadBalancer with no address yet).
   */
  reachability: 'cluster' | 'node' | 'external' | 'pending';
  /** Pods the selector matches, and how many of them are ready. */
  pods: number;
  readyPods: number;
}

/** @public */
export interface DeploymentInfo extends ResourceBase {
  replicas: {
    /** `spec.replicas` (what the HPA last set, when one manages it). */
    desired: number;
    /** `status.replicas`: pods that exist. */
    current: number;
    updated: number;
    ready: number;
    available: number;
    unavailable: number;
  };
  generation?: number;
  observedGeneration?: number;
  conditions: Condition[];
  images: string[];
  strategy: {
    type: 'RollingUpdate' | 'Recreate';
    maxSurge?: number | string;
    maxUnavailable?: number | string;
  };
  rollout: {
    /** `complete`, `progressing`, `stalled` (ProgressDeadlineExceeded), or `paused`. */
    state: 'complete' | 'progressing' | 'stalled' | 'paused';
    message?: string;
  };
  selector: Record<string, string>;
  /** Labels of the pod template. */
  podLabels: Record<string, string>;
  /** The HPA that scales this Deployment, if any. */
  autoscaler?: ObjectRef;
}

/** @public */
export type HpaMetricType =
  | 'Resource'
  | 'ContainerResource'
  | 'Pods'
  | 'Object'
  | 'External';

/** One HPA metric: target and current value, in the units Kubernetes uses. @public */
export interface HpaMetricInfo {
  type: HpaMetricType;
  /** Resource name (`cpu`, `memory`) or metric name. */
  name: string;
  /** For ContainerResource. */
  container?: string;
  /** For Object metrics. */
  describedObject?: { kind: string; name: string; apiVersion?: string };
  /** Metric selector, for Pods/Object/External metrics. */
  selector?: Record<string, string>;
  target: {
    type: 'Utilization' | 'AverageValue' | 'Value';
    /** Percent for Utilization; a quantity string (e.g. `500m`, `100Mi`, `30`) otherwise. */
    value: string;
  };
  /** Absent while the HPA cannot read the metric. */
  current?: {
    /** Percent, for Utilization targets. */
    averageUtilization?: number;
    averageValue?: string;
    value?: string;
  };
}

/** @public */
export interface HpaInfo extends ResourceBase {
  scaleTargetRef: { kind: string; name: string; apiVersion?: string };
  /** The Deployment it scales, if it exists. */
  target?: ObjectRef;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  metrics: HpaMetricInfo[];
  conditions: Condition[];
  lastScaleTime?: string;
  /** `spec.behavior`, as written. */
  behavior?: Record<string, unknown>;
}

/** @public */
export interface PodInfo extends ResourceBase {
  phase: string;
  ready: boolean;
  restarts: number;
  podIP?: string;
  nodeName?: string;
  /** The Deployment the pod belongs to (through its ReplicaSet). */
  owner?: ObjectRef;
  containers: Array<{
    name: string;
    image: string;
    ready: boolean;
    /** `running`, `waiting: CrashLoopBackOff`, `terminated: Error`... */
    state: string;
    ports: Array<{ name?: string; containerPort: number; protocol?: string }>;
  }>;
}

// ---------------------------------------------------------------------------
// Routes

/** One match block of a route (all conditions must hold). @public */
export interface RouteMatch {
  name?: string;
  uri?: StringMatch;
  /** The match of each header, by header name (lower case). */
  headers?: Record<string, StringMatch>;
  /** Headers, by name, that must be absent or not match. */
  withoutHeaders?: Record<string, StringMatch>;
  method?: StringMatch;
  authority?: StringMatch;
  scheme?: StringMatch;
  queryParams?: Record<string, StringMatch>;
  port?: number;
  ignoreUriCase?: boolean;
  /** Only from these gateways (`ns/name` or `mesh`). */
  gateways?: string[];
  /** For TLS routes: SNI hosts. */
  sniHosts?: string[];
  /** For TCP/TLS routes: destination subnets. */
  destinationSubnets?: string[];
  /**
   * Gateway API `PathPrefix`: `uri.prefix` matches whole path segments
   * (`/api` matches `/api` and `/api/x`, not `/apix`).
   */
  pathSeparatedPrefix?: boolean;
  /** Only from sidecars in this namespace (mesh only). */
  sourceNamespace?: string;
  /** Only from sidecars of workloads with these labels (mesh only). */
  sourceLabels?: Record<string, string>;
}

/** A weighted destination of a route. @public */
export interface RouteDestination {
  /** The host as written. */
  host: string;
  /** The host expanded to a FQDN in the route's namespace. */
  fqdn: string;
  subset?: string;
  port?: number;
  /** Percent of traffic (0-100). A single unweighted destination gets 100. */
  weight: number;
  /** The Service it resolves to in this cluster, if any. */
  service?: ObjectRef;
  /** The DestinationRule that defines `subset`, if any. */
  destinationRule?: ObjectRef;
}

/** One route of a VirtualService (http/tls/tcp) or an HTTPRoute rule. @public */
export interface RouteInfo {
  /** Stable id: `<cluster>/<namespace>/<name>/<protocol>/<index>`. */
  id: string;
  source: ObjectRef;
  protocol: 'http' | 'tls' | 'tcp';
  /** Route name, if given. */
  name?: string;
  /** Position in its list (first match wins). */
  index: number;
  /** Hosts of the VirtualService/HTTPRoute. */
  hosts: string[];
  /** Gateways this route is reachable through (`ns/name`, or `mesh`). */
  gateways: string[];
  /**
   * Where a browser can reach it from outside: scheme from the Gateway
   * server's protocol/TLS, host, non-default port, and the path prefix or
   * exact path of the match, e.g. `https://shop.example.com/api`.
   */
  externalUrls: string[];
  /** Empty means "matches everything". */
  match: RouteMatch[];
  destinations: RouteDestination[];
  rewrite?: {
    uri?: string;
    authority?: string;
    uriRegex?: { match: string; rewrite: string };
  };
  redirect?: {
    uri?: string;
    authority?: string;
    scheme?: string;
    redirectCode?: number;
  };
  directResponse?: { status: number };
  /** e.g. `5s`. */
  timeout?: string;
  retries?: { attempts: number; perTryTimeout?: string; retryOn?: string };
  fault?: {
    delay?: string;
    delayPercent?: number;
    abortStatus?: number;
    abortPercent?: number;
  };
  mirror?: { host: string; subset?: string; percent?: number };
  /** Request/response header changes, as written. */
  headers?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------
// The chain

/** An edge of the chain picture (from points towards the workload). @public */
export interface ChainLink {
  /** `objectKey()` of the source object. */
  from: string;
  to: string;
  /** e.g. `binds`, `routes to`, `policy for`, `selects`, `scales`, `owns`. */
  relation: string;
  /** Set when the reference points at nothing (the `to` node is a placeholder). */
  broken?: boolean;
}

/** Why a cluster's data could not be read. @public */
export interface ClusterError {
  /**
   * `unreachable` (connection refused/DNS), `timeout`, `unauthorized` (401),
   * `forbidden` (403), `tls` (certificate problem), `credentials` (no user
   * credential for a user-auth cluster), or `unknown`.
   */
  reason:
    | 'unreachable'
    | 'timeout'
    | 'unauthorized'
    | 'forbidden'
    | 'tls'
    | 'credentials'
    | 'unknown';
  message: string;
  statusCode?: number;
  /** A resource kind that could not be read when the rest could, e.g. `virtualservices`. */
  resource?: string;
}

/**
 * How current a cluster's part of an answer is.
 *
 * - `current`: the backend's watch cache is in step with the cluster (or the
 *   cluster was read for this request).
 * - `syncing`: the backend is still loading the cluster for the first time;
 *   there is no data yet. Open pages get a live update when there is.
 * - `stale`: what is shown is the cluster as last seen at `since`: the
 *   cluster cannot be read right now (`reason`), or is being read again
 *   after an outage and not every kind is back. Nothing shown is known to be
 *   current; open pages get a live update when it is.
 * - `error`: nothing could be read from the cluster (`ClusterChain.error`).
 *
 * @public
 */
export interface ClusterStatus {
  state: 'current' | 'syncing' | 'stale' | 'error';
  /**
   * `stale`: since when the data has not been known current; `syncing`:
   * since when the backend is loading the cluster (ISO 8601).
   */
  since?: string;
  /** `stale` and `error`: why, as in {@link ClusterError}. */
  reason?: ClusterError['reason'];
  /** What is going on, in plain words naming the cluster; absent when current. */
  message?: string;
}

/** @public */
export interface ClusterSummary {
  name: string;
  title?: string;
  dashboardUrl?: string;
}

/** The chain of one entity in one cluster. @public */
export interface ClusterChain {
  cluster: ClusterSummary;
  /** Set when nothing could be read from the cluster; the lists are then empty. */
  error?: ClusterError;
  /** Partial problems: kinds that could not be read while others could. */
  warnings: ClusterError[];
  /**
   * How current this cluster's part is: `syncing` and `stale` are not
   * errors, but what is shown is not (yet, or any more) the cluster as it
   * is. Absent in answers of backends older than this field: current.
   */
  status?: ClusterStatus;
  /** `cache` when served from the watch cache, `direct` when read for this request. */
  source: 'cache' | 'direct';
  /** When the data was last known current (ISO 8601). */
  observedAt: string;
  /** Whether the Istio networking CRDs are served by this cluster. */
  istio: boolean;
  /** Whether the Gateway API CRDs are served by this cluster. */
  gatewayApi: boolean;
  gateways: GatewayInfo[];
  virtualServices: VirtualServiceInfo[];
  /** Gateway API HTTPRoutes that send traffic to the component's Services. */
  httpRoutes: VirtualServiceInfo[];
  destinationRules: DestinationRuleInfo[];
  services: ServiceInfo[];
  deployments: DeploymentInfo[];
  hpas: HpaInfo[];
  pods: PodInfo[];
  routes: RouteInfo[];
  links: ChainLink[];
  diagnostics: Diagnostic[];
  /**
   * What the traffic does, from the cluster's Prometheus (Istio's standard
   * metrics): absent when no Prometheus is configured for the cluster.
   */
  telemetry?: ChainTelemetry;
}

/**
 * `GET /api/mesh/entities/{kind}/{namespace}/{name}`.
 *
 * @public
 */
export interface MeshChainResponse {
  entityRef: string;
  /** `configured` when the entity has the Kubernetes annotations, else `not-configured`. */
  status: 'configured' | 'not-configured';
  /** What to add when not configured. */
  hint?: string;
  /** The label selector used to find the component's workloads. */
  selector?: string;
  /** Namespace restriction from `backstage.io/kubernetes-namespace`, if any. */
  namespace?: string;
  clusters: ClusterChain[];
  /** Changes each time any cluster's part of the chain changes. */
  revision: string;
  generatedAt: string;
  /**
   * How long after this answer the backend keeps pushing changes of this
   * entity (`mesh.live.interestWindow`). A page that stays open fetches the
   * chain again before then to keep receiving them. Absent when the entity
   * gets no live updates.
   */
  liveForMs?: number;
}

// ---------------------------------------------------------------------------
// Route simulation

/**
 * `GET /api/mesh/entities/{kind}/{namespace}/{name}/object`: one object of
 * the entity's chain, read from the cluster when asked (what "show YAML"
 * shows). The chain answer carries no such copies, so it stays small.
 *
 * @public
 */
export interface MeshObjectResponse {
  entityRef: string;
  cluster: string;
  ref: ObjectRef;
  /**
   * The object as the cluster holds it, trimmed for display: without
   * `managedFields`, the `last-applied-configuration` annotation, env,
   * volumes and probes.
   */
  object: Record<string, unknown>;
}

/**
 * `POST /api/mesh/entities/{kind}/{namespace}/{name}/route`.
 *
 * @public
 */
export interface RouteSimulationRequest {
  /** Absolute URL, e.g. `https://shop.example.com/api/cart?x=1`. */
  url: string;
  /** Default `GET`. */
  method?: string;
  headers?: Record<string, string>;
  /**
   * `gateway` (default): the request enters through an ingress gateway.
   * `mesh`: it comes from a sidecar inside the mesh.
   */
  from?: 'gateway' | 'mesh';
  /** Only this cluster; default all the entity's clusters. */
  cluster?: string;
  /** For `from: mesh`, the namespace of the caller (affects short host names). */
  sourceNamespace?: string;
}

/** One step of a simulated request's path. @public */
export interface SimulationStep {
  /** `gateway`, `virtualService`, `route`, `destination`, `service`, `pods`. */
  kind:
    | 'gateway'
    | 'virtualService'
    | 'route'
    | 'destination'
    | 'service'
    | 'pods';
  resource?: ObjectRef;
  /** What happened at this step, in plain words. */
  detail: string;
  ok: boolean;
}

/** @public */
export interface SimulatedDestination {
  host: string;
  subset?: string;
  weight: number;
  service?: ObjectRef;
  servicePort?: number;
  targetPort?: number | string;
  /** Names of the pods that would receive the traffic. */
  pods: string[];
  readyPods: number;
  /**
   * Why connections to ready pods fail nonetheless (a targetPort their
   * containers do not declare); absent when they connect.
   */
  portProblem?: string;
}

/** Where a request goes in one cluster. @public */
export interface RouteSimulationResult {
  cluster: string;
  /** True when a route matched and at least one destination has ready pods. */
  reachable: boolean;
  gateway?: { ref: ObjectRef; server: GatewayServer };
  virtualService?: ObjectRef;
  /** Id of the matching route in `ClusterChain.routes`. */
  routeId?: string;
  /** Index of the match block that matched within the route. */
  matchIndex?: number;
  /**
   * How long the proxy waits for an answer on the matched HTTP route
   * (`RouteInfo.timeout`); absent: Istio's default, no timeout.
   */
  timeout?: string;
  /**
   * How the matched HTTP route retries (`RouteInfo.retries`); absent:
   * Istio's default (2 attempts).
   */
  retries?: RouteInfo['retries'];
  destinations: SimulatedDestination[];
  steps: SimulationStep[];
  /** Why nothing matched / why it is unreachable, when so. */
  reasons: string[];
  /**
   * `objectKey()` of every object of the chain the request passes, in
   * order: the Gateway, the VirtualService or HTTPRoute, the
   * DestinationRule of each subset it is sent to, the Services, and the
   * ready pods that receive it with their Deployments. Destinations with
   * no share of the traffic are left out. A picture highlights these.
   */
  path?: string[];
  /**
   * How current the data the request was traced through is, as in the
   * chain's `ClusterChain.status`: a trace on a `stale` cluster is a trace
   * through the cluster as last seen, and says so here; a `syncing`
   * cluster is not traced. Set by the backend.
   */
  status?: ClusterStatus;
  /** The chain's partial problems (`ClusterChain.warnings`). Set by the backend. */
  warnings?: ClusterError[];
}

/** @public */
export interface RouteSimulationResponse {
  entityRef: string;
  request: RouteSimulationRequest;
  results: RouteSimulationResult[];
}

// ---------------------------------------------------------------------------
// Live updates

/**
 * The signal channel for an entity's chain: the backend publishes
 * `MeshChainSignal` there when the chain changes. Payloads carry no data; the
 * page fetches the chain again with the user's own credentials.
 *
 * @public
 */
export function meshSignalChannel(entityRef: string): string {
  return `mesh:chain:${entityRef.toLocaleLowerCase('en-US')}`;
}

/** @public */
export interface MeshChainSignal {
  entityRef: string;
  revision: string;
  clusters: string[];
  changedAt: string;
}

/** A unique key for an object in one cluster, used by `ChainLink`. @public */
export function objectKey(ref: ObjectRef): string {
  const group = ref.apiVersion.includes('/')
    ? ref.apiVersion.split('/')[0]
    : 'core';
  return `${group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

// ---------------------------------------------------------------------------
// Traffic (telemetry)

/**
 * Health from error rates, as Kiali computes it: `failure` above the
 * failure tolerance, `degraded` above the degraded one, `healthy` below,
 * `idle` without requests.
 *
 * @public
 */
export type TrafficHealth = 'healthy' | 'degraded' | 'failure' | 'idle';

/**
 * Error-rate tolerances of one class of response codes, in percent of
 * requests (Kiali's defaults: 5xx degraded above 0, failure above 10; 4xx
 * degraded above 10, failure above 20).
 *
 * @public
 */
export interface TrafficTolerance {
  /** `5xx` or `4xx`. */
  code: '5xx' | '4xx';
  /** Degraded above this percent. */
  degraded: number;
  /** Failure above this percent. */
  failure: number;
}

/** Requests per second with one response code and Envoy flags. @public */
export interface TrafficResponse {
  /** HTTP status, e.g. `503`; `0` when the connection failed before any. */
  code: string;
  /** Envoy response flags, e.g. `UH` (no healthy upstream), `NR`, `-` for none. */
  flags: string;
  rps: number;
}

/** Request rate, errors and latency of a part of the chain. @public */
export interface TrafficFigures {
  /** Requests per second over the rate window. */
  rps: number;
  /** Percent of requests answered with 5xx. */
  errors5xx: number;
  /** Percent of requests answered with 4xx. */
  errors4xx: number;
  /** Latency percentiles in milliseconds (absent without requests). */
  latencyMs?: { p50?: number; p95?: number; p99?: number };
  /** The requests by response code and flags, most first. */
  responses: TrafficResponse[];
  health: TrafficHealth;
}

/** Traffic to one weighted destination of a route. @public */
export interface DestinationTraffic extends TrafficFigures {
  /** The destination host as a FQDN. */
  fqdn: string;
  subset?: string;
  /** The configured weight, percent. */
  weight: number;
  /** The observed share of the route's requests, percent. */
  share: number;
}

/** Traffic of one route (`RouteInfo.id`), and of each destination. @public */
export interface RouteTraffic extends TrafficFigures {
  routeId: string;
  destinations: DestinationTraffic[];
}

/** Requests for a host of the chain that no route matched (404 `NR`). @public */
export interface UnroutedTraffic {
  host: string;
  /** The VirtualService (or HTTPRoute) that names the host. */
  source?: ObjectRef;
  rps: number;
}

/** An autoscaler as Prometheus saw it (kube-state-metrics). @public */
export interface AutoscalerTraffic {
  ref: ObjectRef;
  currentReplicas?: number;
  desiredReplicas?: number;
  minReplicas?: number;
  maxReplicas?: number;
  /** Each metric's current value against its target (units as in KSM). */
  metrics: Array<{
    name: string;
    /** `utilization` (percent), `average` or `value`. */
    targetType: string;
    current?: number;
    target?: number;
  }>;
}

/**
 * The traffic of a chain in one cluster, from its Prometheus.
 *
 * @public
 */
export interface ChainTelemetry {
  /**
   * `ok`: figures below; `loading`: the first query is under way (a live
   * update follows); `error`: Prometheus could not be asked (`message`
   * says why), the rest of the chain is unaffected.
   */
  state: 'ok' | 'loading' | 'error';
  message?: string;
  /** When Prometheus was asked (ISO 8601). */
  measuredAt?: string;
  /** The rate window of the figures, seconds. */
  windowSeconds: number;
  tolerances: TrafficTolerance[];
  routes: RouteTraffic[];
  unrouted: UnroutedTraffic[];
  autoscalers: AutoscalerTraffic[];
  /**
   * Traffic health of the chain's objects, keyed by `objectKey()` (routes'
   * VirtualServices, Services, Deployments, Gateways): what the chain
   * picture colours each node by, beside its configuration health.
   */
  health: Record<string, TrafficHealth>;
  /** Diagnostics only traffic can tell (`MESH-7xxx`). */
  diagnostics: Diagnostic[];
}

/** One point of a traffic chart. @public */
export interface TrafficPoint {
  /** Unix time, seconds. */
  t: number;
  rps: number;
  errors5xx: number;
  errors4xx: number;
  p95Ms?: number;
}

/** One point of an autoscaler chart. @public */
export interface AutoscalerPoint {
  t: number;
  currentReplicas?: number;
  desiredReplicas?: number;
  maxReplicas?: number;
  /** The first metric's current value and target. */
  current?: number;
  target?: number;
}

/**
 * `GET /api/mesh/entities/{kind}/{namespace}/{name}/traffic?window=1h`:
 * the chain's traffic over a window, per cluster.
 *
 * @public
 */
export interface TrafficHistoryResponse {
  entityRef: string;
  /** The window, seconds (300 to 21600). */
  windowSeconds: number;
  stepSeconds: number;
  clusters: Array<{
    cluster: string;
    state: 'ok' | 'error' | 'not-configured';
    message?: string;
    routes: Array<{
      routeId: string;
      points: TrafficPoint[];
      destinations: Array<{
        fqdn: string;
        subset?: string;
        points: TrafficPoint[];
      }>;
    }>;
    autoscalers: Array<{ ref: ObjectRef; points: AutoscalerPoint[] }>;
  }>;
}

/**
 * Reads an {@link objectKey} back (`<group>/<kind>/<namespace>/<name>`),
 * e.g. to name the placeholder at the end of a broken `ChainLink`. The key
 * carries no version: `apiVersion` is the group's `v1`.
 *
 * @public
 */
export function parseObjectKey(key: string): ObjectRef | undefined {
  const [group, kind, namespace, ...name] = key.split('/');
  if (!kind || name.length === 0) return undefined;
  return {
    kind,
    apiVersion: group === 'core' ? 'v1' : `${group}/v1`,
    ...(namespace && { namespace }),
    name: name.join('/'),
  };
}
