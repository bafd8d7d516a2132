/*
 * The parsed inputs of `mesh:chain:render`, defaults applied, as declared
 * types. The zod schemas in `./schema` validate them at run time (and
 * describe each field for the template editor); `chainSpecSchema` does not
 * compile unless the schemas parse to exactly these types.
 */

/**
 * One service and its way in from outside: what `mesh:chain:render` takes,
 * with the defaults applied.
 *
 * @public
 */
export type ChainSpec = {
  /** Name of the service; its objects are named after it (DNS-1035 label). */
  name: string;
  /** Namespace of every object of the service (DNS-1123 label). */
  namespace: string;
  /** The `backstage.io/kubernetes-id` label; defaults to the name. */
  kubernetesId?: string;
  /** The `app.kubernetes.io/part-of` label. */
  partOf?: string;
  /** Extra labels for every object and pod. */
  labels?: Record<string, string>;
  /** Also render the Namespace (default false). */
  createNamespace: boolean;
  /** Label the rendered Namespace for Istio sidecar injection (default true). */
  istioInjection: boolean;
  /** Container image. */
  image: string;
  /** Port the container listens on. */
  containerPort: number;
  /** Application protocol, named in the Service port (default `http`). */
  protocol: 'http' | 'http2' | 'grpc';
  /** Pods per version when not autoscaled (default 2). */
  replicas: number;
  /** CPU and memory requests and limits of the container. */
  resources?: ChainSpecResources;
  /** Environment variables of the container. */
  env?: ChainSpecEnvVar[];
  /** HTTP path of the readiness and liveness probes; no probes when absent. */
  healthCheckPath?: string;
  /** Versions running side by side (default one, `v1`, with all traffic). */
  versions: ChainSpecVersion[];
  /** The Kubernetes Service in front of the pods. */
  service: ChainSpecService;
  /** How traffic from outside the cluster reaches the service. */
  gateway: ChainSpecGateway;
  /** Host names clients use. */
  hosts: string[];
  /** HTTPS on the new Gateway. */
  tls?: ChainSpecTls;
  /** HTTP routes, first match wins (default `/` by prefix). */
  routes: ChainSpecRoute[];
  /** Also route calls from inside the mesh (default false). */
  meshRouting: boolean;
  /** Istio traffic policy of the DestinationRule. */
  trafficPolicy?: ChainSpecTrafficPolicy;
  /** Horizontal pod autoscaling on CPU and/or memory. */
  autoscaling?: ChainSpecAutoscaling;
  /** DNS domain of the cluster (default `cluster.local`). */
  clusterDomain: string;
};

/** CPU and memory of the container. @public */
export type ChainSpecResources = {
  /** What the scheduler reserves. */
  requests?: ChainSpecQuantities;
  /** The most the container may use. */
  limits?: ChainSpecQuantities;
};

/** Amounts of CPU and memory, as Kubernetes quantities. @public */
export type ChainSpecQuantities = {
  /** CPU, e.g. `100m`. */
  cpu?: string;
  /** Memory, e.g. `128Mi`. */
  memory?: string;
};

/** An environment variable of the container. @public */
export type ChainSpecEnvVar = {
  /** Its name. */
  name: string;
  /** Its value. */
  value: string;
};

/** A version of the service, a Deployment and a DestinationRule subset. @public */
export type ChainSpecVersion = {
  /** The `version` pod label and subset name, e.g. `v1`. */
  name: string;
  /** Image of this version; defaults to the service's image. */
  image?: string;
  /** Percent of the traffic it gets. */
  weight: number;
};

/** The Kubernetes Service. @public */
export type ChainSpecService = {
  /** Service type (default `ClusterIP`). */
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Port other services call (default 80). */
  port: number;
  /** Node port for NodePort/LoadBalancer; assigned by Kubernetes when absent. */
  nodePort?: number;
};

/** The Istio Gateway: a new one, or a shared one. @public */
export type ChainSpecGateway = {
  /** `new` renders a Gateway, `existing` attaches to `ref` (default `new`). */
  mode: 'new' | 'existing';
  /** The shared Gateway as `namespace/name` (mode `existing`). */
  ref?: string;
  /** Name of the new Gateway; defaults to `<name>-gateway`. */
  name?: string;
  /** Labels of the ingress gateway pods (default `istio: ingressgateway`). */
  selector: Record<string, string>;
};

/** HTTPS on the new Gateway. @public */
export type ChainSpecTls = {
  /** The Secret with the certificate and key. */
  credentialName: string;
  /** `SIMPLE` or `MUTUAL` (client certificates); default `SIMPLE`. */
  mode: 'SIMPLE' | 'MUTUAL';
  /** Redirect plain HTTP to HTTPS (default true). */
  httpsRedirect: boolean;
};

