/*
 * The sample portal's permission policy: a table of rules, the first that
 * matches a permission decides; what no rule names is for the admin groups
 * only. Everyone signed in reads and runs templates; the stock Kubernetes
 * proxy, which sends any request to a cluster with the portal's own
 * credential, is for the admin groups only.
 */
import type { UserInfoService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogEntityRefreshPermission,
  catalogEntityValidatePermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import {
  meshChainUpdateForcePermission,
  meshChainUpdatePermission,
} from '@mesh-chain/plugin-mesh-common';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
  isPermission,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';

/** Who asks, as the rules see them. */
export interface Requester {
  /** e.g. `user:default/jane`. */
  userEntityRef: string;
  /** The user and the groups they are in (their ownership claims). */
  ownershipEntityRefs: string[];
  /** Whether they are in one of `mesh.permissions.adminGroups`. */
  isAdmin: boolean;
}

/** One row of the policy: which permissions it is about, and what it decides. */
export interface PolicyRule {
  /** What the rule says, in words (the README lists these). */
  description: string;
  matches(permission: Permission): boolean;
  decide(permission: Permission, requester: Requester): PolicyDecision;
}

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

const allow = () => ALLOW;
const adminsOnly = (_: Permission, r: Requester) => (r.isAdmin ? ALLOW : DENY);

/** The entity's owners (the user, or a group they are in), and admins. */
function ownersAndAdmins(permission: Permission, r: Requester) {
  if (r.isAdmin) return ALLOW;
  if (!isResourcePermission(permission, 'catalog-entity')) return DENY;
  return createCatalogConditionalDecision(
    permission,
    catalogConditions.isEntityOwner({ claims: r.ownershipEntityRefs }),
  );
}

const oneOf =
  (...permissions: Permission[]) =>
  (permission: Permission) =>
    permissions.some(p => isPermission(permission, p));

/**
 * The rules, first match wins. To add one (e.g. a permission of a new
 * plugin), put a row above the rule that would otherwise catch it.
 */
export const POLICY_RULES: readonly PolicyRule[] = [
  {
    description:
      'The stock Kubernetes proxy (/api/kubernetes/proxy) forwards any request to a cluster with the portal’s credential: admin groups only.',
    matches: oneOf(kubernetesProxyPermission),
    decide: adminsOnly,
  },
  {
    description:
      'Editing templates in the browser (template editor): admin groups only.',
    matches: oneOf(templateManagementPermission),
    decide: adminsOnly,
  },
  {
    description:
      'Forcing a traffic change past another field manager (Flagger, an HPA) or a GitOps tool (mesh.chain.update.force): admin groups only.',
    matches: oneOf(meshChainUpdateForcePermission),
    decide: adminsOnly,
  },
  {
    description:
      'Changing an entity’s traffic from the Service Mesh tab, the mesh API or the mesh actions (mesh.chain.update): its owners (the user or one of their groups) and admin groups.',
    matches: oneOf(meshChainUpdatePermission),
    decide: ownersAndAdmins,
  },
  {
    description:
      'Unregistering an entity: its owners (the user or one of their groups) and admin groups.',
    matches: oneOf(catalogEntityDeletePermission),
    decide: ownersAndAdmins,
  },
  {
    description:
      'Reading (catalog, Kubernetes and mesh views, templates, tasks): everyone signed in.',
    matches: permission => permission.attributes.action === 'read',
    decide: allow,
  },
  {
    description:
      'Running templates (tasks, their actions, dry runs, cancelling): everyone signed in. Where a template may write is the scaffolder targets’ business.',
    matches: oneOf(
      taskCreatePermission,
      taskCancelPermission,
      actionExecutePermission,
      templateDryRunPermission,
    ),
    decide: allow,
  },
  {
    description:
      'Registering components (catalog import, the template’s register step) and refreshing entities: everyone signed in.',
    matches: oneOf(
      catalogEntityCreatePermission,
      catalogLocationCreatePermission,
      catalogLocationAnalyzePermission,
      catalogEntityValidatePermission,
      catalogEntityRefreshPermission,
    ),
    decide: allow,
  },
];

/** Everything else: admin groups only. */
const OTHERWISE: PolicyRule['decide'] = adminsOnly;

/** Options of {@link MeshSamplePermissionPolicy}. */
export interface MeshSamplePolicyOptions {
  /** Group entity refs whose members are admins, e.g. `group:default/platform-admins`. */
  adminGroups: string[];
  userInfo: UserInfoService;
  rules?: readonly PolicyRule[];
}

/** The admin groups of `mesh.permissions.adminGroups`, normalised. */
export function readAdminGroups(config: Config): string[] {
  const key = 'mesh.permissions.adminGroups';
  const groups = config.getOptionalStringArray(key) ?? [
    'group:default/platform-admins',
  ];
  return groups.map((ref, i) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch (error) {
      throw new Error(
        `${key}[${i}] '${ref}' is not an entity reference: ${
          (error as Error).message
        }; use e.g. group:default/platform-admins`,
      );
    }
  });
}

/**
 * The sample portal's policy: {@link POLICY_RULES}, then admin groups only.
 * Requests without a signed-in user are denied.
 */
export class MeshSamplePermissionPolicy implements PermissionPolicy {
  private readonly adminGroups: Set<string>;
  private readonly rules: readonly PolicyRule[];

  constructor(private readonly options: MeshSamplePolicyOptions) {
    this.adminGroups = new Set(
      options.adminGroups.map(g => g.toLocaleLowerCase('en-US')),
    );
    this.rules = options.rules ?? POLICY_RULES;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return DENY;
    }
    const info = await this.options.userInfo.getUserInfo(user.credentials);
    const ownershipEntityRefs = info.ownershipEntityRefs.map(r =>
      r.toLocaleLowerCase('en-US'),
    );
    const requester: Requester = {
      userEntityRef: info.userEntityRef,
      ownershipEntityRefs: info.ownershipEntityRefs,
      isAdmin: ownershipEntityRefs.some(r => this.adminGroups.has(r)),
    };
    const rule = this.rules.find(r => r.matches(request.permission));
    return (rule?.decide ?? OTHERWISE)(request.permission, requester);
  }
}
