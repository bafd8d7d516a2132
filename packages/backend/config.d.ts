export interface Config {
  mesh?: {
    /** The sample portal's permission policy (packages/backend). */
    permissions?: {
      /**
       * Groups whose members may use what only admins may: the stock
       * Kubernetes proxy, the template editor, unregistering any entity, and
       * every permission the policy does not name. Entity references, e.g.
       * `group:default/platform-admins` (the default).
       */
      adminGroups?: string[];
    };
  };
}
