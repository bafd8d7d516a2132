import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  kubernetesProxyPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  actionExecutePermission,
  taskCreatePermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { DemoCluster, startDemoCluster } from '@mesh-chain/demo-cluster';
import {
  meshChainUpdateForcePermission,
  meshChainUpdatePermission,
} from '@mesh-chain/plugin-mesh-common';
import { ChildProcess, spawn } from 'child_process';
import path from 'path';
import {
  MeshSamplePermissionPolicy,
  readAdminGroups,
} from './permissionPolicy';

const GUEST = 'user:development/guest';
const ALICE = 'user:default/alice';
const ADMINS = 'group:default/platform-admins';

/** Ownership claims as the sign-in resolver puts them in the token. */
const CLAIMS: Record<string, string[]> = {
  [GUEST]: [GUEST],
  [ALICE]: [ALICE, ADMINS],
  'user:default/bob': ['user:default/bob', 'group:default/team-a'],
};

const userInfo = {
  async getUserInfo(credentials: any) {
    const ref = credentials.principal.userEntityRef as string;
    return { userEntityRef: ref, ownershipEntityRefs: CLAIMS[ref] ?? [ref] };
  },
};

describe('the sample permission policy', () => {
  const policy = new MeshSamplePermissionPolicy({
    adminGroups: [ADMINS],
    userInfo,
  });
  const decide = async (permission: any, user?: string) =>
    (
      await policy.handle(
        { permission },
        user ? ({ credentials: mockCredentials.user(user) } as any) : undefined,
      )
    ).result;

  it('lets everyone signed in read and run templates', async () => {
    for (const permission of [
      catalogEntityReadPermission,
      kubernetesResourcesReadPermission,
      taskCreatePermission,
      actionExecutePermission,
    ]) {
      expect(await decide(permission, GUEST)).toBe(AuthorizeResult.ALLOW);
    }
  });

  it('keeps the Kubernetes proxy and the template editor to the admin groups', async () => {
    for (const permission of [
      kubernetesProxyPermission,
      templateManagementPermission,
    ]) {
      expect(await decide(permission, GUEST)).toBe(AuthorizeResult.DENY);
      expect(await decide(permission, 'user:default/bob')).toBe(
        AuthorizeResult.DENY,
      );
      expect(await decide(permission, ALICE)).toBe(AuthorizeResult.ALLOW);
    }
  });

  it('lets owners unregister their entities (a condition the catalog applies)', async () => {
    expect(
      await policy.handle({ permission: catalogEntityDeletePermission }, {
        credentials: mockCredentials.user('user:default/bob'),
      } as any),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/bob', 'group:default/team-a'] },
      },
    });
    expect(await decide(catalogEntityDeletePermission, ALICE)).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('lets an entity’s owners and admins change its traffic, and only admins force it', async () => {
    expect(
      await policy.handle({ permission: meshChainUpdatePermission }, {
        credentials: mockCredentials.user('user:default/bob'),
      } as any),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: ['user:default/bob', 'group:default/team-a'] },
      },
    });
    expect(await decide(meshChainUpdatePermission, ALICE)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await decide(meshChainUpdatePermission)).toBe(AuthorizeResult.DENY);
    expect(
      await decide(meshChainUpdateForcePermission, 'user:default/bob'),
    ).toBe(AuthorizeResult.DENY);
    expect(await decide(meshChainUpdateForcePermission, ALICE)).toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('denies what it does not name to all but admins, and everything without a user', async () => {
    const unknown = createPermission({
      name: 'someplugin.thing.delete',
      attributes: { action: 'delete' },
    });
    expect(await decide(unknown, GUEST)).toBe(AuthorizeResult.DENY);
    expect(await decide(catalogLocationDeletePermission, GUEST)).toBe(
      AuthorizeResult.DENY,
    );
    expect(await decide(unknown, ALICE)).toBe(AuthorizeResult.ALLOW);
    expect(await decide(catalogEntityReadPermission)).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('reads the admin groups from mesh.permissions.adminGroups', () => {
    expect(readAdminGroups(new ConfigReader({}))).toEqual([ADMINS]);
    expect(
      readAdminGroups(
        new ConfigReader({
          mesh: { permissions: { adminGroups: ['sre', 'group:ops/oncall'] } },
        }),
      ),
    ).toEqual(['group:default/sre', 'group:ops/oncall']);
    expect(() =>
      readAdminGroups(
        new ConfigReader({
          mesh: { permissions: { adminGroups: ['group:'] } },
        }),
      ),
    ).toThrow(
      /mesh.permissions.adminGroups\[0\] 'group:' is not an entity reference: .*; use e.g. group:default\/platform-admins/,
    );
  });
});

/*
 * The policy as the sample backend installs it, with the stock Kubernetes
 * backend in front of a demo cluster configured, as in app-config.yaml, with
 * the read-only viewer token. The backend runs in a process of its own (see
 * __testUtils__/proxyBackend.ts).
 */
describe('the Kubernetes proxy, as installed', () => {
  jest.setTimeout(120_000);
  let cluster: DemoCluster;
  let child: ChildProcess | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    cluster = await startDemoCluster({
      scenario: 'healthy',
      controllers: false,
    });
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, '__testUtils__/proxyBackend.ts'),
      ],
      {
        cwd: path.resolve(__dirname, '..'),
        env: {
          ...process.env,
          MESH_PROXY_TEST: JSON.stringify({
            cluster: {
              url: cluster.url,
              token: cluster.tokens.viewer,
              caData: cluster.caData,
            },
            claims: CLAIMS,
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      child!.stdout!.on('data', chunk => {
        out += chunk;
        const ready = out.match(/READY (\d+)/);
        if (ready) resolve(Number(ready[1]));
      });
      child!.stderr!.on('data', chunk => (err += chunk));
      child!.on('exit', code =>
        reject(new Error(`the test backend exited (${code}): ${err}`)),
      );
    });
    baseUrl = `http://localhost:${port}`;
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(resolve => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await cluster?.stop();
  });

  const proxy = (user: string, pathname: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}/api/kubernetes/proxy${pathname}`, {
      ...init,
      headers: {
        authorization: mockCredentials.user.header(user),
        'backstage-kubernetes-cluster': 'dev',
        ...init.headers,
      },
    });

  it('answers 403 to a guest, who may still read through the Kubernetes plugin', async () => {
    const res = await proxy(GUEST, '/api/v1/namespaces/shop/pods');
    expect(res.status).toBe(403);
    expect((await res.json()).error.name).toBe('NotAllowedError');
    const clusters = await fetch(`${baseUrl}/api/kubernetes/clusters`, {
      headers: { authorization: mockCredentials.user.header(GUEST) },
    });
    expect(clusters.status).toBe(200);
    expect((await clusters.json()).items.map((c: any) => c.name)).toEqual([
      'dev',
    ]);
  });

  it('lets an admin-group member through, with the read-only credential', async () => {
    const res = await proxy(ALICE, '/api/v1/namespaces/shop/services');
    expect(res.status).toBe(200);
    expect((await res.json()).items.map((s: any) => s.metadata.name)).toContain(
      'storefront',
    );
    // Even an admin writes nothing through it: the cluster's RBAC refuses
    // the portal's viewer credential.
    const write = await proxy(
      ALICE,
      '/apis/apps/v1/namespaces/shop/deployments/storefront',
      { method: 'DELETE' },
    );
    expect(write.status).toBe(403);
    expect((await write.json()).message).toBe(
      'deployments.apps "storefront" is forbidden: User "system:serviceaccount:backstage:mesh-viewer" cannot delete resource "deployments" in API group "apps" in the namespace "shop"',
    );
    expect(
      await cluster.get('apps/v1', 'Deployment', 'storefront', 'shop'),
    ).toBeDefined();
  });
});
