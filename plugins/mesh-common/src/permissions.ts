/*
 * The permissions of the mesh plugin. Reading a chain is guarded by the
 * stock Kubernetes plugin's `kubernetes.resources.read`; changing one is the
 * plugin's own business, decided per catalog entity.
 */
import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of catalog entities (`RESOURCE_TYPE_CATALOG_ENTITY`). */
const CATALOG_ENTITY = 'catalog-entity';

/**
 * Changing an entity's traffic from the Service Mesh tab, the mesh API, the
 * `mesh:chain:change` template action or the `mesh:apply-change` action:
 * route weights, timeouts and retries, the autoscaler's limits, replicas,
 * restarts. A resource permission on the catalog entity, so a policy can
 * allow it to the entity's owners (`isEntityOwner`). Previews need it too:
 * they run a server-side dry run with the cluster's write credential.
 *
 * @public
 */
export const meshChainUpdatePermission = createPermission({
  name: 'mesh.chain.update',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY,
});

/**
 * Forcing a change past another field manager that keeps the field (Flagger
 * or Argo Rollouts setting route weights, an HPA setting replicas) or a
 * GitOps tool that reverts the object (Argo CD, Flux). Meant for
 * administrators: the other manager will fight the change or revert it.
 *
 * @public
 */
export const meshChainUpdateForcePermission = createPermission({
  name: 'mesh.chain.update.force',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY,
});

/**
 * The mesh plugin's own permissions, as the backend registers them.
 *
 * @public
 */
export const meshPermissions = [
  meshChainUpdatePermission,
  meshChainUpdateForcePermission,
];
