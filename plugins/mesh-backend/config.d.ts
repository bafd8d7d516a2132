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
  };
}
