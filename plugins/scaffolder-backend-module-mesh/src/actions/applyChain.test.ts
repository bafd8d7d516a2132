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
import { istioIngressObjects } from '../__testUtils__/istioIngress';
import type { ChainClusterClient } from '../cluster/MeshObjectApi';
import { createApplyChainAction } from './applyChain';
import { createRenderChainAction } from './renderChain';
import { loadSchemaModels } from '../lib/models';

// The upstream schemas' validators load while this file is collected, not
// in the time of whichever test validates first.
loadSchemaModels();

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
    cluster = new FakeCluster().seed(istioIngressObjects());
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
    expect(cluster.objectsIn('shop')).toHaveLength(6);

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
          /may not apply to namespace 'payments' of cluster 'dev' \(allowed namespaces in 'dev': shop, team-\* \(mesh\.scaffolder\.targets\[0\]\)\)\. An administrator can allow it under mesh.scaffolder.targets/,
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

  it("reads with the cluster's credential and writes with the target's", async () => {
    await render();
    const calls: string[] = [];
    const as = (role: string): ChainClusterClient => {
      const record = <T>(what: string, result: T) => {
        calls.push(`${role} ${what}`);
        return result;
      };
      return {
        served: (v, k) => record('served', cluster.served(v, k)),
        get: o => record('get', cluster.get(o)),
        listObjects: r => record('list', cluster.listObjects(r)),
        apply: (o, opts) => record('apply', cluster.apply(o, opts)),
        deleteNamespace: n => record('delete', cluster.deleteNamespace(n)),
      };
    };
    const act = createApplyChainAction({
      clusters,
      config: new ConfigReader({
        mesh: {
          scaffolder: {
            targets: [
              {
                cluster: 'dev',
                namespaces: ['shop'],
                credentials: { serviceAccountToken: 'writer-token' },
              },
            ],
          },
        },
      }),
      clientFactory: kc =>
        as(kc.getCurrentUser()?.token === 'writer-token' ? 'writer' : 'reader'),
      pollIntervalMs: 5,
    });
    const ctx = createMockActionContext({
      input: { cluster: 'dev', waitForAvailable: true },
      workspacePath: workspace.path,
    });
    await act.handler(ctx as any);
    expect(new Set(calls)).toEqual(
      new Set(['reader list', 'reader served', 'reader get', 'writer apply']),
    );
    // The token is in no log line and no output.
    const said = JSON.stringify([
      (ctx.logger.info as jest.Mock | undefined)?.mock?.calls,
      (ctx.output as jest.Mock).mock.calls,
    ]);
    expect(said).not.toContain('writer-token');
  });

  it('refuses manifests spanning targets that may have different credentials', async () => {
    const service = (namespace: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ${namespace}}\nspec: {selector: {app: web}, ports: [{name: http, port: 80}]}\n`;
    await expect(
      run(
        {
          cluster: 'dev',
          manifests: `${service('shop')}---\n${service('team-a')}`,
        },
        {},
        action([
          { cluster: 'dev', namespaces: ['shop'] },
          { cluster: 'dev', namespaces: ['team-*'] },
        ]),
      ),
    ).rejects.toThrow(
      'The manifests write to namespaces of different targets (shop: mesh.scaffolder.targets[0]; team-a: mesh.scaffolder.targets[1]), which may have different credentials; apply them in separate steps',
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

  it('refuses manifests that make a chain the Service Mesh tab reports as broken, with its codes and fixes', async () => {
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
      /The manifests make a chain the Service Mesh tab would report as broken; nothing was applied:\n {2}- MESH-1003 Route destination subset not found: VirtualService shop\/checkout spec.http\[0\].route\[0\].destination.subset: .*sends to subset "v1".* Fix: Add the subset to the DestinationRule/,
    );
  });

  it('checks the chain against what the cluster holds: a shared Gateway must exist, and should accept the hosts', async () => {
    const shared = {
      ...chainInput,
      createNamespace: false,
      gateway: { mode: 'existing', ref: 'istio-system/internal-gateway' },
    };
    cluster.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    ]);
    await render(shared);
    await expect(run({ cluster: 'dev' })).rejects.toThrow(
      /- MESH-1001 VirtualService gateway not found: VirtualService shop\/checkout spec.gateways\[0\]: .*istio-system\/internal-gateway.* Fix: /,
    );
    expect(cluster.calls).toEqual([]);
    // Only what the engine asked for was read: pods by selector, never all.
    expect(cluster.reads).toContain('list gateways istio-system');
    expect(cluster.reads.filter(r => /^list pods \* ?$/.test(r))).toEqual([]);

    // public-gateway serves *.example.com, not checkout.example.org.
    await render({
      ...shared,
      hosts: ['checkout.example.org'],
      gateway: { mode: 'existing', ref: 'istio-system/public-gateway' },
    });
    const outputs = await run({ cluster: 'dev' });
    expect(outputs.checkedAgainst).toBe('cluster');
    expect(outputs.findings).toEqual([
      expect.objectContaining({
        code: 'MESH-1006',
        severity: 'warning',
        title: 'VirtualService host not on the bound Gateway',
        object: 'VirtualService shop/checkout',
      }),
    ]);
    expect(outputs.warnings).toEqual([
      expect.stringMatching(
        /^MESH-1006 VirtualService host not on the bound Gateway: VirtualService shop\/checkout .*checkout.example.org.* Fix: /,
      ),
    ]);
    expect(outputs.results.every((r: any) => r.result === 'created')).toBe(
      true,
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
