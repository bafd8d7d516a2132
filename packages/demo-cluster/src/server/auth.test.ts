import { forbiddenError, requestAttributes } from './auth';

const attrs = (method: string, path: string, more = {}) =>
  requestAttributes({ method, path, watch: false, ...more });

describe('requestAttributes', () => {
  it('reads resource requests from the path, as kube-apiserver does', () => {
    expect(attrs('GET', '/api/v1/namespaces/shop/pods')).toEqual({
      resourceRequest: true,
      verb: 'list',
      apiGroup: '',
      resource: 'pods',
      namespace: 'shop',
    });
    expect(
      attrs('GET', '/apis/apps/v1/deployments', { watch: true }),
    ).toMatchObject({
      verb: 'watch',
      apiGroup: 'apps',
      resource: 'deployments',
    });
    expect(
      attrs('PATCH', '/apis/apps/v1/namespaces/shop/deployments/web/scale'),
    ).toEqual({
      resourceRequest: true,
      verb: 'patch',
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'shop',
      name: 'web',
    });
    expect(attrs('DELETE', '/api/v1/namespaces/shop/pods')).toMatchObject({
      verb: 'deletecollection',
    });
    expect(
      attrs('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'),
    ).toMatchObject({ verb: 'create', resource: 'selfsubjectaccessreviews' });
  });

  it('puts a Namespace in its own namespace, so that a RoleBinding there covers it', () => {
    expect(attrs('PATCH', '/api/v1/namespaces/apps')).toEqual({
      resourceRequest: true,
      verb: 'patch',
      apiGroup: '',
      resource: 'namespaces',
      namespace: 'apps',
      name: 'apps',
    });
    expect(attrs('PUT', '/api/v1/namespaces/apps/status')).toMatchObject({
      resource: 'namespaces',
      namespace: 'apps',
      name: 'apps',
      subresource: 'status',
    });
    expect(attrs('POST', '/api/v1/namespaces')).toEqual({
      resourceRequest: true,
      verb: 'create',
      apiGroup: '',
      resource: 'namespaces',
    });
  });

  it('takes the name of a list or watch from a metadata.name field selector', () => {
    expect(
      attrs('GET', '/api/v1/namespaces/shop/configmaps', {
        fieldSelector: 'metadata.name=settings',
      }),
    ).toMatchObject({ verb: 'list', name: 'settings' });
    expect(
      attrs('GET', '/api/v1/namespaces/shop/configmaps', {
        fieldSelector: 'status.phase=Running',
      }),
    ).not.toHaveProperty('name');
  });

  it('treats discovery and OpenAPI as non-resource URLs', () => {
    for (const path of [
      '/api',
      '/api/v1',
      '/apis',
      '/apis/apps',
      '/apis/apps/v1',
      '/openapi/v3',
    ]) {
      expect(attrs('GET', path)).toEqual({
        resourceRequest: false,
        verb: 'get',
        path,
      });
    }
  });
});

describe('forbiddenError', () => {
  const user = {
    name: 'system:serviceaccount:backstage:mesh-viewer',
    groups: [],
  };

  it('is the Status kube-apiserver sends: qualified resource without the subresource, then the reason', () => {
    const error = forbiddenError(
      user,
      attrs('PATCH', '/apis/apps/v1/namespaces/shop/deployments/web/scale'),
      '',
    );
    expect(error.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'deployments.apps "web" is forbidden: User "system:serviceaccount:backstage:mesh-viewer" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop"',
      reason: 'Forbidden',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      code: 403,
    });
    expect(
      forbiddenError(
        user,
        attrs('GET', '/api/v1/pods'),
        'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
      ).message,
    ).toBe(
      'pods is forbidden: User "system:serviceaccount:backstage:mesh-viewer" cannot list resource "pods" in API group "" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
    );
    expect(forbiddenError(user, attrs('GET', '/apis'), '').message).toBe(
      'forbidden: User "system:serviceaccount:backstage:mesh-viewer" cannot get path "/apis"',
    );
  });
});
