/*
 * The RBAC authorizer, with kube-apiserver's semantics
 * (plugin/pkg/auth/authorizer/rbac): a request is allowed when any rule of
 * any role bound to the user (or one of their groups, or their service
 * account) allows it. ClusterRoleBindings apply everywhere, RoleBindings in
 * their namespace only. There are no deny rules: what no rule allows is
 * denied.
 */
import type { KubeObject } from '../types';

/** Who makes a request, as the authenticator saw them. @public */
export interface UserInfo {
  /** e.g. `jane` or `system:serviceaccount:backstage:mesh-viewer`. */
  name: string;
  groups: readonly string[];
}

/**
 * What a request does (kube-apiserver's `authorizer.Attributes`): a
 * resource request, or a request for a non-resource URL such as `/apis`.
 *
 * @public
 */
export type RequestAttributes =
  | {
      resourceRequest: true;
      verb: string;
      /** API group; '' for the core group. */
      apiGroup: string;
      /** Plural resource name, e.g. `deployments`. */
      resource: string;
      /** e.g. `scale`, `status`, `log`. */
      subresource?: string;
      /** '' or absent at the cluster scope. */
      namespace?: string;
      name?: string;
    }
  | { resourceRequest: false; verb: string; path: string };

/** One `rules[]` entry of a Role or ClusterRole. @public */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A `subjects[]` entry of a binding. @public */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount' | string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** The RBAC objects an authorizer reads. */
export interface RbacObjects {
  clusterRoleBindings(): readonly KubeObject[];
  roleBindings(namespace: string): readonly KubeObject[];
  clusterRole(name: string): KubeObject | undefined;
  role(namespace: string, name: string): KubeObject | undefined;
}

/** An authorization decision. @public */
export interface Decision {
  allowed: boolean;
  /**
   * `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`
   * when allowed; when denied, empty unless a binding refers to a role that
   * does not exist (`RBAC: clusterrole.rbac.authorization.k8s.io "y" not
   * found`), as kube-apiserver reports it.
   */
  reason: string;
}

function matchesAll(values: readonly string[] | undefined, wanted: string) {
  return (values ?? []).some(v => v === '*' || v === wanted);
}

function resourceMatches(
  rule: PolicyRule,
  combined: string,
  subresource: string | undefined,
): boolean {
  return (rule.resources ?? []).some(
    r =>
      r === '*' ||
      r === combined ||
      // `*/scale` matches the scale subresource of every resource.
      (subresource !== undefined &&
        subresource !== '' &&
        r === `*/${subresource}`),
  );
}

function resourceNameMatches(rule: PolicyRule, name: string | undefined) {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (name !== undefined && names.includes(name));
}

