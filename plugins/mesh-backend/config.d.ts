import type { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Settings for the mesh backend. Clusters come from the `kubernetes`
   * section, exactly as for the stock Kubernetes plugin; everything here is
   * optional.
   */
  mesh?: {
    /**
     * DNS domain of the clusters, used to expand short host names such as
     * `reviews` into `reviews.<namespace>.svc.<clusterDomain>`.
     * @default cluster.local
     */
    clusterDomain?: string;

    /**
     * Watch (and, for user-auth clusters, read) only these namespaces instead
     * of the whole cluster. Include the namespace of your ingress gateways
     * (e.g. `istio-system`) so their Gateways and workloads are found.
     */
    namespaces?: string[];

    /**
     * The longest a page view waits for one cluster before that cluster
     * answers with a `timeout` error; also the deadline of every HTTP request
     * to a cluster. A duration such as `10s`, `{ seconds: 10 }`, or
     * milliseconds.
     * @default 10s
     */
    requestTimeout?: HumanDuration | string | number;

    /**
     * How often the clusters of a `catalog` cluster locator are read again
     * from the catalog (on the next use after this long), and how often the
     * watch caches are matched to the cluster list: caches start for new
     * clusters and stop for removed ones. A duration such as `30s`, or
     * milliseconds.
     * @default 30s
     */
    catalogClusterRefreshInterval?: HumanDuration | string | number;

    /** The watch caches of clusters with server-side credentials. */
    cache?: {
      /**
       * Most objects cached per cluster. A kind that would exceed it is not
       * cached and its cluster reports a warning naming this setting.
       * @default 250000
       */
      maxObjectsPerCluster?: number;
      /**
       * Most resolved chains memoized (per entity selector and cluster).
       * @default 5000
       */
      maxChains?: number;
      /**
       * Objects per page when listing.
       * @default 250
       */
      pageSize?: number;
      /**
       * Server-side timeout of each watch request (each gets +-20% jitter);
       * the watch then resumes from its last resourceVersion.
       * @default 5m
       */
      watchTimeout?: HumanDuration | string | number;
      /**
       * A full relist of every kind this often, to repair any missed event.
       * @default 1h
       */
      relistInterval?: HumanDuration | string | number;
      /**
       * How often kinds whose CRDs are not installed (Istio, Gateway API)
       * are checked again.
       * @default 5m
       */
      crdRecheckInterval?: HumanDuration | string | number;
      /**
       * Longest wait between retries after a failure (about 1 s, doubling,
       * with jitter, up to this). Any request to the cluster that succeeds
       * again ends every kind's wait at once.
       * @default 5s
       */
      maxBackoff?: HumanDuration | string | number;
    };

    /**
     * Traffic figures from Prometheus (Istio's standard metrics and
     * kube-state-metrics), like Kiali's `external_services.prometheus`.
     * Prometheus, Thanos Query and Mimir speak the same query API. Absent:
     * no traffic figures.
     */
    telemetry?: {
      /** The Prometheus of every cluster that has no entry under `clusters`. */
      prometheus?: MeshPrometheusConfig;
      /**
       * Per cluster (by name): its own Prometheus, or fields over the default
       * one (e.g. only `queryScope` for a Prometheus shared by clusters), or
       * `false` for none.
       */
      clusters?: {
        [name: string]: { prometheus?: MeshPrometheusConfig | false };
      };
      /**
       * How often each cluster's Prometheus is asked while someone follows a
       * chain there (one set of queries per cluster, whatever the number of
       * pages).
       * @default 15s
       */
      refreshInterval?: HumanDuration | string | number;
      /**
       * The window of `rate()`.
       * @default 1m
       */
      rateWindow?: HumanDuration | string | number;
      /** @default 10s */
      queryTimeout?: HumanDuration | string | number;
      /**
       * Shortest time between two live updates of an entity for figures
       * that moved beyond noise (health changes are pushed at once).
       * @default 30s
       */
      minPushInterval?: HumanDuration | string | number;
      /**
       * Error-rate tolerances of traffic health, percent (Kiali's defaults:
       * 5xx degraded above 0, failure above 10; 4xx 10 and 20).
       */
      tolerances?: {
        '5xx'?: { degraded?: number; failure?: number };
        '4xx'?: { degraded?: number; failure?: number };
      };
    };

    /** Live updates pushed to open pages through Backstage signals. */
    live?: {
      /**
       * Quiet time after a cluster change before chains are resolved again
       * (a burst of changes never delays the update by more than 1 s more).
       * @default 250ms
       */
      debounce?: HumanDuration | string | number;
      /**
       * How long after its last page view (on any replica) an entity keeps
       * receiving live updates.
       * @default 1h
       */
      interestWindow?: HumanDuration | string | number;
      /**
       * Most entities followed for live updates; the least recently viewed
       * are dropped first.
       * @default 1000
       */
      maxEntities?: number;
    };

    /**
     * Changes owners make to their traffic from the Service Mesh tab, the
     * mesh API, the `mesh:chain:change` template action and the
     * `mesh:apply-change` action. Nothing can be changed without `targets`.
     */
    changes?: {
      /**
       * The field manager of every change (server-side apply). Not the
       * templates' `backstage-mesh`: server-side apply removes what a
       * manager stops applying.
       * @default backstage-mesh-changes
       */
      fieldManager?: string;
      /** Where changes may be written, and the credential to write with. */
      targets?: Array<{
        /** Cluster name, as in `kubernetes.clusterLocatorMethods`. */
        cluster: string;
        /**
         * Namespaces whose objects owners may change; `*` matches any
         * characters, e.g. `team-*`. The cluster's RBAC must allow the
         * credential there too.
         */
        namespaces: string[];
        /**
         * The credential changes are written with, configured like a
         * cluster's auth; required (changes never use the cluster's read
         * credential). It needs `patch` on virtualservices,
         * horizontalpodautoscalers and deployments in those namespaces.
         */
        credentials: {
          /**
           * `serviceAccount` (the default), `aws`, `googleServiceAccount`
           * or `azure`: a credential the backend holds.
           */
          authProvider?: string;
          /**
           * The service account token (required for `serviceAccount`).
           * @visibility secret
           */
          serviceAccountToken?: string;
          /** For `aws`: the role to assume. */
          assumeRole?: string;
          /**
           * For `aws`: the external id of the role.
           * @visibility secret
           */
          externalId?: string;
        };
      }>;
    };
  };
}

/** A Prometheus the mesh backend asks. */
export interface MeshPrometheusConfig {
  /** Base URL, e.g. `http://prometheus.monitoring:9090` (no credentials in it). */
  url?: string;
  /**
   * Sent as `Authorization: Bearer <token>`.
   * @visibility secret
   */
  bearerToken?: string;
  /**
   * The whole `Authorization` header, e.g. `Basic dXNlcjpwYXNz`.
   * @visibility secret
   */
  authHeader?: string;
  /**
   * More headers, e.g. `X-Scope-OrgID` for Mimir.
   * @visibility secret
   */
  headers?: { [name: string]: string };
  /**
   * Label matchers added to every query, to pick one cluster out of a
   * Prometheus shared by several, e.g. `{ cluster: prod }`.
   */
  queryScope?: { [label: string]: string };
}
