import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import path from 'path';
import { ConfigMeshClusters } from '@mesh-chain/plugin-mesh-node';
import { FakeCluster } from '../__testUtils__/FakeCluster';
import { fakeClusters } from '../__testUtils__/clusters';
import { createApplyChainAction } from './applyChain';
import { createRenderChainAction } from './renderChain';

const chainInput = {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  hosts: ['checkout.example.com'],
  createNamespace: true,
};

describe('mesh:chain:apply', () => {
  const workspace = createMockDirectory();
  let cluster: FakeCluster;
  let clusters: ReturnType<typeof fakeClusters>;

  beforeEach(() => {
    workspace.clear();
    cluster = new FakeCluster();
    clusters = fakeClusters([
      { name: 'dev' },
      { name: 'prod' },
      { name: 'gke', authProvider: 'oidc', authMode: 'user' },
    ]);
  });

  function action(
    targets: any = [
      { cluster: 'dev', namespaces: ['shop', 'team-*'] },
      { cluster: 'gke', namespaces: ['*'] },
    ],
  ) {
    return createApplyChainAction({
      clusters,
      config: new ConfigReader({ mesh: { scaffolder: { targets } } }),
      clientFactory: () => cluster,
      pollIntervalMs: 5,
    });
  }

  async function render(input: Record<string, any> = chainInput) {
    await createRenderChainAction().handler(
      createMockActionContext({ input, workspacePath: workspace.path }) as any,
    );
  }

  async function run(
    input: Record<string, any>,
    extra: object = {},
    act = action(),
  ) {
    const ctx = {
      ...createMockActionContext({ input, workspacePath: workspace.path }),
      ...extra,
    };
    await act.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it('applies the rendered chain and reports each object in apply order', async () => {
    await render();
    const outputs = await run({ cluster: 'dev' });
    expect(outputs.cluster).toBe('dev');
    expect(outputs.namespaces).toEqual(['shop']);
    expect(
      outputs.results.map((r: any) => `${r.kind} ${r.name} ${r.result}`),
    ).toEqual([
      'Namespace shop created',
      'Service checkout created',
      'Deployment checkout created',
      'DestinationRule checkout created',
      'Gateway checkout-gateway created',
      'VirtualService checkout created',
    ]);
    expect(outputs.summary).toContain(
      '| Deployment | shop | checkout | created |',
    );
    expect(outputs.warnings).toEqual([]);
    expect(cluster.objects.size).toBe(6);

    const again = await run({ cluster: 'dev' });
    expect(again.results.every((r: any) => r.result === 'unchanged')).toBe(
      true,
    );
  });

  it('runs the apply in a checkpoint, so a retried task does not apply twice', async () => {
    await render();
    const store = new Map<string, unknown>();
    const checkpoint = async ({
      key,
      fn,
    }: {
      key: string;
      fn: () => Promise<unknown>;
    }) => {
      if (!store.has(key)) store.set(key, await fn());
      return store.get(key);
    };
    await run({ cluster: 'dev' }, { checkpoint });
    const calls = cluster.calls.length;
    const outputs = await run({ cluster: 'dev' }, { checkpoint });
    expect([...store.keys()]).toEqual([
      expect.stringMatching(/^mesh\.apply\.dev\.[0-9a-f]{16}$/),
    ]);
    expect(cluster.calls.length).toBe(calls);
    expect(outputs.results[0].result).toBe('created');
  });

  it('waits for the Deployments when asked', async () => {
    await render();
    const outputs = await run({
      cluster: 'dev',
      waitForAvailable: true,
      waitTimeoutSeconds: 5,
    });
    expect(outputs.available).toBe(true);
  });

  it('fails the step when the Deployments do not become available in time', async () => {
    await render();
    cluster.deploymentsBecomeAvailable = false;
    await expect(
      run({ cluster: 'dev', waitForAvailable: true, waitTimeoutSeconds: 1 }),
    ).rejects.toThrow(
      /were not rolled out within 1s; still waiting for shop\/checkout: 0\/2 available/,
    );
  });

  it('in a template dry run validates everything and never contacts the cluster', async () => {
    await render();
    const outputs = await run({ cluster: 'dev' }, { isDryRun: true });
    expect(outputs.results.map((r: any) => r.result)).toEqual(
      Array(6).fill('planned'),
    );
    expect(cluster.calls).toEqual([]);
    expect(clusters.kubeConfigRequests).toBe(0);
  });

  it('refuses namespaces and clusters the configuration does not allow, before contacting the cluster', async () => {
    await render({ ...chainInput, namespace: 'payments' });
    await expect(run({ cluster: 'dev' })).rejects.toThrow(
      expect.objectContaining({
        name: 'NotAllowedError',
        message: expect.stringMatching(
          /may not apply to namespace 'payments' of cluster 'dev' \(allowed namespaces in 'dev': shop, team-\*\)\. An administrator can allow it under mesh.scaffolder.targets/,
        ),
      }),
    );
    await expect(run({ cluster: 'prod' })).rejects.toThrow(
      /allowed clusters: dev, gke/,
    );
    await expect(run({ cluster: 'dev' }, {}, action([]))).rejects.toThrow(
      /no targets are configured, so templates may not apply to any cluster/,
    );
    expect(clusters.kubeConfigRequests).toBe(0);
  });

  it('allows namespaces matching a pattern', async () => {
    await render({ ...chainInput, namespace: 'team-a' });
    const outputs = await run({ cluster: 'dev' });
    expect(outputs.namespaces).toEqual(['team-a']);
  });

  it("names unknown clusters and refuses clusters that need the user's own credential", async () => {
    await render();
    await expect(run({ cluster: 'staging' })).rejects.toThrow(
      /cluster: 'staging' is not configured under kubernetes.clusterLocatorMethods; use one of dev, prod, gke/,
    );
    await expect(run({ cluster: 'gke' })).rejects.toThrow(
      /'gke' authenticates with the signed-in user's own credential \(oidc\)/,
    );
  });

  it('refuses manifests that fail the upstream schema, naming file and field', async () => {
    await render();
    const file = path.join(workspace.path, 'kubernetes', 'deployment.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('replicas: 2', 'replicas: two'),
    );
    await expect(run({ cluster: 'dev' })).rejects.toThrow(
      /The manifests are not valid; nothing was applied:\n {2}- Deployment shop\/checkout \(kubernetes\/deployment.yaml\): spec.replicas: must be integer/,
    );
    expect(cluster.calls).toEqual([]);
  });

  it('refuses manifests whose references do not fit together', async () => {
    await render();
    const file = path.join(
      workspace.path,
      'kubernetes',
      'destinationrule.yaml',
    );
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('name: v1', 'name: stable'),
    );
    await expect(run({ cluster: 'dev' })).rejects.toThrow(
      /do not fit together; nothing was applied:\n {2}- VirtualService shop\/checkout: spec.http\[0\].route\[0\].destination.subset: subset v1 is not defined by a DestinationRule/,
    );
  });

  it('pins objects to the namespace input and fills it in where missing', async () => {
    const manifests = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels: { backstage.io/kubernetes-id: web }
spec:
  ports: [{ name: http, port: 80 }]
`;
    cluster.objects.set('Namespace//shop', { metadata: { name: 'shop' } });
    const outputs = await run({ cluster: 'dev', namespace: 'shop', manifests });
    expect(outputs.results).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        namespace: 'shop',
        name: 'web',
        result: 'created',
      },
    ]);
    await expect(
      run({
        cluster: 'dev',
        namespace: 'team-a',
        manifests: manifests.replace(
          'name: web',
          'name: web\n  namespace: shop',
        ),
      }),
    ).rejects.toThrow(
      /metadata.namespace: is shop, but this step applies to namespace team-a/,
    );
    await expect(run({ cluster: 'dev', manifests })).rejects.toThrow(
      /Service web \(manifests\): metadata.namespace: is missing; set it, or give the action a namespace/,
    );
  });

  it('refuses kustomizations it would not apply faithfully', async () => {
    await render();
    fs.appendFileSync(
      path.join(workspace.path, 'kubernetes', 'kustomization.yaml'),
      'patches:\n  - path: replicas.yaml\n',
    );
    await expect(run({ cluster: 'dev' })).rejects.toThrow(
      /kubernetes\/kustomization.yaml uses patches, which mesh:chain:apply does not run/,
    );
  });

  it('says what to check when the cluster cannot be reached', async () => {
    await render();
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'dev',
                url: 'http://127.0.0.1:1',
                authProvider: 'serviceAccount',
                serviceAccountToken: 'secret-token',
              },
            ],
          },
        ],
      },
      mesh: {
        scaffolder: { targets: [{ cluster: 'dev', namespaces: ['*'] }] },
      },
    });
    const real = createApplyChainAction({
      clusters: ConfigMeshClusters.fromConfig(config, {
        logger: mockServices.logger.mock(),
      }),
      config,
    });
    const error = await run({ cluster: 'dev' }, {}, real).catch(e => e);
    expect(error.message).toMatch(
      /The cluster 'dev' is unreachable \(ECONNREFUSED\).*Check its url and that the backend can reach it\. Nothing was applied\./s,
    );
    expect(error.message).not.toContain('secret-token');
  });

  it('names bad inputs', async () => {
    await expect(
      run({ cluster: 'dev', manifestsPath: 'missing' }),
    ).rejects.toThrow(
      /The manifests directory 'missing' does not exist in the workspace; run mesh:chain:render first/,
    );
    await expect(
      run({ cluster: 'dev', manifestsPath: '../..' }),
    ).rejects.toThrow(/is outside the workspace/);
    await expect(
      run({ cluster: 'dev', waitTimeoutSeconds: 3600 }),
    ).rejects.toThrow(/waitTimeoutSeconds: 3600 is out of range; use 1-900/);
    await expect(
      run({ cluster: 'dev', manifests: 'kind: Service\n' }),
    ).rejects.toThrow(
      /manifests has no apiVersion, metadata.name; every manifest needs apiVersion, kind and metadata.name/,
    );
    await expect(run({ cluster: 'dev', manifests: 'a: [' })).rejects.toThrow(
      /manifests is not valid YAML/,
    );
    await expect(run({})).rejects.toThrow(/cluster: is required/);
  });
});
