import type { KubeObject } from '../types';
import {
  PolicyRule,
  RbacObjects,
  RequestAttributes,
  Subject,
  UserInfo,
  authorize,
  forbiddenMessage,
  ruleAllows,
} from './authorizer';
import { userInfoOf } from './identities';

const RBAC = 'rbac.authorization.k8s.io';

function objects(list: KubeObject[]): RbacObjects {
  const of = (kind: string) => list.filter(o => o.kind === kind);
  return {
    clusterRoleBindings: () => of('ClusterRoleBinding'),
    roleBindings: ns =>
      of('RoleBinding').filter(o => o.metadata.namespace === ns),
    clusterRole: name => of('ClusterRole').find(o => o.metadata.name === name),
    role: (ns, name) =>
      of('Role').find(
        o => o.metadata.namespace === ns && o.metadata.name === name,
      ),
  };
}

const clusterRole = (name: string, rules: PolicyRule[]): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRole',
  metadata: { name },
  rules,
});
const role = (ns: string, name: string, rules: PolicyRule[]): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'Role',
  metadata: { name, namespace: ns },
  rules,
});
const binding = (
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  name: string,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Subject[],
  namespace?: string,
): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind,
  metadata: { name, ...(namespace && { namespace }) },
  roleRef: { apiGroup: RBAC, ...roleRef },
  subjects,
});

const res = (
  verb: string,
  resource: string,
  more: Partial<Extract<RequestAttributes, { resourceRequest: true }>> = {},
): RequestAttributes => ({
  resourceRequest: true,
  verb,
  apiGroup: '',
  resource,
  ...more,
});

const jane: UserInfo = {
  name: 'jane',
  groups: ['team', 'system:authenticated'],
};

describe('ruleAllows', () => {
  it('matches verbs, API groups and resources exactly, or by *', () => {
    const rule = {
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ['get', 'list'],
    };
    expect(
      ruleAllows(res('get', 'deployments', { apiGroup: 'apps' }), rule),
    ).toBe(true);
    expect(
      ruleAllows(res('list', 'deployments', { apiGroup: 'apps' }), rule),
    ).toBe(true);
    expect(
      ruleAllows(res('patch', 'deployments', { apiGroup: 'apps' }), rule),
    ).toBe(false);
    // Same resource name in another group is another resource.
    expect(
      ruleAllows(res('get', 'deployments', { apiGroup: 'extensions' }), rule),
    ).toBe(false);
    expect(
      ruleAllows(res('get', 'replicasets', { apiGroup: 'apps' }), rule),
    ).toBe(false);

    const all = { apiGroups: ['*'], resources: ['*'], verbs: ['*'] };
    expect(
      ruleAllows(
        res('deletecollection', 'virtualservices', {
          apiGroup: 'networking.istio.io',
        }),
        all,
      ),
    ).toBe(true);
    expect(
      ruleAllows(
        res('patch', 'deployments', { apiGroup: 'apps', subresource: 'scale' }),
        all,
      ),
    ).toBe(true);
  });

  it('treats a subresource as its own resource: deployments does not grant deployments/scale', () => {
    const deployments = {
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ['*'],
    };
    const scale = res('patch', 'deployments', {
      apiGroup: 'apps',
      subresource: 'scale',
    });
    expect(ruleAllows(scale, deployments)).toBe(false);
    expect(
      ruleAllows(scale, {
        apiGroups: ['apps'],
        resources: ['deployments/scale'],
        verbs: ['patch'],
      }),
    ).toBe(true);
    // `*/scale`: the scale subresource of every resource, and nothing else.
    const anyScale = {
      apiGroups: ['apps'],
      resources: ['*/scale'],
      verbs: ['patch'],
    };
    expect(ruleAllows(scale, anyScale)).toBe(true);
    expect(
      ruleAllows(
        res('patch', 'replicasets', { apiGroup: 'apps', subresource: 'scale' }),
        anyScale,
      ),
    ).toBe(true);
    expect(
      ruleAllows(res('patch', 'deployments', { apiGroup: 'apps' }), anyScale),
    ).toBe(false);
    expect(
      ruleAllows(
        res('patch', 'deployments', {
          apiGroup: 'apps',
          subresource: 'status',
        }),
        anyScale,
      ),
    ).toBe(false);
  });

  it('restricts to resourceNames, which a request without a name never matches', () => {
    const rule = {
      apiGroups: [''],
      resources: ['namespaces'],
      resourceNames: ['apps'],
      verbs: ['get', 'list', 'patch'],
    };
    expect(ruleAllows(res('get', 'namespaces', { name: 'apps' }), rule)).toBe(
      true,
    );
    expect(ruleAllows(res('patch', 'namespaces', { name: 'apps' }), rule)).toBe(
      true,
    );
    expect(ruleAllows(res('get', 'namespaces', { name: 'shop' }), rule)).toBe(
      false,
    );
    expect(ruleAllows(res('list', 'namespaces'), rule)).toBe(false);
  });

  it('matches non-resource URLs exactly or by a trailing *', () => {
    const rule = {
      nonResourceURLs: ['/apis', '/apis/*', '/version'],
      verbs: ['get'],
    };
    const path = (p: string, verb = 'get'): RequestAttributes => ({
      resourceRequest: false,
      verb,
      path: p,
    });
    expect(ruleAllows(path('/apis'), rule)).toBe(true);
    expect(ruleAllows(path('/apis/apps/v1'), rule)).toBe(true);
    expect(ruleAllows(path('/version'), rule)).toBe(true);
    expect(ruleAllows(path('/version/x'), rule)).toBe(false);
    expect(ruleAllows(path('/api'), rule)).toBe(false);
    expect(ruleAllows(path('/apis', 'post'), rule)).toBe(false);
    // A resource rule never matches a path, nor a path rule a resource.
    expect(
      ruleAllows(path('/apis'), {
        apiGroups: ['*'],
        resources: ['*'],
        verbs: ['*'],
      }),
    ).toBe(false);
    expect(
      ruleAllows(res('get', 'pods'), { nonResourceURLs: ['*'], verbs: ['*'] }),
    ).toBe(false);
  });
});

