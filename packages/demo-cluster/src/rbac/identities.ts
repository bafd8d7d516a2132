/*
 * Authentication: bearer tokens bound to identities, a user with groups or a
 * service account, the way kube-apiserver's token authenticators report
 * them (every authenticated identity is also in `system:authenticated`;
 * service accounts are `system:serviceaccount:<ns>:<name>` in
 * `system:serviceaccounts` and `system:serviceaccounts:<ns>`). What an
 * identity may do is decided by RBAC, not here.
 */
import { UserInfo, serviceAccountUser } from './authorizer';

/**
 * Who a bearer token authenticates as: a user (with groups), or a service
 * account given as `namespace/name`.
 *
 * @public
 */
export interface TokenIdentity {
  /** A user name, e.g. `jane`. */
  user?: string;
  /** Groups of the user, e.g. `system:masters`. */
  groups?: string[];
  /** A service account, `namespace/name`, e.g. `backstage/mesh-viewer`. */
  serviceAccount?: string;
}

/** The namespace of the demo's service accounts. */
export const DEMO_SERVICE_ACCOUNT_NAMESPACE = 'backstage';
/** The service account of the portal's read-only credential. */
export const VIEWER_SERVICE_ACCOUNT = 'mesh-viewer';
/** The service account of the template's write credential. */
export const SCAFFOLDER_SERVICE_ACCOUNT = 'mesh-scaffolder';
/** The service account that writes owners' traffic changes (`mesh.changes`). */
export const CHANGES_SERVICE_ACCOUNT = 'mesh-changes';
/** The group of `demo-readonly-token`, bound to the viewer's ClusterRole. */
export const VIEWERS_GROUP = 'demo:viewers';
/** The group of `demo-restricted-token`, bound in every app namespace but one. */
export const TEAM_GROUP = 'demo:team';
/** The namespace the team group has no binding in. */
export const RESTRICTED_NAMESPACE = 'finance';

/**
 * The demo tokens. What each may do comes from the RBAC objects the cluster
 * starts with (see `bootstrapPolicy`).
 *
 * @public
 */
export const DEFAULT_TOKENS: Readonly<Record<string, TokenIdentity>> = {
  'demo-admin-token': { user: 'demo-admin', groups: ['system:masters'] },
  'demo-viewer-token': {
    serviceAccount: `${DEMO_SERVICE_ACCOUNT_NAMESPACE}/${VIEWER_SERVICE_ACCOUNT}`,
  },
  'demo-scaffolder-token': {
    serviceAccount: `${DEMO_SERVICE_ACCOUNT_NAMESPACE}/${SCAFFOLDER_SERVICE_ACCOUNT}`,
  },
  'demo-changes-token': {
    serviceAccount: `${DEMO_SERVICE_ACCOUNT_NAMESPACE}/${CHANGES_SERVICE_ACCOUNT}`,
  },
  'demo-readonly-token': { user: 'demo-readonly', groups: [VIEWERS_GROUP] },
  'demo-restricted-token': { user: 'demo-restricted', groups: [TEAM_GROUP] },
};

/** The user and groups a token's identity authenticates as. @public */
export function userInfoOf(identity: TokenIdentity): UserInfo {
  if (identity.serviceAccount) {
    const [namespace, name] = identity.serviceAccount.split('/');
    return {
      name: serviceAccountUser(namespace, name),
      groups: [
        'system:serviceaccounts',
        `system:serviceaccounts:${namespace}`,
        'system:authenticated',
      ],
    };
  }
  return {
    name: identity.user!,
    groups: [...(identity.groups ?? []), 'system:authenticated'],
  };
}

/** The bearer token of an `Authorization` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(.+)$/i);
  return m?.[1].trim();
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkIdentity(identity: any, at: string): void {
  if (!identity || typeof identity !== 'object' || Array.isArray(identity)) {
    throw new Error(
      `${at} must be an object with user (and groups) or serviceAccount`,
    );
  }
  const { user, groups, serviceAccount } = identity;
  if ((user === undefined) === (serviceAccount === undefined)) {
    throw new Error(
      `${at} must have either user (e.g. { user: jane, groups: [team] }) or serviceAccount (e.g. { serviceAccount: backstage/mesh-viewer }), not ${
        user === undefined ? 'neither' : 'both'
      }`,
    );
  }
  if (user !== undefined && (typeof user !== 'string' || !user)) {
    throw new Error(`${at}.user must be a non-empty string`);
  }
  if (user !== undefined && user.startsWith('system:serviceaccount:')) {
    throw new Error(
      `${at}.user: use serviceAccount: <namespace>/<name> for a service account`,
    );
  }
  if (
    groups !== undefined &&
    (!Array.isArray(groups) ||
      groups.some((g: unknown) => typeof g !== 'string' || !g))
  ) {
    throw new Error(`${at}.groups must be a list of group names`);
  }
  if (serviceAccount !== undefined) {
    const parts =
      typeof serviceAccount === 'string' && serviceAccount.split('/');
    if (
      !parts ||
      parts.length !== 2 ||
      !parts.every(p => DNS1123_LABEL.test(p))
    ) {
      throw new Error(
        `${at}.serviceAccount must be <namespace>/<name>, e.g. backstage/mesh-viewer, not '${serviceAccount}'`,
      );
    }
    if (groups !== undefined) {
      throw new Error(
        `${at}.groups: a service account's groups are system:serviceaccounts and system:serviceaccounts:<namespace>; remove groups`,
      );
    }
  }
  for (const key of Object.keys(identity)) {
    if (!['user', 'groups', 'serviceAccount'].includes(key)) {
      throw new Error(
        `${at}.${key} is not a field of a token identity (user, groups, serviceAccount); what an identity may do is set by RBAC Roles and bindings`,
      );
    }
  }
}

/**
 * Checks a token map (from options or a tokens file), naming the entry and
 * field that is wrong.
 */
export function checkTokens(
  tokens: unknown,
  where: string,
): Record<string, TokenIdentity> {
  if (!tokens || typeof tokens !== 'object' || Array.isArray(tokens)) {
    throw new Error(
      `${where} must map tokens to identities, e.g. { "my-token": { "user": "me", "groups": ["team"] } }`,
    );
  }
  const entries = Object.entries(tokens as Record<string, unknown>);
  if (!entries.length) throw new Error(`${where} must hold at least one token`);
  for (const [token, identity] of entries) {
    const at = `${where}["${token}"]`;
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new Error(`${at}: a token must be printable ASCII without spaces`);
    }
    checkIdentity(identity, at);
  }
  return tokens as Record<string, TokenIdentity>;
}
