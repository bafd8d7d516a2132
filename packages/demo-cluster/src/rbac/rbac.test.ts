/*
 * RBAC over HTTPS with @kubernetes/client-node: what each demo identity may
 * do, the 403s it gets otherwise (worded as kube-apiserver words them),
 * RBAC objects that take effect on the next request, self access reviews
 * and the API server's validation of RBAC objects.
 */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { DemoCluster, startDemoCluster } from '../DemoCluster';
import { VIEWER_RULES } from './policy';

jest.setTimeout(60_000);

let cluster: DemoCluster;

function client<T>(token: string, api: new (...args: any[]) => T): T {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfigFor(token));
  return kc.makeApiClient(api as any) as T;
}

async function failure(
  p: Promise<unknown>,
): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ApiException) {
      const body =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      return { code: error.code, message: body?.message };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

const VIEWER = 'system:serviceaccount:backstage:mesh-viewer';
const SCAFFOLDER = 'system:serviceaccount:backstage:mesh-scaffolder';
const CHANGES = 'system:serviceaccount:backstage:mesh-changes';

const deployment = (name: string, namespace: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  },
});

beforeAll(async () => {
  cluster = await startDemoCluster({
    scenario: ['healthy', 'subset-no-pods'],
    scaffolderNamespaces: ['apps'],
    changesNamespaces: ['shop'],
    controllers: false,
  });
});
afterAll(() => cluster?.stop());

describe('authentication', () => {
  it('answers 401 to a missing or unknown token', async () => {
    const anonymous = client('not-a-token', CoreV1Api);
    expect((await failure(anonymous.listNamespace())).code).toBe(401);
  });
});

describe('the viewer (the portal credential)', () => {
  it('reads what the mesh and Kubernetes plugins read, everywhere', async () => {
    const core = client(cluster.tokens.viewer, CoreV1Api);
    expect(
      (await core.listServiceForAllNamespaces()).items.length,
    ).toBeGreaterThan(0);
    const custom = client(cluster.tokens.viewer, CustomObjectsApi);
    const routes: any = await custom.listClusterCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      plural: 'virtualservices',
    });
    expect(routes.items.length).toBeGreaterThan(0);
    const metrics: any = await custom.listNamespacedCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      namespace: 'shop',
      plural: 'pods',
    });
    expect(metrics.kind).toBe('PodMetricsList');
  });

  it('cannot write, nor read Secrets or RBAC', async () => {
    const core = client(cluster.tokens.viewer, CoreV1Api);
    expect(
      await failure(
        core.createNamespacedConfigMap({
          namespace: 'shop',
          body: { metadata: { name: 'nope' } },
        }),
      ),
    ).toEqual({
      code: 403,
      message: `configmaps is forbidden: User "${VIEWER}" cannot create resource "configmaps" in API group "" in the namespace "shop"`,
    });
    const apps = client(cluster.tokens.viewer, AppsV1Api);
    expect(
      await failure(
        apps.patchNamespacedDeploymentScale(
          {
            name: 'storefront',
            namespace: 'shop',
            body: { spec: { replicas: 9 } },
          },
          { headers: { 'Content-Type': PatchStrategy.MergePatch } } as any,
        ),
      ),
    ).toEqual({
      code: 403,
      message: `deployments.apps "storefront" is forbidden: User "${VIEWER}" cannot patch resource "deployments/scale" in API group "apps" in the namespace "shop"`,
    });
    expect(await failure(core.listSecretForAllNamespaces())).toEqual({
      code: 403,
      message: `secrets is forbidden: User "${VIEWER}" cannot list resource "secrets" in API group "" at the cluster scope`,
    });
    const rbac = client(cluster.tokens.viewer, RbacAuthorizationV1Api);
    expect((await failure(rbac.listClusterRole())).code).toBe(403);
  });

  it('is the same role for a person in the demo:viewers group', async () => {
    const core = client(cluster.tokens.readonly, CoreV1Api);
    expect(
      (await core.listNamespacedService({ namespace: 'shop' })).items.length,
    ).toBeGreaterThan(0);
    expect(
      (
        await failure(
          core.deleteNamespacedPod({ name: 'x', namespace: 'shop' }),
        )
      ).message,
    ).toBe(
      'pods "x" is forbidden: User "demo-readonly" cannot delete resource "pods" in API group "" in the namespace "shop"',
    );
  });
});