function nonResourceUrlMatches(rule: PolicyRule, path: string) {
  return (rule.nonResourceURLs ?? []).some(
    u =>
      u === '*' ||
      u === path ||
      (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

/**
 * Whether one rule allows a request (`rbac.RuleAllows`): verb, API group,
 * resource (with `resource/subresource` and `*\/subresource` forms) and
 * resource name all match, or verb and non-resource URL (a trailing `*`
 * matches any suffix).
 *
 * @public
 */
export function ruleAllows(
  attrs: RequestAttributes,
  rule: PolicyRule,
): boolean {
  if (!matchesAll(rule.verbs, attrs.verb)) {
    return false;
  }
  if (!attrs.resourceRequest) {
    return nonResourceUrlMatches(rule, attrs.path);
  }
  const combined = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  return (
    matchesAll(rule.apiGroups, attrs.apiGroup) &&
    resourceMatches(rule, combined, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}

/** `system:serviceaccount:<namespace>:<name>`. @public */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Whether a binding's subject is the user (`appliesToUser`). */
function appliesTo(
  user: UserInfo,
  subject: Subject,
  bindingNamespace: string,
): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return (
        namespace !== '' &&
        user.name === serviceAccountUser(namespace, subject.name)
      );
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string) {
  if (subject.kind === 'ServiceAccount') {
    return `${subject.kind} "${subject.name}/${
      subject.namespace || bindingNamespace
    }"`;
  }
  return `${subject.kind} "${subject.name}"`;
}

/** The rules a binding grants, or why they cannot be found. */
function rulesOf(
  objects: RbacObjects,
  binding: KubeObject,
): { rules: PolicyRule[] } | { error: string } {
  const ref = binding.roleRef ?? {};
  const namespace = binding.metadata.namespace ?? '';
  if (ref.kind === 'ClusterRole') {
    const role = objects.clusterRole(ref.name);
    return role
      ? { rules: role.rules ?? [] }
      : {
          error: `clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`,
        };
  }
  if (ref.kind === 'Role' && namespace) {
    const role = objects.role(namespace, ref.name);
    return role
      ? { rules: role.rules ?? [] }
      : { error: `role.rbac.authorization.k8s.io "${ref.name}" not found` };
  }
  return { error: `unsupported role reference kind: "${ref.kind}"` };
}

/**
 * Decides a request the way kube-apiserver's RBAC authorizer does: the
 * ClusterRoleBindings first, then the RoleBindings of the request's
 * namespace; the first rule that allows it wins.
 *
 * @public
 */
export function authorize(
  objects: RbacObjects,
  user: UserInfo,
  attrs: RequestAttributes,
): Decision {
  const errors: string[] = [];
  const bindings: Array<{ binding: KubeObject; kind: string }> = [
    ...objects
      .clusterRoleBindings()
      .map(binding => ({ binding, kind: 'ClusterRoleBinding' })),
  ];
  const namespace = attrs.resourceRequest ? attrs.namespace ?? '' : '';
  if (namespace) {
    bindings.push(
      ...objects
        .roleBindings(namespace)
        .map(binding => ({ binding, kind: 'RoleBinding' })),
    );
  }
  for (const { binding, kind } of bindings) {
    const bindingNamespace = binding.metadata.namespace ?? '';
    const subject = ((binding.subjects ?? []) as Subject[]).find(s =>
      appliesTo(user, s, bindingNamespace),
    );
    if (!subject) continue;
    const found = rulesOf(objects, binding);
    if ('error' in found) {
      errors.push(found.error);
      continue;
    }
    if (found.rules.some(rule => ruleAllows(attrs, rule))) {
      const name =
        kind === 'RoleBinding'
          ? `${binding.metadata.name}/${bindingNamespace}`
          : binding.metadata.name;
      return {
        allowed: true,
        reason: `RBAC: allowed by ${kind} "${name}" of ${
          binding.roleRef.kind
        } "${binding.roleRef.name}" to ${describeSubject(
          subject,
          bindingNamespace,
        )}`,
      };
    }
  }
  let reason = '';
  if (errors.length === 1) reason = `RBAC: ${errors[0]}`;
  if (errors.length > 1) reason = `RBAC: [${errors.join(', ')}]`;
  return { allowed: false, reason };
}

/**
 * kube-apiserver's wording of a denial (`forbiddenMessage`), without the
 * `<resource> "<name>" is forbidden: ` prefix the Status message adds:
 * `User "u" cannot list resource "pods" in API group "" in the namespace
 * "shop"`, `... at the cluster scope`, or `User "u" cannot get path "/apis"`.
 *
 * @public
 */
export function forbiddenMessage(
  user: UserInfo,
  attrs: RequestAttributes,
): string {
  if (!attrs.resourceRequest) {
    return `User "${user.name}" cannot ${attrs.verb} path "${attrs.path}"`;
  }
  const resource = attrs.subresource
    ? `${attrs.resource}/${attrs.subresource}`
    : attrs.resource;
  const where = attrs.namespace
    ? `in the namespace "${attrs.namespace}"`
    : 'at the cluster scope';
  return `User "${user.name}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.apiGroup}" ${where}`;
}
