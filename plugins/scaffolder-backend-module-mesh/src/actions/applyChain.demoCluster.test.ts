import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { DemoCluster, startDemoCluster } from '@mesh-chain/demo-cluster';
import { ConfigMeshClusters } from '@mesh-chain/plugin-mesh-node';
import { createApplyChainAction } from './applyChain';
import { createRenderChainAction } from './renderChain';

/*
 * mesh:chain:apply against the demo cluster: a Kubernetes API simulator over
 * real HTTPS that implements server-side apply (field ownership, conflicts),
 * dryRun=All, 422 validation with field causes and RBAC (403s worded as
 * kube-apiserver words them), with controllers that roll Deployments out and
 * run HPAs. As in the portal, the cluster is configured with the read-only
 * viewer token and the target with the scaffolder's write token, which the
 * cluster binds in namespaces `orders` and `search` only.
 */

jest.setTimeout(30_000);

describe('mesh:chain:apply against the demo cluster', () => {
  let cluster: DemoCluster;
  const workspace = createMockDirectory();

  beforeAll(async () => {
    // `base`: the Istio ingress gateway and the shared istio-system/public-gateway;
    // `nodeport`: a Service holding node port 30080.
    cluster = await startDemoCluster({
      scenario: ['base', 'nodeport'],
      timeScale: 100,
      scaffolderNamespaces: ['orders', 'search'],
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(() => workspace.clear());

  function applyAction({
    clusterToken = cluster.tokens.viewer,
    writeToken = cluster.tokens.scaffolder as string | null,
    namespaces = ['orders', 'search', 'shop'],
  } = {}) {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'dev',
                url: cluster.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: clusterToken,
                caData: cluster.caData,
              },
            ],
          },
        ],
      },
      mesh: {
        scaffolder: {
          targets: [
            {
              cluster: 'dev',
              namespaces,
              ...(writeToken && {
                credentials: { serviceAccountToken: writeToken },
              }),
            },
          ],
        },
      },
    });
    return createApplyChainAction({
      clusters: ConfigMeshClusters.fromConfig(config, {
        logger: mockServices.logger.mock(),
      }),
      config,
      pollIntervalMs: 50,
    });
  }

  async function render(input: Record<string, any>) {
    await createRenderChainAction().handler(
      createMockActionContext({ input, workspacePath: workspace.path }) as any,
    );
  }

  async function apply(
    input: Record<string, any> = {},
    action = applyAction(),
  ) {
    const ctx = createMockActionContext({
      input: { cluster: 'dev', ...input },
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  const chain = (name: string, extra: Record<string, any> = {}) => ({
    name,
    namespace: name,
    createNamespace: true,
    image: 'ghcr.io/acme/app:1.0.0',
    containerPort: 8080,
    healthCheckPath: '/healthz',
    hosts: [`${name}.demo.example.com`],
    gateway: { mode: 'existing', ref: 'istio-system/public-gateway' },
    resources: { requests: { cpu: '100m', memory: '64Mi' } },
    autoscaling: {
      enabled: true,
      minReplicas: 2,
      maxReplicas: 4,
      cpuUtilization: 70,
    },
    ...extra,
  });

  it('creates the chain by server-side apply, waits for it, and leaves the replicas to the HPA on re-apply', async () => {
    await render(chain('orders'));
    cluster.resetStats();
    const first = await apply({
      waitForAvailable: true,
      waitTimeoutSeconds: 20,
    });
    expect(first.results.map((r: any) => `${r.kind} ${r.result}`)).toEqual([
      // An admin created it, with the RoleBinding that lets templates write.
      'Namespace unchanged',
      'Service created',
      'Deployment created',
      'HorizontalPodAutoscaler created',
      'DestinationRule created',
      'VirtualService created',
    ]);
    expect(first.available).toBe(true);

    const deployment = await cluster.get(
      'apps/v1',
      'Deployment',
      'orders',
      'orders',
    );
    expect(deployment?.status?.availableReplicas).toBe(2);
    // The fields this step set belong to its own field manager.
    expect(
      deployment?.metadata.managedFields?.map((f: any) => [
        f.manager,
        f.operation,
      ]),
    ).toContainEqual(['backstage-mesh', 'Apply']);
    // Written by the scaffolder's identity, not the portal's.
    expect(deployment?.metadata.managedFields).not.toContainEqual(
      expect.objectContaining({ manager: 'demo-cluster' }),
    );
    const vs = await cluster.get(
      'networking.istio.io/v1',
      'VirtualService',
      'orders',
      'orders',
    );
    expect(vs?.spec.gateways).toEqual(['istio-system/public-gateway']);
    const ns = await cluster.get('v1', 'Namespace', 'orders');
    expect(ns?.metadata.labels?.['istio-injection']).toBe('enabled');

    // Under load the HPA scales the Deployment to its maximum; a re-apply
    // must neither conflict with nor undo that.
    await cluster.setLoad('orders', 'orders', { rps: 2000 });
    await cluster.waitFor(
      async () =>
        (
          await cluster.get('apps/v1', 'Deployment', 'orders', 'orders')
        )?.spec.replicas === 4,
    );
    const again = await apply();
    expect(again.results.every((r: any) => r.result === 'unchanged')).toBe(
      true,
    );
    const scaled = await cluster.get(
      'apps/v1',
      'Deployment',
      'orders',
      'orders',
    );
    expect(scaled?.spec.replicas).toBe(4);
    const ours = scaled?.metadata.managedFields?.find(
      (f: any) => f.manager === 'backstage-mesh',
    );
    expect(JSON.stringify(ours?.fieldsV1)).not.toContain('f:replicas');

    // Every write was a server-side apply; the dry runs came first.
    const stats = cluster.stats();
    expect(stats.byVerb.create ?? 0).toBe(0);
    expect(stats.byVerb.update ?? 0).toBe(0);
  });

  it('applies nothing when the server rejects one object, and removes the namespace it created', async () => {
    // A deployer that may create namespaces (here: the admin token).
    const deployer = applyAction({
      writeToken: cluster.tokens.admin,
      namespaces: ['*'],
    });
    await render(
      chain('reports', {
        service: { type: 'NodePort', port: 80, nodePort: 30080 },
      }),
    );
    const error = await apply({}, deployer).catch(e => e);
    expect(error.message).toMatch(
      /The cluster 'dev' would reject 1 of 6 objects \(server-side dry run\), so nothing was applied:\n {2}- Service reports\/reports: 422 Invalid: .*30080/,
    );
    // Deleted again (a namespace terminates before it is gone).
    await cluster.waitFor(
      async () => !(await cluster.get('v1', 'Namespace', 'reports')),
    );
    expect(
      await cluster.get('apps/v1', 'Deployment', 'reports', 'reports'),
    ).toBeUndefined();
  });

  it('is refused by the configuration before the cluster is asked, naming namespace and target', async () => {
    await render(chain('payments'));
    cluster.resetStats();
    const error = await apply().catch(e => e);
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toBe(
      "Templates may not apply to namespace 'payments' of cluster 'dev' (allowed namespaces in 'dev': orders, search, shop (mesh.scaffolder.targets[0])). An administrator can allow it under mesh.scaffolder.targets in app-config.yaml, with a credential whose RBAC allows writing there.",
    );
    expect(cluster.stats().total).toBe(0);
  });

  it("reports the cluster's 403 when its RBAC does not let the target's credential write there", async () => {
    // The configuration allows shop; the cluster binds the scaffolder in
    // orders and search only.
    await render({
      ...chain('billing'),
      namespace: 'shop',
      createNamespace: false,
    });
    await cluster.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop' },
    });
    const error = await apply().catch(e => e);
    expect(error.message).toMatch(
      /^Cluster 'dev' refused to let the credentials of mesh\.scaffolder\.targets\[0\] write to namespace 'shop' \(403 Forbidden by its RBAC\)\. The configuration allows it, the cluster does not: bind that credential's identity in each of these namespaces to a role that may write the chain's kinds/,
    );
    expect(error.message).toContain(
      'services "billing" is forbidden: User "system:serviceaccount:backstage:mesh-scaffolder" cannot patch resource "services" in API group "" in the namespace "shop"',
    );
    expect(error.message).not.toContain(cluster.tokens.scaffolder);
    expect(
      await cluster.get('apps/v1', 'Deployment', 'billing', 'shop'),
    ).toBeUndefined();
  });

  it('never writes with the read-only viewer credential', async () => {
    // A target without credentials writes with the cluster's own: here the
    // portal's viewer token, which the cluster lets read only.
    await render(chain('orders'));
    const error = await apply({}, applyAction({ writeToken: null })).catch(
      e => e,
    );
    expect(error.message).toMatch(
      /^Cluster 'dev' refused to let the cluster's own credential \(mesh\.scaffolder\.targets\[0\] has no credentials\) write to namespace 'orders' \(403 Forbidden by its RBAC\)/,
    );
    expect(error.message).toContain(
      'namespaces "orders" is forbidden: User "system:serviceaccount:backstage:mesh-viewer" cannot patch resource "namespaces" in API group "" in the namespace "orders"',
    );
    expect(error.message).not.toContain(cluster.tokens.viewer);
  });

  it('stops when the shared gateway does not exist', async () => {
    await render(
      chain('search', {
        gateway: { mode: 'existing', ref: 'istio-system/private-gateway' },
      }),
    );
    await expect(apply()).rejects.toThrow(
      /nothing was applied:\n {2}- MESH-1001 VirtualService gateway not found: VirtualService search\/search spec.gateways\[0\]: .*no Gateway private-gateway in namespace istio-system\. Fix: Change spec.gateways\[0\] to an existing Gateway \(in istio-system: public-gateway\)/,
    );
    expect(
      await cluster.get('apps/v1', 'Deployment', 'search', 'search'),
    ).toBeUndefined();
  });
});