describe('the scaffolder (the template credential)', () => {
  const objects = () => client(cluster.tokens.scaffolder, KubernetesObjectApi);

  it('server-side applies the chain in the namespace it is bound in', async () => {
    const applied = await objects().patch(
      deployment('orders', 'apps') as any,
      undefined,
      undefined,
      'backstage-mesh',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.metadata?.uid).toBeTruthy();
    // Its own Namespace object, e.g. to label it for sidecar injection.
    const ns = await objects().patch(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'apps', labels: { team: 'orders' } },
      },
      undefined,
      undefined,
      'backstage-mesh',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(ns.metadata?.labels).toMatchObject({ team: 'orders' });
  });

  it('is refused anywhere else, and may not create namespaces or delete', async () => {
    expect(
      await failure(
        objects().patch(
          deployment('orders', 'shop') as any,
          undefined,
          undefined,
          'backstage-mesh',
          true,
          PatchStrategy.ServerSideApply,
        ),
      ),
    ).toEqual({
      code: 403,
      message: `deployments.apps "orders" is forbidden: User "${SCAFFOLDER}" cannot patch resource "deployments" in API group "apps" in the namespace "shop"`,
    });
    // Creating by server-side apply also needs `create`, by name.
    expect(
      await failure(
        objects().patch(
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'sandbox' },
          },
          undefined,
          undefined,
          'backstage-mesh',
          true,
          PatchStrategy.ServerSideApply,
        ),
      ),
    ).toEqual({
      code: 403,
      message: `namespaces "sandbox" is forbidden: User "${SCAFFOLDER}" cannot patch resource "namespaces" in API group "" in the namespace "sandbox"`,
    });
    const apps = client(cluster.tokens.scaffolder, AppsV1Api);
    expect(
      (
        await failure(
          apps.deleteNamespacedDeployment({
            name: 'orders',
            namespace: 'apps',
          }),
        )
      ).code,
    ).toBe(403);
    const core = client(cluster.tokens.scaffolder, CoreV1Api);
    expect(
      (await failure(core.listNamespacedSecret({ namespace: 'apps' }))).code,
    ).toBe(403);
  });
});

describe("the changes identity (owners' traffic changes)", () => {
  const objects = () => client(cluster.tokens.changes, KubernetesObjectApi);
  const apply = (obj: object, dryRun = false) =>
    objects().patch(
      obj as any,
      undefined,
      dryRun ? 'All' : undefined,
      'backstage-mesh-changes',
      true,
      PatchStrategy.ServerSideApply,
    );

  it('patches the objects of a change in the namespaces it is bound in', async () => {
    const hpa = await apply({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'storefront', namespace: 'shop' },
      spec: { maxReplicas: 7 },
    });
    expect((hpa as any).spec.maxReplicas).toBe(7);
    const dryRun = await apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'storefront', namespace: 'shop' },
        spec: {
          template: {
            metadata: {
              annotations: {
                'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
              },
            },
          },
        },
      },
      true,
    );
    expect(
      (dryRun as any).spec.template.metadata.annotations[
        'kubectl.kubernetes.io/restartedAt'
      ],
    ).toBe('2026-01-01T00:00:00Z');
  });

  it('may not create, read, delete, or write anywhere else', async () => {
    // An apply to an object that is gone would create it: refused.
    expect(
      await failure(
        apply({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'gone', namespace: 'shop' },
          spec: { replicas: 1 },
        }),
      ),
    ).toEqual({
      code: 403,
      message: `deployments.apps "gone" is forbidden: User "${CHANGES}" cannot create resource "deployments" in API group "apps" in the namespace "shop"`,
    });
    expect(
      await failure(
        apply({
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'payments', namespace: 'finance' },
          spec: { hosts: ['payments'] },
        }),
      ),
    ).toEqual({
      code: 403,
      message: `virtualservices.networking.istio.io "payments" is forbidden: User "${CHANGES}" cannot patch resource "virtualservices" in API group "networking.istio.io" in the namespace "finance"`,
    });
    expect(
      (
        await failure(
          apply({
            apiVersion: 'networking.istio.io/v1',
            kind: 'DestinationRule',
            metadata: { name: 'storefront', namespace: 'shop' },
            spec: { host: 'storefront' },
          }),
        )
      ).code,
    ).toBe(403);
    const apps = client(cluster.tokens.changes, AppsV1Api);
    expect(
      (
        await failure(
          apps.readNamespacedDeployment({
            name: 'storefront',
            namespace: 'shop',
          }),
        )
      ).code,
    ).toBe(403);
    expect(
      (
        await failure(
          apps.deleteNamespacedDeployment({
            name: 'storefront',
            namespace: 'shop',
          }),
        )
      ).code,
    ).toBe(403);
  });
});

