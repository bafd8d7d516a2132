import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import {
  DemoCluster,
  SCENARIOS,
  startDemoCluster,
} from '@mesh-chain/demo-cluster';
import {
  ANNOTATION_KUBERNETES_ID,
  Diagnostic,
  getDiagnosticDefinition,
  MemorySnapshot,
  MeshEntityTarget,
  resolveClusterChain,
  WATCHED_KINDS,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import { ConfigMeshClusters } from '@mesh-chain/plugin-mesh-node';
import { createApplyChainAction } from '../actions/applyChain';
import { createRenderChainAction } from '../actions/renderChain';
import { MeshObjectApi } from '../cluster/MeshObjectApi';
import { ChainFinding, checkChainInCluster } from './chainCheck';

/*
 * The agreement of the template's check with the Service Mesh tab: every
 * variant the template renders is checked (mesh:chain:apply checks before
 * it writes) and applied to a demo cluster, and the tab's diagnosis of
 * what was applied (the engine over the cluster's objects, read with the
 * portal's viewer credential as the backend reads them) must be the
 * template's findings. Every broken demo scenario, fed to the check
 * against a cluster without it, gives the codes the tab gives for it.
 *
 * Left out on both sides: codes read from status (readiness, rollouts,
 * addresses), which a check before applying cannot know of objects that do
 * not run yet (catalogue `needs: 'status'`).
 */

jest.setTimeout(120_000);

/** The demo scenarios that are broken, and the code each is about. */
const BROKEN: Record<string, string> = {
  'missing-gateway': 'MESH-1001',
  'missing-service': 'MESH-1002',
  'subset-no-pods': 'MESH-3002',
  'selector-mismatch': 'MESH-4001',
  'bad-target-port': 'MESH-4002',
};

/** The template's variants: each Service type, HPA or not, subsets, TLS, Gateway new or shared. */
const VARIANTS: Record<string, Record<string, any>> = {
  'clusterip-new-gateway': {},
  'nodeport-hpa-shared-gateway': {
    service: { type: 'NodePort', port: 80 },
    gateway: { mode: 'existing', ref: 'istio-system/public-gateway' },
    autoscaling: {
      enabled: true,
      minReplicas: 2,
      maxReplicas: 4,
      cpuUtilization: 70,
    },
  },
  'loadbalancer-tls': {
    service: { type: 'LoadBalancer', port: 80 },
    tls: { credentialName: 'agree-tls-cert' },
  },
  'subsets-hpa': {
    versions: [
      { name: 'v1', weight: 80 },
      { name: 'v2', weight: 20 },
    ],
    autoscaling: {
      enabled: true,
      minReplicas: 2,
      maxReplicas: 4,
      cpuUtilization: 70,
    },
  },
  'shared-gateway-wrong-host': {
    // The shared gateway serves *.demo.example.com only.
    gateway: { mode: 'existing', ref: 'istio-system/public-gateway' },
    hosts: ['agree.elsewhere.example.org'],
  },
};

const namespaceOf = (variant: string) => `agree-${variant}`.slice(0, 63);

function readsStatus(code: string): boolean {
  return getDiagnosticDefinition(code).needs === 'status';
}

function describeRef(ref: Diagnostic['resources'][number] | undefined) {
  if (!ref) return '(the chain)';
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** What the tab shows, as `code object` lines, without status codes. */
function tabLines(diagnostics: Diagnostic[]): string[] {
  return [
    ...new Set(
      diagnostics
        .filter(d => !readsStatus(d.code))
        .map(d => `${d.code} ${describeRef(d.resources[0])}`),
    ),
  ].sort();
}

/** The template's findings with a catalogue code, as `code object` lines. */
function findingLines(findings: ChainFinding[]): string[] {
  return [
    ...new Set(
      findings
        .filter(f => f.code && !readsStatus(f.code))
        .map(f => `${f.code} ${f.object}`),
    ),
  ].sort();
}

function client(cluster: DemoCluster, token: string): MeshObjectApi {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfigFor(token));
  return MeshObjectApi.fromKubeConfig(kc);
}

/**
 * The tab's diagnosis of a component: the engine over every object of the
 * kinds it watches, read with the viewer's credential.
 */
async function tabDiagnosis(
  cluster: DemoCluster,
  target: MeshEntityTarget,
): Promise<Diagnostic[]> {
  const api = client(cluster, cluster.tokens.viewer);
  const kinds = Object.keys(WATCHED_KINDS) as WatchedKind[];
  const objects = (
    await Promise.all(kinds.map(kind => api.listObjects({ kind })))
  ).flat();
  const snapshot = MemorySnapshot.fromObjects(objects, {
    clusterName: cluster.name,
  });
  return resolveClusterChain(snapshot, target, {
    clusterDomain: 'cluster.local',
  }).diagnostics;
}

/** Until every Deployment of a namespace has all its pods ready. */
async function rolledOut(cluster: DemoCluster, namespace: string) {
  const api = client(cluster, cluster.tokens.viewer);
  await cluster.waitFor(async () => {
    const deployments = await api.listObjects({
      kind: 'deployments',
      namespace,
    });
    return (
      deployments.length > 0 &&
      deployments.every(
        d => (d.status?.readyReplicas ?? 0) >= (d.spec?.replicas ?? 1),
      )
    );
  });
}

describe('the template check agrees with the Service Mesh tab', () => {
  let cluster: DemoCluster;
  const workspace = createMockDirectory();

  beforeAll(async () => {
    cluster = await startDemoCluster({
      scenario: ['base', ...Object.keys(BROKEN)],
      timeScale: 100,
      scaffolderNamespaces: Object.keys(VARIANTS).map(namespaceOf),
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(() => workspace.clear());

  function applyAction() {
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
                serviceAccountToken: cluster.tokens.viewer,
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
              namespaces: Object.keys(VARIANTS).map(namespaceOf),
              credentials: { serviceAccountToken: cluster.tokens.scaffolder },
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

  async function run(
    action: { handler(ctx: any): Promise<void> },
    input: Record<string, any>,
  ) {
    const ctx = createMockActionContext({
      input,
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it.each(Object.entries(VARIANTS))(
    'template variant %s: the tab reports what the template found',
    async (variant, extra) => {
      const namespace = namespaceOf(variant);
      await run(createRenderChainAction(), {
        name: 'agree',
        namespace,
        createNamespace: false,
        image: 'ghcr.io/acme/app:1.0.0',
        containerPort: 8080,
        healthCheckPath: '/healthz',
        hosts: [`${variant}.demo.example.com`],
        resources: { requests: { cpu: '100m', memory: '64Mi' } },
        ...extra,
      });
      const applied = await run(applyAction(), { cluster: 'dev' });
      expect(applied.checkedAgainst).toBe('cluster');
      await rolledOut(cluster, namespace);

      const tab = await tabDiagnosis(cluster, {
        labelSelector: `${ANNOTATION_KUBERNETES_ID}=agree`,
        namespace,
      });
      expect(findingLines(applied.findings)).toEqual(tabLines(tab));
      // One variant the tab finds wrong, so agreement is not only silence.
      expect(tabLines(tab)).toEqual(
        variant === 'shared-gateway-wrong-host'
          ? [`MESH-1006 VirtualService ${namespace}/agree`]
          : [],
      );
    },
  );

  describe('every broken demo scenario, checked before it is applied', () => {
    let empty: DemoCluster;
    beforeAll(async () => {
      empty = await startDemoCluster({ scenario: ['base'], timeScale: 100 });
    });
    afterAll(async () => {
      await empty?.stop();
    });

    it.each(Object.entries(BROKEN))(
      '%s gives %s, as the tab does',
      async (name, code) => {
        const scenario = SCENARIOS.find(s => s.name === name)!;
        await rolledOut(cluster, scenario.namespace);
        const tab = await tabDiagnosis(cluster, {
          labelSelector: `${ANNOTATION_KUBERNETES_ID}=${scenario.component}`,
          namespace: scenario.namespace,
        });
        const check = await checkChainInCluster(
          scenario.objects('dev') as any[],
          client(empty, empty.tokens.viewer),
        );
        expect(tab.map(d => d.code)).toContain(code);
        expect(findingLines(check.findings)).toEqual(tabLines(tab));
      },
    );
  });
});
