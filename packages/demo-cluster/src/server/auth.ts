/*
 * Bearer-token authentication and a small RBAC-like authorizer: each token
 * maps to a user that may do everything, or only read, optionally except in
 * some namespaces. Denials are worded like RBAC's.
 */
import type { ResourceType } from '../api/resources';

/** What a token may do. @public */
export interface TokenPolicy {
  /** The user name the API reports (e.g. in 403 messages). */
  user: string;
  groups?: string[];
  /** `admin`: every verb; `read`: get, list and watch only. */
  access: 'admin' | 'read';
  /**
   * Namespaces this user may not see at all. Such a user also may not list
   * or watch namespaced kinds across all namespaces (like a user with only
   * RoleBindings).
   */
  denyNamespaces?: string[];
}

/** The demo tokens. @public */
export const DEFAULT_TOKENS: Readonly<Record<string, TokenPolicy>> = {
  'demo-admin-token': {
    user: 'demo-admin',
    groups: ['system:masters'],
    access: 'admin',
  },
  'demo-readonly-token': {
    user: 'demo-readonly',
    groups: ['demo:viewers'],
    access: 'read',
  },
  'demo-restricted-token': {
    user: 'demo-restricted',
    groups: ['demo:team'],
    access: 'admin',
    denyNamespaces: ['finance'],
  },
};

const READ_VERBS = new Set(['get', 'list', 'watch']);

/** The request attributes an authorizer decides on. */
export interface RequestAttributes {
  verb: string;
  resource: ResourceType;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The bearer token of a request, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(.+)$/i);
  return m?.[1].trim();
}

/**
 * Why a request is denied (RBAC wording), or `undefined` when allowed.
 */
export function denial(
  policy: TokenPolicy,
  attrs: RequestAttributes,
): string | undefined {
  const { verb, resource, subresource, namespace } = attrs;
  const what = subresource
    ? `${resource.plural}/${subresource}`
    : resource.plural;
  const where =
    resource.namespaced && namespace
      ? `in the namespace "${namespace}"`
      : 'at the cluster scope';
  const because = `User "${policy.user}" cannot ${verb} resource "${what}" in API group "${resource.group}" ${where}`;
  if (policy.access === 'read' && !READ_VERBS.has(verb)) {
    return because;
  }
  const denied = policy.denyNamespaces ?? [];
  if (denied.length) {
    if (resource.namespaced && !namespace) {
      return because;
    }
    if (namespace && denied.includes(namespace)) {
      return because;
    }
    if (
      resource.kind === 'Namespace' &&
      attrs.name &&
      denied.includes(attrs.name)
    ) {
      return because;
    }
  }
  return undefined;
}

/**
 * Checks a token map (from options or a tokens file), naming the entry and
 * field that is wrong.
 */
export function checkTokens(
  tokens: unknown,
  where: string,
): Record<string, TokenPolicy> {
  if (!tokens || typeof tokens !== 'object' || Array.isArray(tokens)) {
    throw new Error(
      `${where} must map tokens to policies, e.g. { "my-token": { "user": "me", "access": "read" } }`,
    );
  }
  const entries = Object.entries(tokens as Record<string, any>);
  if (!entries.length) throw new Error(`${where} must hold at least one token`);
  for (const [token, policy] of entries) {
    const at = `${where}["${token}"]`;
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new Error(`${at}: a token must be printable ASCII without spaces`);
    }
    if (!policy || typeof policy !== 'object') {
      throw new Error(`${at} must be an object with user and access`);
    }
    if (typeof policy.user !== 'string' || !policy.user) {
      throw new Error(
        `${at}.user must be a non-empty string (the user name in 403 messages)`,
      );
    }
    if (policy.access !== 'admin' && policy.access !== 'read') {
      throw new Error(
        `${at}.access must be 'admin' or 'read', not '${policy.access}'`,
      );
    }
    if (
      policy.denyNamespaces !== undefined &&
      (!Array.isArray(policy.denyNamespaces) ||
        policy.denyNamespaces.some((n: unknown) => typeof n !== 'string'))
    ) {
      throw new Error(`${at}.denyNamespaces must be a list of namespace names`);
    }
    if (policy.groups !== undefined && !Array.isArray(policy.groups)) {
      throw new Error(`${at}.groups must be a list of group names`);
    }
  }
  return tokens as Record<string, TokenPolicy>;
}
