export interface Config {
  mesh?: {
    /** Settings for the mesh scaffolder actions. */
    scaffolder?: {
      /**
       * Clusters and namespaces the `mesh:chain:apply` action may write to.
       * When absent or empty, the action may not apply to any cluster.
       */
      targets?: Array<{
        /** Cluster name, as in `kubernetes.clusterLocatorMethods`. */
        cluster: string;
        /**
         * Namespaces templates may write to; `*` matches any characters,
         * e.g. `team-*`, or `*` for every namespace. The cluster's RBAC must
         * allow the target's credential there too.
         */
        namespaces: string[];
        /**
         * The credential templates write with, configured like a cluster's
         * auth in `kubernetes.clusterLocatorMethods`. Without it they write
         * with the cluster's own credential, which the portal reads with;
         * give each target its own, bound (RoleBinding) only in its
         * namespaces. It never reaches the browser or the logs.
         */
        credentials?: {
          /**
           * `serviceAccount` (the default), `aws`, `googleServiceAccount` or
           * `azure`: a credential the backend holds.
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
      /**
       * Registering entities without a Git host (`mesh:catalog:register-local`).
       */
      catalog?: {
        /**
         * Directory on the backend the action writes entity files to,
         * relative to the backend's working directory like `file` catalog
         * locations. The Location entity below must read `<directory>/*.yaml`.
         */
        directory?: string;
        /**
         * Entity reference of the Location entity (type `file`,
         * `presence: optional`) whose target is `<directory>/*.yaml`; the
         * action refreshes it after writing an entity, e.g.
         * `location:default/mesh-local-components`.
         */
        location?: string;
      };
    };
  };
}