describe('RBAC objects', () => {
  const admin = () => client(cluster.tokens.admin, RbacAuthorizationV1Api);

  it('are served, and a binding takes effect on the next request', async () => {
    const roles = await admin().listClusterRole();
    expect(roles.items.map(r => r.metadata?.name)).toEqual(
      expect.arrayContaining([
        'cluster-admin',
        'mesh-viewer',
        'mesh-scaffolder',
        'system:discovery',
      ]),
    );
    // The team group is bound in the app namespaces, except finance.
    const team = client(cluster.tokens.restricted, CoreV1Api);
    expect(
      (await team.listNamespacedPod({ namespace: 'shop' })).items,
    ).toBeDefined();
    expect(
      (await failure(team.listNamespacedPod({ namespace: 'finance' }))).message,
    ).toBe(
      'pods is forbidden: User "demo-restricted" cannot list resource "pods" in API group "" in the namespace "finance"',
    );
    expect((await failure(team.listPodForAllNamespaces())).code).toBe(403);

    await admin().createNamespacedRoleBinding({
      namespace: 'finance',
      body: {
        metadata: { name: 'team-reads-finance' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'mesh-viewer',
        },
        subjects: [
          {
            kind: 'Group',
            apiGroup: 'rbac.authorization.k8s.io',
            name: 'demo:team',
          },
        ],
      },
    });
    expect(
      (await team.listNamespacedService({ namespace: 'finance' })).items.length,
    ).toBeGreaterThan(0);
    await admin().deleteNamespacedRoleBinding({
      name: 'team-reads-finance',
      namespace: 'finance',
    });
    expect(
      (await failure(team.listNamespacedPod({ namespace: 'finance' }))).code,
    ).toBe(403);
  });

  it('are validated as the API server validates them', async () => {
    const bad = await failure(
      admin().createNamespacedRoleBinding({
        namespace: 'shop',
        body: {
          metadata: { name: 'bad' },
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Deployment',
            name: 'x',
          },
          subjects: [{ kind: 'Robot', name: 'r2' } as any],
        },
      }),
    );
    expect(bad.code).toBe(422);
    expect(bad.message).toContain(
      'roleRef.kind: Unsupported value: "Deployment": supported values: "Role", "ClusterRole"',
    );
    expect(bad.message).toContain(
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    );
    const rule = await failure(
      admin().createClusterRole({
        body: {
          metadata: { name: 'empty-rule' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }],
        },
      }),
    );
    expect(rule.message).toContain(
      'rules[0].verbs: Required value: verbs must contain at least one value',
    );
    const binding = await admin().readClusterRoleBinding({
      name: 'mesh-viewer',
    });
    binding.roleRef.name = 'cluster-admin';
    expect(
      (
        await failure(
          admin().replaceClusterRoleBinding({
            name: 'mesh-viewer',
            body: binding,
          }),
        )
      ).message,
    ).toMatch(/roleRef: Invalid value: .*: cannot change roleRef/);
  });
});

describe('SelfSubjectAccessReview', () => {
  async function canI(token: string, resourceAttributes: object) {
    const objects = client(token, KubernetesObjectApi);
    const review: any = await objects.create({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes },
    } as any);
    return review.status;
  }

  it('answers with the same decision and reason the authorizer gives', async () => {
    expect(
      await canI(cluster.tokens.viewer, { verb: 'list', resource: 'pods' }),
    ).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "mesh-viewer" of ClusterRole "mesh-viewer" to ServiceAccount "mesh-viewer/backstage"',
    });
    expect(
      await canI(cluster.tokens.scaffolder, {
        verb: 'create',
        group: 'apps',
        resource: 'deployments',
        namespace: 'apps',
      }),
    ).toMatchObject({ allowed: true });
    expect(
      await canI(cluster.tokens.scaffolder, {
        verb: 'create',
        group: 'apps',
        resource: 'deployments',
        namespace: 'shop',
      }),
    ).toEqual({ allowed: false });
  });
});

describe('the bootstrap policy', () => {
  it('is added to a state saved before RBAC, and put back on start unless autoupdate is off', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-cluster-rbac-'));
    const state = path.join(dir, 'state.json');
    try {
      const first = await startDemoCluster({
        scenario: 'healthy',
        state,
        tls: false,
        controllers: false,
      });
      await first.stop();
      // A state file from before RBAC: no roles or bindings at all.
      const saved = JSON.parse(fs.readFileSync(state, 'utf8'));
      saved.objects = saved.objects.filter(
        (o: any) => !o.apiVersion.startsWith('rbac.authorization.k8s.io/'),
      );
      fs.writeFileSync(state, JSON.stringify(saved));

      const second = await startDemoCluster({
        state,
        tls: false,
        controllers: false,
      });
      const viewer = await second.get(
        'rbac.authorization.k8s.io/v1',
        'ClusterRole',
        'mesh-viewer',
      );
      expect(viewer?.rules).toEqual(VIEWER_RULES);
      // An admin widens the viewer, and pins cluster-admin's binding.
      await second.apply({
        ...viewer!,
        metadata: { name: 'mesh-viewer' },
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      });
      await second.apply({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: {
          name: 'cluster-admin',
          annotations: {
            'rbac.authorization.kubernetes.io/autoupdate': 'false',
          },
        },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        },
        subjects: [
          {
            kind: 'Group',
            apiGroup: 'rbac.authorization.k8s.io',
            name: 'ops',
          },
        ],
      });
      await second.stop();

      const third = await startDemoCluster({
        state,
        tls: false,
        controllers: false,
      });
      expect(
        (
          await third.get(
            'rbac.authorization.k8s.io/v1',
            'ClusterRole',
            'mesh-viewer',
          )
        )?.rules,
      ).toEqual(VIEWER_RULES);
      expect(
        (
          await third.get(
            'rbac.authorization.k8s.io/v1',
            'ClusterRoleBinding',
            'cluster-admin',
          )
        )?.subjects,
      ).toEqual([
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops' },
      ]);
      await third.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
