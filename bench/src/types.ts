/** What the clusters process is asked to start. */
export interface ClustersStart {
  /** About how many objects each cluster holds (generated chains). */
  objects: number;
  /** How many clusters (all with the same chains). */
  count: number;
  /** Latency added to every API request, ms. */
  latencyMs: number;
  /** Run the simulated controllers. */
  controllers: boolean;
  /** Serve Istio's standard metrics of each cluster (telemetry phase). */
  metrics?: boolean;
}

/** A simulated cluster, as the backends are configured with it. */
export interface ClusterInfo {
  name: string;
  url: string;
  /** The CA of an HTTPS cluster (absent for plain HTTP, e.g. a proxy). */
  caData?: string;
  /** A read-only bearer token (a service account that may get/list/watch). */
  token: string;
  /** Its Istio standard metrics (`ClustersStart.metrics`). */
  metricsUrl?: string;
}

/** A component whose chain is generated in every cluster. */
export interface BenchComponent {
  /** The `backstage.io/kubernetes-id` value, also the catalog entity name. */
  component: string;
  namespace: string;
  /** Name of its Deployment, Service, VirtualService... */
  name: string;
}

/**
 * The backends under test; `baseline` is the same backend without either
 * plugin, and `client-node` that empty backend with
 * `@kubernetes/client-node` loaded (the library both plugins load).
 */
export type BackendVariant = 'baseline' | 'client-node' | 'stock' | 'mesh';

/** What a backend process is started with. */
export interface BackendStart {
  variant: BackendVariant;
  port: number;
  /** The static token the load generator sends. */
  token: string;
  clusters: ClusterInfo[];
  /** Entity names (catalog Components with `backstage.io/kubernetes-id`). */
  entities: string[];
  /** Let the stock plugin read pod metrics (it skips them by default here). */
  stockMetrics: boolean;
  /**
   * The stock plugin's object types: `trimmed` to the kinds the mesh view
   * shows, or the plugin's `default` 13 (both plus the Istio kinds).
   */
  stockLayout?: StockLayout;
  /** More `mesh:` configuration of the mesh backend (fault suite). */
  mesh?: Record<string, unknown>;
  /**
   * Mesh: observe what the watch caches hold, through the chain engine
   * service (the `digest` command answers it). For the fault suite.
   */
  observeCaches?: boolean;
}

/**
 * The stock plugin's `kubernetes.objectTypes`: `trimmed` to what the mesh
 * view shows (pods, services, deployments, replicasets,
 * horizontalpodautoscalers), as a user comparing the two would configure
 * it, or the plugin's `default` list.
 */
export type StockLayout = 'trimmed' | 'default';
