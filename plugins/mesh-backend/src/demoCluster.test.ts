/*
 * The mesh backend against the demo cluster (@mesh-chain/demo-cluster): the
 * Kubernetes API over real HTTPS with simulated controllers, seeded with
 * every scenario. Every scenario resolves to its chain and diagnostics; warm
 * page views make no request (counted by the cluster); changes reach a
 * signals subscriber over the real signals backend; and the faults a real
 * cluster has: dead, 403, missing CRDs, expired watches, TLS.
 */
import type { TestBackend } from '@backstage/backend-test-utils';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  DemoCluster,
  SCENARIOS,
  startDemoCluster,
} from '@mesh-chain/demo-cluster';
import type {
  ClusterChain,
  MeshChainResponse,
} from '@mesh-chain/plugin-mesh-common';
import { meshSignalChannel } from '@mesh-chain/plugin-mesh-common';
import signalsPlugin from '@backstage/plugin-signals-backend';
import request from 'supertest';
import WebSocket from 'ws';
import { AddressInfo } from 'net';
import {
  component,
  startMeshBackend,
  waitForCaches,
} from './__testUtils__/testBackend';
import { waitFor } from './__testUtils__/waitFor';

/* eslint-disable jest/no-standalone-expect -- the checks run inside the scenario tests */
/** What each seeded scenario must show (from the demo cluster's README). */
const EXPECTED: Record<
  string,
  { codes: string[]; check?: (chain: ClusterChain) => void }
> = {
  healthy: {
    codes: [],
    check: chain => {
      expect(chain.gateways.map(g => g.ref.name)).toEqual(['public-gateway']);
      expect(chain.virtualServices).toHaveLength(1);
      expect(chain.destinationRules).toHaveLength(1);
      expect(chain.hpas).toHaveLength(1);
      expect(chain.routes[0].externalUrls.length).toBeGreaterThan(0);
      expect(chain.deployments[0].replicas.ready).toBe(
        chain.deployments[0].replicas.desired,
      );
    },
  },
  canary: {
    codes: [],
    check: chain => {
      expect(chain.deployments).toHaveLength(2);
      const weights = chain.routes.flatMap(r =>
        r.destinations.map(d => [d.subset, d.weight]),
      );
      expect(weights).toEqual(
        expect.arrayContaining([
          ['v1', 90],
          ['v2', 10],
        ]),
      );
    },
  },
  clusterip: {
    codes: [],
    check: chain => {
      expect(chain.services[0].type).toBe('ClusterIP');
      expect(chain.routes[0].gateways).toContain('mesh');
    },
  },
  nodeport: {
    codes: [],
    check: chain => {
      expect(chain.services[0].type).toBe('NodePort');
      expect(chain.services[0].ports.map(p => p.nodePort)).toContain(30080);
    },
  },
  loadbalancer: {
    codes: [],
    check: chain => {
      expect(chain.services[0].type).toBe('LoadBalancer');
      expect(chain.services[0].externalAddresses[0]).toMatch(/^203\.0\.113\./);
    },
  },
  'hpa-max': { codes: ['MESH-6001'] },
  'missing-gateway': { codes: ['MESH-1001'] },
  'missing-service': { codes: ['MESH-1002', 'MESH-3001'] },
  'subset-no-pods': { codes: ['MESH-3002'] },
  'selector-mismatch': { codes: ['MESH-4001'] },
  'bad-target-port': { codes: ['MESH-4002'] },
  'gateway-api': {
    codes: [],
    check: chain => {
      expect(chain.gatewayApi).toBe(true);
      expect(chain.httpRoutes).toHaveLength(1);
      expect(chain.gateways.map(g => g.flavor)).toEqual(['gateway-api']);
    },
  },
};

/* eslint-enable jest/no-standalone-expect */

/**
 * The Istio helloworld sample as the docs write it: networking.istio.io
 * v1alpha3, no labels on the Deployments, the Service or the Istio objects,
 * labels only on the pod templates. The demo cluster's controllers make the
 * ReplicaSets and pods.
 */
