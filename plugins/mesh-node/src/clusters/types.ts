import type { KubeConfig } from '@kubernetes/client-node';

/**
 * How the backend authenticates to a cluster.
 *
 * - `server`: credentials live on the backend (`serviceAccount`,
 *   `localKubectlProxy`, `aws`, `googleServiceAccount`, `azure`). Such
 *   clusters can be watched and cached once for every user.
 * - `user`: the credential belongs to the signed-in user and comes with the
 *   request (`google`, `oidc`, `microsoft`, `aks`); reads go straight to the
 *   cluster with that credential and are never shared between users.
 *
 * @public
 */
export type MeshClusterAuthMode = 'server' | 'user';

/**
 * A cluster, as configured for the stock Backstage Kubernetes plugin under
 * `kubernetes.clusterLocatorMethods`.
 *
 * @public
 */
export interface MeshCluster {
  /** Name of the cluster; the identifier used everywhere. */
  name: string;
  /** Human-readable title, when configured. */
  title?: string;
  /** URL of the Kubernetes API server. */
  url: string;
  /** The configured `authProvider` (e.g. `serviceAccount`). */
  authProvider: string;
  /** Whether the backend holds the credential or the user brings it. */
  authMode: MeshClusterAuthMode;
  /** Skip verification of the API server's TLS certificate. */
  skipTLSVerify: boolean;
  /** Base64 PEM CA bundle of the API server, if configured. */
  caData?: string;
  /** Path to a PEM CA bundle of the API server, if configured. */
  caFile?: string;
  /** Link to a dashboard for the cluster, if configured. */
  dashboardUrl?: string;
  /** The `dashboardApp` used to format dashboard links, if configured. */
  dashboardApp?: string;
  /**
   * The cluster's Prometheus, from the catalog entity's
   * `mesh-chain.io/prometheus-url` annotation (catalog clusters only;
   * checked like the API server URL).
   */
  prometheusUrl?: string;
}

/**
 * A credential a user supplied for a cluster whose `authMode` is `user`,
 * keyed like the stock plugin's `auth` request field (e.g. `{ oidc: { okta: token } }`
 * or `{ google: token }`).
 *
 * @public
 */
export type MeshUserAuth = Record<string, unknown>;

/**
 * A credential the backend holds for a cluster besides the cluster's own
 * (the one under `kubernetes.clusterLocatorMethods`, which the portal reads
 * with): e.g. the write credential of a scaffolder target. It is configured
 * like a cluster's auth (see {@link readClusterCredential}) and used with
 * the stock plugin's strategy for its provider. Its fields are secrets:
 * never log or return them.
 *
 * @public
 */
export interface MeshClusterCredential {
  /**
   * A provider whose credential the backend holds: `serviceAccount`, `aws`,
   * `googleServiceAccount` or `azure`.
   */
  authProvider: string;
  /** The provider's fields: `serviceAccountToken`, or the AWS role annotations. */
  authMetadata: Record<string, string>;
}

/**
 * Access to the configured clusters, shared by the mesh backend and its
 * modules (the scaffolder actions use it to apply manifests).
 *
 * @public
 */
export interface MeshClustersService {
  /** All configured clusters, in configuration order. */
  listClusters(): Promise<MeshCluster[]>;
  /** One cluster by name; throws `NotFoundError` if it is not configured. */
  getCluster(name: string): Promise<MeshCluster>;
  /**
   * A `KubeConfig` for `@kubernetes/client-node` with a current credential
   * for the cluster. Call it again for each new connection: some
   * credentials (AWS, Google) expire.
   *
   * For `user` clusters, `userAuth` must carry the user's credential.
   * With `credential`, the KubeConfig authenticates with that credential
   * instead of the cluster's own (same URL and CA).
   */
  getKubeConfig(
    cluster: string | MeshCluster,
    options?: { userAuth?: MeshUserAuth; credential?: MeshClusterCredential },
  ): Promise<KubeConfig>;
}
