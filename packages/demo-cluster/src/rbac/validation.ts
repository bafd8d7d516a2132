/*
 * The API server's defaulting and validation of the rbac.authorization.k8s.io
 * kinds (pkg/apis/rbac/v1/defaults.go, pkg/apis/rbac/validation), beyond
 * their schemas: names are path
 * segments (`system:discovery` is valid), rules name verbs and either
 * resources or non-resource URLs, bindings refer to a role of a kind they
 * may bind and to subjects of a known kind, and a binding's roleRef never
 * changes.
 */
import type { StatusCause } from '../api/errors';
import type { KubeObject } from '../types';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Kinds whose names are path segments rather than DNS subdomains. */
export const RBAC_KINDS = new Set([
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
]);

function required(field: string, why?: string): StatusCause {
  return {
    reason: 'FieldValueRequired',
    message: why ? `Required value: ${why}` : 'Required value',
    field,
  };
}

function invalid(field: string, value: unknown, why: string): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
    field,
  };
}

function unsupported(
  field: string,
  value: unknown,
  supported: string[],
): StatusCause {
  return {
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(
      value,
    )}: supported values: ${supported.map(s => JSON.stringify(s)).join(', ')}`,
    field,
  };
}

/** `ValidatePathSegmentName`: what RBAC object names must be. */
export function validatePathSegmentName(name: unknown): StatusCause[] {
  if (typeof name !== 'string' || name === '') {
    return [required('metadata.name', 'name or generateName is required')];
  }
  if (name === '.' || name === '..') {
    return [invalid('metadata.name', name, `may not be '${name}'`)];
  }
  for (const bad of ['/', '%']) {
    if (name.includes(bad)) {
      return [invalid('metadata.name', name, `may not contain '${bad}'`)];
    }
  }
  return [];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function validateRules(o: KubeObject, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  list(o.rules).forEach((rule: any, i) => {
    const at = `rules[${i}]`;
    if (list(rule?.verbs).length === 0) {
      causes.push(
        required(`${at}.verbs`, 'verbs must contain at least one value'),
      );
    }
    const urls = list(rule?.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced) {
        causes.push(
          invalid(
            `${at}.nonResourceURLs`,
            urls,
            'namespaced rules cannot apply to non-resource URLs',
          ),
        );
      }
      if (
        list(rule?.apiGroups).length ||
        list(rule?.resources).length ||
        list(rule?.resourceNames).length
      ) {
        causes.push(
          invalid(
            `${at}.nonResourceURLs`,
            urls,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      }
      return;
    }
    if (list(rule?.apiGroups).length === 0) {
      causes.push(
        required(
          `${at}.apiGroups`,
          'resource rules must supply at least one api group',
        ),
      );
    }
    if (list(rule?.resources).length === 0) {
      causes.push(
        required(
          `${at}.resources`,
          'resource rules must supply at least one resource',
        ),
      );
    }
  });
  return causes;
}

function validateSubjects(o: KubeObject, cluster: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  list(o.subjects).forEach((s: any, i) => {
    const at = `subjects[${i}]`;
    if (!s?.name) causes.push(required(`${at}.name`));
    switch (s?.kind) {
      case 'ServiceAccount':
        if (s.apiGroup) {
          causes.push(unsupported(`${at}.apiGroup`, s.apiGroup, ['']));
        }
        if (cluster && !s.namespace) {
          causes.push(required(`${at}.namespace`));
        }
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP) {
          causes.push(
            unsupported(`${at}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]),
          );
        }
        break;
      default:
        causes.push(
          unsupported(`${at}.kind`, s?.kind ?? '', [
            'ServiceAccount',
            'User',
            'Group',
          ]),
        );
    }
  });
  return causes;
}

function validateBinding(
  o: KubeObject,
  old: KubeObject | undefined,
  cluster: boolean,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const ref = o.roleRef ?? {};
  if (ref.apiGroup !== RBAC_GROUP) {
    causes.push(
      unsupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]),
    );
  }
  const kinds = cluster ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(ref.kind)) {
    causes.push(unsupported('roleRef.kind', ref.kind ?? '', kinds));
  }
  if (!ref.name) {
    causes.push(required('roleRef.name'));
  }
  if (old && JSON.stringify(old.roleRef) !== JSON.stringify(o.roleRef)) {
    causes.push(invalid('roleRef', o.roleRef, 'cannot change roleRef'));
  }
  causes.push(...validateSubjects(o, cluster));
  return causes;
}

/**
 * Defaults of the v1 API: a roleRef's apiGroup, and subjects' apiGroup
 * (`rbac.authorization.k8s.io` for users and groups, '' for service
 * accounts).
 */
export function defaultRbacObject(o: KubeObject): void {
  if (o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') return;
  if (o.roleRef && typeof o.roleRef === 'object' && !o.roleRef.apiGroup) {
    o.roleRef.apiGroup = RBAC_GROUP;
  }
  for (const s of list(o.subjects) as any[]) {
    if (!s || typeof s !== 'object' || s.apiGroup) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

/** Semantic validators of the RBAC kinds, by kind. */
export const RBAC_VALIDATORS: Record<
  string,
  (o: any, old?: any) => StatusCause[]
> = {
  Role: o => validateRules(o, true),
  ClusterRole: o => validateRules(o, false),
  RoleBinding: (o, old) => validateBinding(o, old, false),
  ClusterRoleBinding: (o, old) => validateBinding(o, old, true),
};