/** An HTTP route of the VirtualService. @public */
export type ChainSpecRoute = {
  /** Path to match. */
  path: string;
  /** How the path is matched (default `prefix`). */
  match: 'prefix' | 'exact' | 'regex';
  /** Replaces the matched path before forwarding. */
  rewrite?: string;
  /** Request timeout, a duration. */
  timeout?: string;
  /** A number of retries, or retries with their timeout and conditions. */
  retries?: number | ChainSpecRouteRetries;
};

/** The retry policy of a route. @public */
export type ChainSpecRouteRetries = {
  /** Retries per request. */
  attempts: number;
  /** Timeout of each try, a duration. */
  perTryTimeout?: string;
  /** When to retry, e.g. `5xx,connect-failure,reset`. */
  retryOn?: string;
};

/** The DestinationRule's traffic policy. @public */
export type ChainSpecTrafficPolicy = {
  /** Load balancing: `simple` or `consistentHash`. */
  loadBalancer?: ChainSpecLoadBalancer;
  /** Connection pool limits (circuit breaking). */
  connectionPool?: ChainSpecConnectionPool;
  /** Ejecting failing pods from the load balancing pool. */
  outlierDetection?: ChainSpecOutlierDetection;
};

/** How requests are spread over the pods. @public */
export type ChainSpecLoadBalancer = {
  /** A simple load balancing algorithm. */
  simple?: 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'PASSTHROUGH';
  /** Session affinity by exactly one hash key. */
  consistentHash?: ChainSpecConsistentHash;
};

/** The hash key of session affinity. @public */
export type ChainSpecConsistentHash = {
  /** Hash on this request header. */
  httpHeaderName?: string;
  /** Hash on this cookie (generated when absent). */
  httpCookie?: ChainSpecHttpCookie;
  /** Hash on the client IP. */
  useSourceIp?: boolean;
  /** Hash on this query parameter. */
  httpQueryParameterName?: string;
};

/** The cookie of session affinity. @public */
export type ChainSpecHttpCookie = {
  /** Cookie name. */
  name: string;
  /** Cookie path. */
  path?: string;
  /** Cookie lifetime, a duration. */
  ttl: string;
};

/** Connection pool limits. @public */
export type ChainSpecConnectionPool = {
  /** Max TCP connections to the service. */
  maxConnections?: number;
  /** TCP connect timeout, a duration. */
  connectTimeout?: string;
  /** Max requests queued while waiting for a connection. */
  http1MaxPendingRequests?: number;
  /** Max concurrent requests. */
  http2MaxRequests?: number;
  /** Max requests per connection. */
  maxRequestsPerConnection?: number;
  /** Max concurrent retries. */
  maxRetries?: number;
  /** Idle connection timeout, a duration. */
  idleTimeout?: string;
};

/** Outlier detection. @public */
export type ChainSpecOutlierDetection = {
  /** 5xx errors in a row before a pod is ejected. */
  consecutive5xxErrors?: number;
  /** How often pods are analysed, a duration. */
  interval?: string;
  /** Minimum ejection time, a duration. */
  baseEjectionTime?: string;
  /** Most pods ejected at once, in percent. */
  maxEjectionPercent?: number;
};

/** Horizontal pod autoscaling. @public */
export type ChainSpecAutoscaling = {
  /** Render a HorizontalPodAutoscaler per version (default true). */
  enabled: boolean;
  /** Fewest pods (default 2). */
  minReplicas: number;
  /** Most pods (default 5). */
  maxReplicas: number;
  /** Target average CPU use, percent of the request. */
  cpuUtilization?: number;
  /** Target average memory use, percent of the request. */
  memoryUtilization?: number;
  /** Scaling speed (`spec.behavior` of autoscaling/v2). */
  behavior?: {
    /** Rules for adding pods. */
    scaleUp?: ChainSpecScalingRules;
    /** Rules for removing pods. */
    scaleDown?: ChainSpecScalingRules;
  };
};

/** How fast replicas may change in one direction. @public */
export type ChainSpecScalingRules = {
  /** Seconds of past recommendations to consider before scaling. */
  stabilizationWindowSeconds?: number;
  /** Which policy wins when several apply; `Disabled` turns scaling off. */
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  /** Limits on the change per period. */
  policies?: ChainSpecScalingPolicy[];
};

/** A limit on how many pods may be added or removed per period. @public */
export type ChainSpecScalingPolicy = {
  /** Limit by a number of pods or a percentage of the current replicas. */
  type: 'Pods' | 'Percent';
  /** Pods or percent per period. */
  value: number;
  /** Length of the period in seconds. */
  periodSeconds: number;
};
