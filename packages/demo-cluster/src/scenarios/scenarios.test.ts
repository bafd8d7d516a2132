/*
 * Each seeded scenario shows what it promises, once the cluster settles.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import YAML from 'yaml';
import { DemoCluster, startDemoCluster } from '../DemoCluster';
import { fromLabelSelectorSpec, fromSelectorMap } from '../api/selectors';
import type { KubeObject } from '../types';
import { CLUSTER_PRESETS, SCENARIOS, scenarioObjects } from '.';

let dev: DemoCluster;

// Generous limits: these machines are shared; the waits return as soon as
// the cluster gets there.
jest.setTimeout(60_000);

beforeAll(async () => {
  dev = await startDemoCluster({
    name: 'dev',
    scenario: 'dev',
    timeScale: 300,
  });
  // Settled: every Deployment rolled out and the HPA at its maximum.
  await dev.waitFor(
    async () => {
      const deployments = await dev.list('apps/v1', 'Deployment');
      const search = await dev.get(
        'autoscaling/v2',
        'HorizontalPodAutoscaler',
        'search',
        'shop',
      );
      return (
        deployments.every(
          d =>
            d.status?.observedGeneration === d.metadata.generation &&
            (d.status?.availableReplicas ?? 0) === d.spec.replicas,
        ) &&
        search?.status?.desiredReplicas === 4 &&
        // The HPA reads the Deployment on its own sync period, after the
        // Deployment has scaled.
        search?.status?.currentReplicas === 4 &&
        (await dev.get('apps/v1', 'Deployment', 'search', 'shop'))?.status
          ?.availableReplicas === 4
      );
    },
    { timeoutMs: 45_000, description: 'the dev scenarios to settle' },
  );
});

afterAll(() => dev.stop());

const one = (apiVersion: string, kind: string, name: string, ns: string) =>
  dev.get(apiVersion, kind, name, ns) as Promise<KubeObject>;
const vs = (name: string, ns = 'shop') =>
  one('networking.istio.io/v1', 'VirtualService', name, ns);
const dr = (name: string, ns = 'shop') =>
  one('networking.istio.io/v1', 'DestinationRule', name, ns);
const svc = (name: string, ns = 'shop') => one('v1', 'Service', name, ns);
const podsOf = (ns: string) => dev.list('v1', 'Pod', { namespace: ns });

describe('scenarios', () => {
  it('healthy: a complete chain with every pod ready behind its Service', async () => {
    const route = (await vs('storefront')).spec.http[0].route;
    expect((await vs('storefront')).spec.gateways).toEqual([
      'istio-system/public-gateway',
    ]);
    expect(route[0].destination).toMatchObject({
      host: 'storefront.shop.svc.cluster.local',
      subset: 'v1',
    });
    expect((await dr('storefront')).spec.host).toBe(
      'storefront.shop.svc.cluster.local',
    );
    const ep = await one('v1', 'Endpoints', 'storefront', 'shop');
    expect(ep.subsets[0].addresses).toHaveLength(2);
    expect(ep.subsets[0].ports[0].port).toBe(9898);
    const hpa = await one(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      'storefront',
      'shop',
    );
    expect(
      hpa.status.conditions.find((c: any) => c.type === 'ScalingLimited')
        ?.status,
    ).toBe('False');
  });

  it('canary: 90/10 between two subsets that each select running pods', async () => {
    const route = (await vs('checkout')).spec.http[0].route;
    expect(route.map((r: any) => [r.destination.subset, r.weight])).toEqual([
      ['v1', 90],
      ['v2', 10],
    ]);
    const pods = (await podsOf('shop')).filter(
      p => p.metadata.labels?.app === 'checkout',
    );
    for (const subset of (await dr('checkout')).spec.subsets) {
      expect(
        pods.some(p =>
          fromSelectorMap(subset.labels).matches(p.metadata.labels),
        ),
      ).toBe(true);
    }
  });

  it('canary: in prod the route weights belong to Flagger, in dev to nobody', async () => {
    const managers = (o: KubeObject) =>
      ((o.metadata.managedFields as any[]) ?? []).map(e => e.manager);
    // Seeded as if restored from a backup: nobody owns anything yet.
    expect(managers(await vs('checkout'))).toEqual([]);
    const prod = await startDemoCluster({
      scenario: 'prod',
      controllers: false,
    });
    try {
      const checkout = (await prod.get(
        'networking.istio.io/v1',
        'VirtualService',
        'checkout',
        'shop',
      ))!;
      expect(managers(checkout)).toEqual(['flagger']);
      expect(
        (checkout.metadata.managedFields as any[])[0].fieldsV1['f:spec'],
      ).toHaveProperty('f:http');
      // The seeder's instruction is not left on the object.
      expect(checkout.metadata.annotations).toBeUndefined();
    } finally {
      await prod.stop();
    }
  });

  it('one Service of each type', async () => {
    expect((await svc('inventory')).spec.type).toBe('ClusterIP');
    expect((await vs('inventory')).spec.gateways).toEqual(['mesh']);
    const np = await svc('legacy-reports', 'ops');
    expect(np.spec.type).toBe('NodePort');
    expect(np.spec.ports[0].nodePort).toBe(30080);
    const lb = await svc('status-page', 'ops');
    expect(lb.spec.type).toBe('LoadBalancer');
    expect(lb.status.loadBalancer.ingress[0].ip).toMatch(/^203\.0\.113\./);
  });

  it('hpa-max: the HPA is pinned at maxReplicas', async () => {
    const hpa = await one(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      'search',
      'shop',
    );
    expect(hpa.status).toMatchObject({
      currentReplicas: 4,
      desiredReplicas: 4,
    });
    expect(
      hpa.status.conditions.find((c: any) => c.type === 'ScalingLimited'),
    ).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
    expect(
      hpa.status.currentMetrics[0].resource.current.averageUtilization,
    ).toBeGreaterThan(hpa.spec.metrics[0].resource.target.averageUtilization);
  });

  it('broken chains are broken in exactly the promised way', async () => {
    // missing-gateway: the Gateway the VirtualService names does not exist.
    const [gwNs, gwName] = (await vs('recommendations')).spec.gateways[0].split(
      '/',
    );
    expect(
      await dev.get('networking.istio.io/v1', 'Gateway', gwName, gwNs),
    ).toBeUndefined();
    expect(
      await dev.get(
        'networking.istio.io/v1',
        'Gateway',
        'public-gateway',
        'istio-system',
      ),
    ).toBeDefined();

    // missing-service: the route's host is not a Service.
    const host = (await vs('reviews')).spec.http[0].route[0].destination
      .host as string;
    expect(
      await dev.get('v1', 'Service', host.split('.')[0], 'shop'),
    ).toBeUndefined();
    expect(await svc('reviews')).toBeDefined();

    // subset-no-pods: subset v2 selects nothing in finance.
    const subsets = (await dr('payments', 'finance')).spec.subsets;
    const pods = (await podsOf('finance')).filter(
      p => p.metadata.labels?.app === 'payments',
    );
    expect(pods.length).toBeGreaterThan(0);
    const v2 = subsets.find((s: any) => s.name === 'v2');
    expect(
      pods.filter(p => fromSelectorMap(v2.labels).matches(p.metadata.labels)),
    ).toEqual([]);

    // selector-mismatch: the Service has no endpoints although pods run.
    const ep = await one('v1', 'Endpoints', 'notifications', 'messaging');
    expect(ep.subsets).toBeUndefined();
    expect((await podsOf('messaging')).length).toBe(2);

    // bad-target-port: no container exposes the Service's targetPort.
    const ratings = await svc('ratings');
    const deployment = await one('apps/v1', 'Deployment', 'ratings', 'shop');
    const ports = deployment.spec.template.spec.containers.flatMap((c: any) =>
      c.ports.map((p: any) => p.containerPort),
    );
    expect(ports).not.toContain(ratings.spec.ports[0].targetPort);
  });

  it('gateway-api: the Gateway is programmed and the HTTPRoute resolved', async () => {
    const gw = await one(
      'gateway.networking.k8s.io/v1',
      'Gateway',
      'docs-gateway',
      'docs',
    );
    expect(
      gw.status.conditions.find((c: any) => c.type === 'Programmed')?.status,
    ).toBe('True');
    expect(gw.status.addresses[0].value).toMatch(/^203\.0\.113\./);
    const route = await one(
      'gateway.networking.k8s.io/v1',
      'HTTPRoute',
      'docs',
      'docs',
    );
    expect(
      route.status.parents[0].conditions.map((c: any) => [c.type, c.status]),
    ).toEqual([
      ['Accepted', 'True'],
      ['ResolvedRefs', 'True'],
    ]);
  });

  it('labels workloads with their component, but not the shared ingress Gateway', async () => {
    const gw = await dev.get(
      'networking.istio.io/v1',
      'Gateway',
      'public-gateway',
      'istio-system',
    );
    expect(gw?.metadata.labels?.['backstage.io/kubernetes-id']).toBeUndefined();
    for (const s of SCENARIOS) {
      const pods = await dev.list('v1', 'Pod', {
        namespace: s.namespace,
        labelSelector: `backstage.io/kubernetes-id=${s.component}`,
      });
      expect(pods.length).toBeGreaterThan(0);
    }
    const ingress = await dev.list('v1', 'Pod', {
      namespace: 'istio-system',
      labelSelector: 'istio=ingressgateway',
    });
    expect(ingress.length).toBe(2);
    const ingressSvc = await svc('istio-ingressgateway', 'istio-system');
    expect(ingressSvc.spec.type).toBe('LoadBalancer');
  });

  it('prod holds a subset of the scenarios, with more replicas', () => {
    const prod = scenarioObjects('prod');
    const storefront = prod.find(
      o => o.kind === 'Deployment' && o.metadata.name === 'storefront',
    );
    expect(storefront?.spec.replicas).toBe(3);
    expect(prod.some(o => o.metadata.name === 'recommendations')).toBe(false);
    expect(CLUSTER_PRESETS.prod).toContain('healthy');
  });

  it('rejects unknown scenario names with the list of valid ones', () => {
    expect(() => scenarioObjects('helthy')).toThrow(
      /Unknown scenario 'helthy'. Use one or more of: dev, prod, .*healthy/,
    );
  });
});

describe('examples/entities.yaml', () => {
  it('has a Component for every scenario, annotated for its workloads', () => {
    const file = path.resolve(__dirname, '../../../../examples/entities.yaml');
    const entities = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
      d => d.toJS(),
    );
    for (const s of SCENARIOS) {
      const entity = entities.find(
        e => e.kind === 'Component' && e.metadata.name === s.component,
      );
      expect(entity?.metadata.annotations).toEqual({
        'backstage.io/kubernetes-id': s.component,
        'backstage.io/kubernetes-namespace': s.namespace,
      });
      expect(entity?.spec.system).toBe('mesh-demo');
      // The workloads the annotation selects exist in the scenario.
      const selector = fromLabelSelectorSpec({
        matchLabels: { 'backstage.io/kubernetes-id': s.component },
      });
      expect(
        s
          .objects('dev')
          .some(
            o =>
              o.kind === 'Deployment' &&
              selector.matches(o.spec.template.metadata.labels),
          ),
      ).toBe(true);
    }
    expect(entities.find(e => e.kind === 'System')?.metadata.name).toBe(
      'mesh-demo',
    );
  });
});

describe('state file', () => {
  it('survives a restart: objects, uids, resourceVersions and the CA', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-cluster-state-'));
    const state = path.join(dir, 'dev.state.json');
    try {
      const first = await startDemoCluster({
        scenario: 'healthy',
        state,
        timeScale: 300,
      });
      await first.apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kept', namespace: 'shop' },
        data: { a: '1' },
      });
      const before = await first.get('v1', 'ConfigMap', 'kept', 'shop');
      const ca = first.caPem;
      await first.stop();
      // As if written by an older version, without nodes: they come back.
      const saved = JSON.parse(fs.readFileSync(state, 'utf8'));
      saved.objects = saved.objects.filter(
        (o: KubeObject) => o.kind !== 'Node',
      );
      fs.writeFileSync(state, JSON.stringify(saved));

      const second = await startDemoCluster({
        scenario: 'canary',
        state,
        timeScale: 300,
      });
      try {
        const after = await second.get('v1', 'ConfigMap', 'kept', 'shop');
        expect(after?.metadata.uid).toBe(before?.metadata.uid);
        expect(after?.metadata.resourceVersion).toBe(
          before?.metadata.resourceVersion,
        );
        // The state wins over the scenario option, and the CA is reused.
        expect(
          await second.get('apps/v1', 'Deployment', 'checkout-v1', 'shop'),
        ).toBeUndefined();
        expect(second.caPem).toBe(ca);
        expect(
          (await second.list('v1', 'Node')).map(n => n.metadata.name),
        ).toEqual(['demo-node-1', 'demo-node-2', 'demo-node-3']);
        expect(fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8')).toBe(ca);
        const next = await second.apply({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'later', namespace: 'shop' },
        });
        expect(Number(next[0].metadata.resourceVersion)).toBeGreaterThan(
          Number(before?.metadata.resourceVersion),
        );
      } finally {
        await second.stop();
      }
      fs.writeFileSync(state, '{ not json');
      await expect(startDemoCluster({ state })).rejects.toThrow(
        /is not valid JSON .*delete it to start from the scenario again/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
