export interface Config {
  mesh?: {
    /** Settings for the mesh scaffolder actions. */
    scaffolder?: {
      /**
       * Clusters and namespaces the `mesh:apply` action may write to. When
       * absent, the action may not apply to any cluster.
       */
      targets?: Array<{
        /** Cluster name, as in `kubernetes.clusterLocatorMethods`. */
        cluster: string;
        /** Namespaces (glob `*` allowed). */
        namespaces: string[];
      }>;
    };
  };
}