describe('authorize', () => {
  const reader = clusterRole('reader', [
    {
      apiGroups: [''],
      resources: ['pods', 'services'],
      verbs: ['get', 'list', 'watch'],
    },
  ]);
  const writer = clusterRole('writer', [
    {
      apiGroups: ['apps'],
      resources: ['deployments'],
      verbs: ['create', 'patch'],
    },
  ]);

  it('applies a ClusterRoleBinding everywhere, a RoleBinding only in its namespace', () => {
    const rbac = objects([
      reader,
      writer,
      binding(
        'ClusterRoleBinding',
        'read-all',
        { kind: 'ClusterRole', name: 'reader' },
        [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
      ),
      binding(
        'RoleBinding',
        'write-shop',
        { kind: 'ClusterRole', name: 'writer' },
        [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
        'shop',
      ),
    ]);
    expect(authorize(rbac, jane, res('list', 'pods')).allowed).toBe(true);
    expect(
      authorize(rbac, jane, res('list', 'pods', { namespace: 'ops' })).allowed,
    ).toBe(true);
    const create = (namespace?: string) =>
      authorize(
        rbac,
        jane,
        res('create', 'deployments', { apiGroup: 'apps', namespace }),
      );
    expect(create('shop')).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "write-shop/shop" of ClusterRole "writer" to User "jane"',
    });
    expect(create('ops')).toEqual({ allowed: false, reason: '' });
    // Across all namespaces is the cluster scope: a RoleBinding never covers it.
    expect(create(undefined).allowed).toBe(false);
    expect(
      authorize(rbac, jane, res('list', 'deployments', { apiGroup: 'apps' }))
        .allowed,
    ).toBe(false);
  });

  it('binds Roles in their own namespace only', () => {
    const rbac = objects([
      role('shop', 'pod-reader', [
        { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
      ]),
      binding(
        'RoleBinding',
        'rb',
        { kind: 'Role', name: 'pod-reader' },
        [{ kind: 'Group', apiGroup: RBAC, name: 'team' }],
        'shop',
      ),
    ]);
    expect(
      authorize(
        rbac,
        jane,
        res('get', 'pods', { namespace: 'shop', name: 'a' }),
      ).allowed,
    ).toBe(true);
    expect(
      authorize(rbac, jane, res('get', 'pods', { namespace: 'ops', name: 'a' }))
        .allowed,
    ).toBe(false);
  });

  it('matches users, groups and service accounts (namespace from the subject or the RoleBinding)', () => {
    const subjectsCan = (
      subjects: Subject[],
      user: UserInfo,
      namespace = 'shop',
    ) =>
      authorize(
        objects([
          reader,
          binding(
            'RoleBinding',
            'rb',
            { kind: 'ClusterRole', name: 'reader' },
            subjects,
            'shop',
          ),
        ]),
        user,
        res('get', 'pods', { namespace, name: 'p' }),
      ).allowed;
    const viewer = userInfoOf({ serviceAccount: 'backstage/mesh-viewer' });
    expect(viewer).toEqual({
      name: 'system:serviceaccount:backstage:mesh-viewer',
      groups: [
        'system:serviceaccounts',
        'system:serviceaccounts:backstage',
        'system:authenticated',
      ],
    });
    expect(
      subjectsCan(
        [
          {
            kind: 'ServiceAccount',
            name: 'mesh-viewer',
            namespace: 'backstage',
          },
        ],
        viewer,
      ),
    ).toBe(true);
    // Without a namespace, the RoleBinding's namespace: shop/mesh-viewer is someone else.
    expect(
      subjectsCan([{ kind: 'ServiceAccount', name: 'mesh-viewer' }], viewer),
    ).toBe(false);
    expect(
      subjectsCan(
        [
          {
            kind: 'Group',
            apiGroup: RBAC,
            name: 'system:serviceaccounts:backstage',
          },
        ],
        viewer,
      ),
    ).toBe(true);
    expect(
      subjectsCan([{ kind: 'User', apiGroup: RBAC, name: 'jane' }], jane),
    ).toBe(true);
    expect(
      subjectsCan([{ kind: 'User', apiGroup: RBAC, name: 'team' }], jane),
    ).toBe(false);
    expect(
      subjectsCan([{ kind: 'Group', apiGroup: RBAC, name: 'team' }], jane),
    ).toBe(true);
    // A ClusterRoleBinding's service account needs its namespace.
    expect(
      authorize(
        objects([
          reader,
          binding(
            'ClusterRoleBinding',
            'crb',
            { kind: 'ClusterRole', name: 'reader' },
            [{ kind: 'ServiceAccount', name: 'mesh-viewer' }],
          ),
        ]),
        viewer,
        res('list', 'pods'),
      ).allowed,
    ).toBe(false);
  });

  it('says which role is missing when a binding refers to one that does not exist', () => {
    const rbac = objects([
      binding(
        'ClusterRoleBinding',
        'crb',
        { kind: 'ClusterRole', name: 'gone' },
        [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
      ),
      binding(
        'RoleBinding',
        'rb',
        { kind: 'Role', name: 'also-gone' },
        [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
        'shop',
      ),
    ]);
    expect(authorize(rbac, jane, res('list', 'pods'))).toEqual({
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    });
    expect(
      authorize(rbac, jane, res('list', 'pods', { namespace: 'shop' })),
    ).toEqual({
      allowed: false,
      reason:
        'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "also-gone" not found]',
    });
  });

  it('allows nothing without a binding', () => {
    expect(
      authorize(
        objects([reader]),
        jane,
        res('get', 'pods', { namespace: 'shop', name: 'p' }),
      ),
    ).toEqual({
      allowed: false,
      reason: '',
    });
  });
});

describe('forbiddenMessage', () => {
  it('words denials as kube-apiserver does, by scope', () => {
    expect(
      forbiddenMessage(
        jane,
        res('create', 'configmaps', { namespace: 'team' }),
      ),
    ).toBe(
      'User "jane" cannot create resource "configmaps" in API group "" in the namespace "team"',
    );
    expect(forbiddenMessage(jane, res('list', 'pods'))).toBe(
      'User "jane" cannot list resource "pods" in API group "" at the cluster scope',
    );
    expect(
      forbiddenMessage(
        jane,
        res('patch', 'deployments', {
          apiGroup: 'apps',
          subresource: 'scale',
          namespace: 'shop',
          name: 'web',
        }),
      ),
    ).toBe(
      'User "jane" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop"',
    );
    expect(
      forbiddenMessage(jane, {
        resourceRequest: false,
        verb: 'get',
        path: '/apis',
      }),
    ).toBe('User "jane" cannot get path "/apis"');
  });
});
