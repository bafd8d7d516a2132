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
 * dryRun=All, 422 validation with field causes and 403 for a read-only token,
 * with controllers that roll Deployments out and run HPAs.
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
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(() => workspace.clear());

  function applyAction(token = cluster.tokens.admin) {
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
                serviceAccountToken: token,
                caData: cluster.caData,
              },
            ],
          },
        ],
      },
      mesh: {
        scaffolder: { targets: [{ cluster: 'dev', namespaces: ['*'] }] },
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
      'Namespace created',
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
    await render(
      chain('reports', {
        service: { type: 'NodePort', port: 80, nodePort: 30080 },
      }),
    );
    const error = await apply().catch(e => e);
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

  it('reports a token that may not write, and writes nothing', async () => {
    await render(chain('billing'));
    const error = await apply({}, applyAction(cluster.tokens.readonly)).catch(
      e => e,
    );
    expect(error.message).toMatch(/rejected Namespace billing: 403 Forbidden/);
    expect(error.message).toMatch(/grant its identity get\/create\/patch/);
    expect(error.message).not.toContain(cluster.tokens.readonly);
    expect(await cluster.get('v1', 'Namespace', 'billing')).toBeUndefined();
  });

  it('stops when the shared gateway does not exist', async () => {
    await render(
      chain('search', {
        gateway: { mode: 'existing', ref: 'istio-system/private-gateway' },
      }),
    );
    await expect(apply()).rejects.toThrow(
      /Gateway istio-system\/private-gateway \(referenced by VirtualService search\/search spec.gateways\[0\]\) does not exist[\s\S]*Nothing was applied/,
    );
    expect(await cluster.get('v1', 'Namespace', 'search')).toBeUndefined();
  });
});