const HELLOWORLD = `
apiVersion: v1
kind: Namespace
metadata:
  name: hello
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: helloworld-gateway
  namespace: hello
spec:
  selector:
    istio: ingressgateway
  servers:
    - port: { number: 80, name: http, protocol: HTTP }
      hosts: [hello.example.com]
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: helloworld
  namespace: hello
spec:
  hosts: [hello.example.com]
  gateways: [helloworld-gateway]
  http:
    - match:
        - uri: { exact: /hello }
      route:
        - destination: { host: helloworld, subset: v1, port: { number: 5000 } }
          weight: 90
        - destination: { host: helloworld, subset: v2, port: { number: 5000 } }
          weight: 10
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: helloworld
  namespace: hello
spec:
  host: helloworld
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
---
apiVersion: v1
kind: Service
metadata:
  name: helloworld
  namespace: hello
spec:
  ports:
    - { name: http, port: 5000 }
  selector:
    app: helloworld
${['v1', 'v2']
  .map(
    v => `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: helloworld-${v}
  namespace: hello
spec:
  replicas: 1
  selector:
    matchLabels: { app: helloworld, version: ${v} }
  template:
    metadata:
      labels: { app: helloworld, version: ${v} }
    spec:
      containers:
        - name: helloworld
          image: docker.io/istio/examples-helloworld-${v}:1.0
          ports: [{ containerPort: 5000 }]
          resources: { requests: { cpu: 100m } }
`,
  )
  .join('')}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: helloworld-v1
  namespace: hello
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: helloworld-v1 }
  minReplicas: 1
  maxReplicas: 3
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: { type: Utilization, averageUtilization: 80 }
`;

/** Codes of the diagnostics that say something is wrong. */
function problems(chain: ClusterChain): string[] {
  return [
    ...new Set(
      chain.diagnostics.filter(d => d.severity !== 'info').map(d => d.code),
    ),
  ].sort();
}

