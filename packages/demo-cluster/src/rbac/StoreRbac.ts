/*
 * RBAC over the cluster's own store: the authorizer reads the Roles,
 * ClusterRoles and bindings as they are now (kubectl edits take effect on
 * the next request), and the bootstrap policy is reconciled into the store
 * on start.
 */
import type { ObjectApi } from '../api/ObjectApi';
import { ResourceType, mustFindByKind } from '../api/resources';
import type { Store } from '../store/Store';
import type { KubeObject } from '../types';
import {
  Decision,
  RbacObjects,
  RequestAttributes,
  UserInfo,
  authorize,
} from './authorizer';
import { reconciles } from './policy';

const V1 = 'rbac.authorization.k8s.io/v1';

/** The RBAC objects of a store, for the authorizer. */
export class StoreRbac implements RbacObjects {
  private readonly types: Record<
    'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding',
    ResourceType
  >;

  constructor(private readonly store: Store) {
    this.types = {
      Role: mustFindByKind(V1, 'Role'),
      ClusterRole: mustFindByKind(V1, 'ClusterRole'),
      RoleBinding: mustFindByKind(V1, 'RoleBinding'),
      ClusterRoleBinding: mustFindByKind(V1, 'ClusterRoleBinding'),
    };
  }

  clusterRoleBindings(): readonly KubeObject[] {
    return this.store.list(this.types.ClusterRoleBinding);
  }

  roleBindings(namespace: string): readonly KubeObject[] {
    return this.store.list(this.types.RoleBinding, namespace);
  }

  clusterRole(name: string): KubeObject | undefined {
    return this.store.get(this.types.ClusterRole, '', name);
  }

  role(namespace: string, name: string): KubeObject | undefined {
    return this.store.get(this.types.Role, namespace, name);
  }

  authorize(user: UserInfo, attrs: RequestAttributes): Decision {
    return authorize(this, user, attrs);
  }
}

const SYSTEM = {
  caller: { user: 'system:apiserver', groups: ['system:masters'] },
  fieldManager: 'demo-cluster-bootstrap',
};

/** What of a bootstrap object reconciling keeps as defined. */
function definition(o: KubeObject): string {
  return JSON.stringify([o.metadata.labels, o.rules, o.roleRef, o.subjects]);
}

/**
 * Creates the bootstrap objects that are missing and puts back those that
 * changed while they keep the autoupdate annotation. Namespaced objects in
 * a namespace that is being deleted are skipped.
 */
export function reconcilePolicy(
  api: ObjectApi,
  store: Store,
  objects: KubeObject[],
): void {
  const namespaces = mustFindByKind('v1', 'Namespace');
  for (const desired of objects) {
    const type = mustFindByKind(desired.apiVersion, desired.kind);
    const ns = type.namespaced ? desired.metadata.namespace ?? '' : '';
    if (ns) {
      const namespace = store.get(namespaces, '', ns);
      if (!namespace || namespace.metadata.deletionTimestamp) continue;
    }
    const existing = store.get(type, ns, desired.metadata.name);
    if (!existing) {
      api.create(type, ns || undefined, structuredClone(desired), SYSTEM);
      continue;
    }
    if (!reconciles(existing) || definition(existing) === definition(desired))
      continue;
    api.update(
      type,
      ns || undefined,
      desired.metadata.name,
      {
        ...structuredClone(desired),
        metadata: {
          ...structuredClone(desired.metadata),
          resourceVersion: existing.metadata.resourceVersion,
        },
      },
      SYSTEM,
    );
  }
}