describe('mesh backend against the demo cluster', () => {
  let demo: DemoCluster;
  let noCrds: DemoCluster;
  let gone: DemoCluster;
  let backend: TestBackend;

  beforeAll(async () => {
    [demo, noCrds, gone] = await Promise.all([
      startDemoCluster({ name: 'demo', scenario: 'dev', timeScale: 50 }),
      startDemoCluster({
        name: 'no-crds',
        scenario: 'none',
        crds: { istio: false, gatewayApi: false },
        timeScale: 50,
      }),
      startDemoCluster({ name: 'gone', scenario: 'none' }),
    ]);
    const goneUrl = gone.url;
    await gone.stop();
    const cluster = (name: string, c: { url: string }, extra: object) => ({
      name,
      url: c.url,
      authProvider: 'serviceAccount',
      ...extra,
    });
    ({ backend } = await startMeshBackend({
      clusters: [
        cluster('demo', demo, {
          serviceAccountToken: demo.tokens.readonly,
          caData: demo.caData,
        }),
        // Not on `demo`: its retries would count as requests to it.
        cluster('restricted', noCrds, {
          serviceAccountToken: noCrds.tokens.restricted,
          caData: noCrds.caData,
        }),
        cluster('no-crds', noCrds, {
          serviceAccountToken: noCrds.tokens.readonly,
          caData: noCrds.caData,
        }),
        cluster('untrusted', demo, {
          serviceAccountToken: demo.tokens.readonly,
        }),
        cluster(
          'gone',
          { url: goneUrl },
          {
            serviceAccountToken: 'x',
            caData: demo.caData,
          },
        ),
      ],
      entities: [
        ...SCENARIOS.map(s => component(s.component)),
        // Labels only on its pod template (see HELLOWORLD below).
        component('helloworld', {
          'backstage.io/kubernetes-label-selector': 'app=helloworld',
        }),
      ],
      mesh: { requestTimeout: '3s' },
      extraFeatures: [signalsPlugin],
      captureSignals: false,
    }));
    await waitForCaches(backend, {
      restricted: 'error',
      untrusted: 'error',
      gone: 'error',
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([demo?.stop(), noCrds?.stop()]);
  }, 30_000);

  async function chainOf(
    componentName: string,
    cluster = 'demo',
  ): Promise<ClusterChain> {
    const res = await request(backend.server).get(
      `/api/mesh/entities/component/default/${componentName}?cluster=${cluster}`,
    );
    expect(res.status).toBe(200);
    return (res.body as MeshChainResponse).clusters[0];
  }

  it.each(SCENARIOS.map(s => [s.name, s.component]))(
    'resolves scenario %s (%s) to its chain and diagnostics',
    async (name, componentName) => {
      expect(EXPECTED[name]).toBeDefined();
      const expected = EXPECTED[name];
      // The simulated controllers settle the cluster (pods ready, HPA at
      // its limit) within moments; the chain follows through the watches.
      const chain = await waitFor(
        async () => {
          const c = await chainOf(componentName);
          return JSON.stringify(problems(c)) ===
            JSON.stringify([...expected.codes].sort())
            ? c
            : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 200, what: `the ${name} chain` },
      ).catch(async error => {
        const c = await chainOf(componentName);
        throw new Error(
          `${error.message}; diagnostics now: ${JSON.stringify(
            c.diagnostics.map(d => `${d.code} ${d.message}`),
          )}`,
        );
      });
      expect(chain).toMatchObject({
        source: 'cache',
        istio: true,
        warnings: [],
      });
      expect(chain.error).toBeUndefined();
      expect(chain.services.length + chain.deployments.length).toBeGreaterThan(
        0,
      );
      expected.check?.(chain);
    },
    30_000,
  );

  it('resolves a chain written as the docs write it, from the labels on its pods', async () => {
    await demo.apply(HELLOWORLD);
    // Created as v1alpha3, served at v1 as well.
    const vs = await demo.get(
      'networking.istio.io/v1',
      'VirtualService',
      'helloworld',
      'hello',
    );
    expect(vs?.apiVersion).toBe('networking.istio.io/v1');
    const chain = await waitFor(
      async () => {
        const c = await chainOf('helloworld');
        return c.pods.length === 2 && c.pods.every(p => p.ready)
          ? c
          : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'the helloworld pods' },
    );
    const names = (list: Array<{ ref: { name: string } }>) =>
      list.map(r => r.ref.name).sort();
    expect({
      gateways: names(chain.gateways),
      virtualServices: names(chain.virtualServices),
      destinationRules: names(chain.destinationRules),
      services: names(chain.services),
      deployments: names(chain.deployments),
      hpas: names(chain.hpas),
    }).toEqual({
      gateways: ['helloworld-gateway'],
      virtualServices: ['helloworld'],
      destinationRules: ['helloworld'],
      services: ['helloworld'],
      deployments: ['helloworld-v1', 'helloworld-v2'],
      hpas: ['helloworld-v1'],
    });
    expect(chain.pods.every(p => p.foundBy === 'label')).toBe(true);
    expect(chain.services[0]).toMatchObject({
      foundBy: 'reference',
      foundFrom: { ref: { kind: 'Pod' }, relation: 'selects' },
    });
    expect(chain.gateways[0]).toMatchObject({
      foundBy: 'reference',
      foundFrom: {
        ref: { kind: 'VirtualService', name: 'helloworld' },
        relation: 'binds',
      },
    });
    expect(chain.routes[0].externalUrls).toEqual([
      expect.stringMatching(/^http:\/\/hello\.example\.com(:\d+)?\/hello$/),
    ]);
    expect(
      chain.destinationRules[0].subsets.map(s => [s.name, s.podCount]),
    ).toEqual([
      ['v1', 1],
      ['v2', 1],
    ]);
  });

  it('makes no request to the cluster for warm page views', async () => {
    await chainOf('storefront');
    demo.resetStats();
    for (let i = 0; i < 3; i++) {
      for (const s of SCENARIOS) {
        await chainOf(s.component);
      }
    }
    expect(demo.stats().requests).toEqual({});
    expect(demo.stats().total).toBe(0);
  }, 30_000);

  it('reports each failing cluster beside the working one', async () => {
    const res = await request(backend.server).get(
      '/api/mesh/entities/component/default/storefront',
    );
    const byName = Object.fromEntries(
      (res.body as MeshChainResponse).clusters.map(c => [c.cluster.name, c]),
    );
    expect(byName.demo.error).toBeUndefined();
    expect(byName.demo.services).toHaveLength(1);
    // Cluster-wide lists are forbidden for the restricted token.
    expect(byName.restricted.error).toMatchObject({
      reason: 'forbidden',
      statusCode: 403,
    });
    // No Istio or Gateway API CRDs: not an error.
    expect(byName['no-crds']).toMatchObject({
      istio: false,
      gatewayApi: false,
      warnings: [],
    });
    expect(byName['no-crds'].error).toBeUndefined();
    // A certificate from an unknown CA.
    expect(byName.untrusted.error).toMatchObject({ reason: 'tls' });
    expect(byName.gone.error).toMatchObject({ reason: 'unreachable' });
    for (const token of [
      ...Object.values(demo.tokens),
      ...Object.values(noCrds.tokens),
    ]) {
      expect(res.text).not.toContain(token);
    }
  });

  it('relists after the cluster compacts its history (410) and keeps up', async () => {
    await chainOf('storefront');
    demo.resetStats();
    demo.compact();
    await demo.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'storefront-admin',
        namespace: 'shop',
        labels: { 'backstage.io/kubernetes-id': 'storefront' },
      },
      spec: {
        selector: { app: 'storefront' },
        ports: [{ name: 'http', port: 8080 }],
      },
    });
    const chain = await waitFor(
      async () => {
        const c = await chainOf('storefront');
        return c.services.length === 2 ? c : undefined;
      },
      { timeoutMs: 5000, what: 'the new Service' },
    );
    expect(chain.services.map(s => s.ref.name).sort()).toEqual([
      'storefront',
      'storefront-admin',
    ]);
    await demo.delete('v1', 'Service', 'storefront-admin', 'shop');
    await waitFor(
      async () => (await chainOf('storefront')).services.length === 1,
    );
  }, 30_000);

  it('pushes a change to a signals subscriber within two seconds', async () => {
    const before = await request(backend.server).get(
      '/api/mesh/entities/component/default/checkout',
    );
    const { port } = (backend.server as any).address() as AddressInfo;
    const channel = meshSignalChannel('component:default/checkout');
    const messages: any[] = [];
    // The signals backend starts handling WebSocket upgrades on the first
    // one it sees, which itself gets no answer; browsers retry, so do we.
    const connect = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(
          `ws://127.0.0.1:${port}/api/signals`,
          mockCredentials.user.token(),
        );
        const timer = setTimeout(() => {
          socket.terminate();
          reject(new Error('no answer to the WebSocket upgrade'));
        }, 500);
        socket.on('open', () => {
          clearTimeout(timer);
          resolve(socket);
        });
        socket.on('error', error => {
          clearTimeout(timer);
          reject(error);
        });
        socket.on('message', data =>
          messages.push(JSON.parse(data.toString())),
        );
      });
    let ws: WebSocket | undefined;
    for (let attempt = 0; !ws && attempt < 10; attempt++) {
      ws = await connect().catch(() => undefined);
    }
    if (!ws) {
      throw new Error('Could not open a WebSocket to the signals backend');
    }
    try {
      ws.send(JSON.stringify({ action: 'subscribe', channel }));
      await new Promise(resolve => setTimeout(resolve, 100));
      const changedAt = Date.now();
      await demo.apply({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'checkout', namespace: 'shop' },
        spec: {
          ...(await demo.get(
            'networking.istio.io/v1',
            'VirtualService',
            'checkout',
            'shop',
          ))!.spec,
          http: [
            {
              route: [
                { destination: { host: 'checkout', subset: 'v1' }, weight: 50 },
                { destination: { host: 'checkout', subset: 'v2' }, weight: 50 },
              ],
            },
          ],
        },
      });
      const message = await waitFor(
        () => messages.find(m => m.channel === channel),
        { timeoutMs: 2000, what: 'a signal on the page channel' },
      );
      expect(Date.now() - changedAt).toBeLessThan(2000);
      expect(message.message).toMatchObject({
        entityRef: 'component:default/checkout',
        clusters: ['demo'],
      });
      expect(message.message.revision).not.toBe(before.body.revision);
      const after = await request(backend.server).get(
        '/api/mesh/entities/component/default/checkout',
      );
      expect(after.body.revision).toBe(message.message.revision);
    } finally {
      ws.close();
    }
  }, 30_000);
});
