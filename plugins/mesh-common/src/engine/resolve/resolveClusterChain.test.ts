import { objectKey } from '../../types';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import type { KubeObject } from '../kube/KubeObject';
import type { WatchedKind } from '../kube/watchedKinds';
import { loadFixture, loadFixtureObjects } from '../__testUtils__/fixtures';
import type { ResolvedClusterChain } from './ChainContext';
import { resolveClusterChain } from './resolveClusterChain';

const options = { clusterDomain: 'cluster.local' };

const find = (objs: KubeObject[], kind: string, name: string) =>
  objs.find(o => o.kind === kind && o.metadata.name === name)!;

const dr = (
  namespace: string,
  name: string,
  host: string,
  subsets: string[],
  exportTo?: string[],
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name, namespace },
  spec: {
    host,
    subsets: subsets.map(s => ({ name: s, labels: { version: s } })),
    ...(exportTo && { exportTo }),
  },
});

function resolve(fixture: string, id: string, namespace?: string) {
  return resolveClusterChain(
    loadFixture(fixture),
    {
      labelSelector: `backstage.io/kubernetes-id=${id}`,
      ...(namespace && { namespace }),
    },
    options,
  );
}

const codes = (c: ResolvedClusterChain) =>
  c.diagnostics.map(d => d.code).sort();
const names = (list: Array<{ ref: { namespace?: string; name: string } }>) =>
  list.map(x => `${x.ref.namespace}/${x.ref.name}`).sort();

describe('resolveClusterChain diagnostics per scenario', () => {
  it.each<[string, string, string[]]>([
    ['healthy', 'shop-frontend', []],
    ['canary', 'reviews', []],
    ['service-types', 'echo-clusterip', []],
    ['service-types', 'echo-nodeport', []],
    ['service-types', 'echo-lb', []],
    ['service-types', 'echo-lb-pending', ['MESH-4005']],
    ['service-types', 'echo-legacy', ['MESH-4003', 'MESH-4004']],
    ['hpa', 'worker', ['MESH-6001', 'MESH-6003']],
    ['hpa', 'reports', ['MESH-6002', 'MESH-6003']],
    ['broken-missing-gateway', 'payments', ['MESH-1001']],
    ['broken-missing-service', 'checkout', ['MESH-1002']],
    ['broken-subset', 'ratings', ['MESH-3002']],
    ['broken-selector', 'inventory', ['MESH-4001']],
    ['broken-targetport', 'search', ['MESH-4002', 'MESH-4007']],
    [
      'conflicts',
      'catalog',
      [
        'MESH-1007',
        'MESH-1008',
        'MESH-1009',
        'MESH-1010',
        'MESH-1011',
        'MESH-1013',
        'MESH-2002',
        'MESH-2003',
        'MESH-5002',
        'MESH-5003',
      ],
    ],
    ['gateway-api', 'store-api', ['MESH-1015']],
  ])('%s / %s reports %j', (fixture, id, expected) => {
    const chain = resolve(fixture, id);
    expect(codes(chain)).toEqual(expected);
    for (const d of chain.diagnostics) {
      expect(d.message).toMatch(/\S/);
      expect(d.fix).toMatch(/\S/);
      expect(d.resources.length).toBeGreaterThan(0);
    }
  });

  it('names the resources, values and field of a broken reference', () => {
    const [d] = resolve('broken-missing-gateway', 'payments').diagnostics;
    expect(d).toMatchObject({
      code: 'MESH-1001',
      severity: 'error',
      path: 'spec.gateways[0]',
      resources: [
        { kind: 'VirtualService', namespace: 'payments', name: 'payments' },
        { kind: 'Gateway', namespace: 'payments', name: 'payments-gateway' },
      ],
    });
    expect(d.message).toContain('payments-gateway');
  });

  it('explains which pods a selector misses', () => {
    const [d] = resolve('broken-selector', 'inventory').diagnostics;
    expect(d.message).toContain('app=inventroy');
    expect(d.message).toContain('app=inventory');
  });
});

describe('resolveClusterChain follows references', () => {
  it('resolves a healthy chain end to end', () => {
    const chain = resolve('healthy', 'shop-frontend');
    expect(names(chain.gateways)).toEqual(['shop/shop-gateway']);
    expect(names(chain.virtualServices)).toEqual(['shop/shop-frontend']);
    expect(names(chain.destinationRules)).toEqual(['shop/shop-frontend']);
    expect(names(chain.hpas)).toEqual(['shop/shop-frontend']);
    expect(chain.pods).toHaveLength(3);
    const [svc] = chain.services;
    expect(svc).toMatchObject({
      type: 'ClusterIP',
      fqdn: 'shop-frontend.shop.svc.cluster.local',
      reachability: 'cluster',
      pods: 3,
      readyPods: 3,
      ports: [
        {
          name: 'http',
          port: 80,
          targetPort: 'http',
          resolvedTargetPort: 8080,
        },
      ],
    });
    const [dep] = chain.deployments;
    expect(dep.replicas).toEqual({
      desired: 3,
      current: 3,
      updated: 3,
      ready: 3,
      available: 3,
      unavailable: 0,
    });
    expect(dep.rollout.state).toBe('complete');
    expect(dep.autoscaler).toMatchObject({
      kind: 'HorizontalPodAutoscaler',
      name: 'shop-frontend',
    });
    expect(chain.hpas[0].metrics).toEqual([
      {
        type: 'Resource',
        name: 'cpu',
        target: { type: 'Utilization', value: '70' },
        current: { averageUtilization: 41, averageValue: '102m' },
      },
    ]);
    expect(chain.destinationRules[0].trafficPolicy).toMatchObject({
      loadBalancer: 'LEAST_REQUEST',
      connectionPool: { tcpMaxConnections: 100, http1MaxPendingRequests: 50 },
      outlierDetection: { consecutive5xxErrors: 5 },
    });
    // The http server redirects to https, so only https URLs are listed.
    expect(chain.routes.map(r => r.externalUrls)).toEqual([
      ['https://shop.example.com/static/'],
      ['https://shop.example.com/'],
    ]);
    expect(chain.routes[0]).toMatchObject({
      name: 'static',
      rewrite: { uri: '/assets/' },
    });
    expect(chain.routes[1]).toMatchObject({
      timeout: '5s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' },
    });
    expect(chain.gateways[0].workload).toMatchObject({
      pods: 2,
      readyPods: 2,
      service: { namespace: 'istio-system', name: 'istio-ingressgateway' },
      addresses: ['203.0.113.10'],
      nodePorts: { '80': 30080, '443': 30443 },
    });
    const all = [
      ...chain.gateways,
      ...chain.virtualServices,
      ...chain.services,
      ...chain.deployments,
      ...chain.hpas,
      ...chain.pods,
      ...chain.destinationRules,
    ];
    expect(all.every(r => r.health === 'ok')).toBe(true);
    // The answer carries no copy of the objects: "show YAML" asks for one.
    expect(JSON.stringify(chain)).not.toContain('"raw"');
    expect(JSON.stringify(chain)).not.toContain('managedFields');
    const relations = chain.links.map(l => `${l.from} ${l.relation} ${l.to}`);
    expect(relations).toEqual(
      expect.arrayContaining([
        'networking.istio.io/Gateway/shop/shop-gateway binds networking.istio.io/VirtualService/shop/shop-frontend',
        'networking.istio.io/VirtualService/shop/shop-frontend routes to core/Service/shop/shop-frontend',
        'networking.istio.io/DestinationRule/shop/shop-frontend policy for core/Service/shop/shop-frontend',
        'core/Service/shop/shop-frontend selects apps/Deployment/shop/shop-frontend',
        'autoscaling/HorizontalPodAutoscaler/shop/shop-frontend scales apps/Deployment/shop/shop-frontend',
      ]),
    );
    expect(relations.filter(r => r.includes(' owns '))).toHaveLength(3);
    expect(chain.links.some(l => l.broken)).toBe(false);
  });

  it('resolves a canary: weights, subsets and pods per subset', () => {
    const chain = resolve('canary', 'reviews');
    const canary = chain.routes.find(r => r.name === 'canary')!;
    expect(canary.destinations).toEqual([
      expect.objectContaining({
        host: 'reviews',
        fqdn: 'reviews.bookinfo.svc.cluster.local',
        subset: 'v1',
        weight: 90,
        service: expect.objectContaining({ name: 'reviews' }),
        destinationRule: expect.objectContaining({ name: 'reviews' }),
      }),
      expect.objectContaining({ subset: 'v2', weight: 10 }),
    ]);
    expect(canary.gateways).toEqual(['mesh', 'istio-system/public-gateway']);
    expect(canary.externalUrls).toEqual(['http://reviews.example.com/']);
    expect(
      chain.destinationRules[0].subsets.map(s => [
        s.name,
        s.podCount,
        s.readyPodCount,
      ]),
    ).toEqual([
      ['v1', 3, 3],
      ['v2', 1, 1],
    ]);
    expect(names(chain.deployments)).toEqual([
      'bookinfo/reviews-v1',
      'bookinfo/reviews-v2',
    ]);
  });

  it.each([
    ['echo-clusterip', 'ClusterIP', 'cluster', []],
    ['echo-nodeport', 'NodePort', 'node', []],
    ['echo-lb', 'LoadBalancer', 'external', ['203.0.113.20']],
    ['echo-lb-pending', 'LoadBalancer', 'pending', []],
  ])(
    'describes the %s Service as %s reachable from %s',
    (id, type, reachability, addresses) => {
      const [svc] = resolve('service-types', id).services;
      expect(svc).toMatchObject({
        type,
        reachability,
        externalAddresses: addresses,
      });
    },
  );

  it('reports every HPA metric type, current against target', () => {
    const [hpa] = resolve('hpa', 'worker').hpas;
    expect(hpa).toMatchObject({
      minReplicas: 2,
      maxReplicas: 5,
      currentReplicas: 5,
      desiredReplicas: 5,
      health: 'error',
    });
    expect(
      hpa.metrics.map(m => [m.type, m.name, m.target.value, m.current]),
    ).toEqual([
      [
        'Resource',
        'cpu',
        '60',
        { averageUtilization: 93, averageValue: '465m' },
      ],
      ['Resource', 'memory', '80', undefined],
      ['Pods', 'queue_messages_ready', '30', { averageValue: '74' }],
      ['External', 'pubsub_backlog', '1k', { value: '3200' }],
    ]);
    expect(hpa.conditions.find(c => c.type === 'ScalingLimited')).toMatchObject(
      { status: 'True', reason: 'TooManyReplicas' },
    );
  });

  it.each<[string, string, string, string]>([
    [
      'broken-missing-gateway',
      'payments',
      'networking.istio.io/Gateway/payments/payments-gateway',
      'networking.istio.io/VirtualService/payments/payments',
    ],
    [
      'broken-missing-service',
      'checkout',
      'networking.istio.io/VirtualService/shop/checkout',
      'core/Service/shop/checkout-v2',
    ],
    [
      'broken-subset',
      'ratings',
      'networking.istio.io/DestinationRule/bookinfo/ratings',
      'core/Pod/bookinfo/subset v3',
    ],
    [
      'broken-selector',
      'inventory',
      'core/Service/shop/inventory',
      'core/Pod/shop/app=inventroy',
    ],
    [
      'gateway-api',
      'store-api',
      'gateway.networking.k8s.io/HTTPRoute/store/store',
      'core/Service/store/store-api-next',
    ],
  ])('%s: a broken link from %s', (fixture, id, from, to) => {
    const chain = resolve(fixture, id);
    expect(chain.links.filter(l => l.broken).map(l => [l.from, l.to])).toEqual([
      [from, to],
    ]);
  });

  it('marks the resource to change with the worst severity', () => {
    const chain = resolve('broken-missing-gateway', 'payments');
    expect(chain.virtualServices[0].health).toBe('error');
    expect(chain.services[0].health).toBe('ok');
  });

  it('resolves a Gateway API chain', () => {
    const chain = resolve('gateway-api', 'store-api');
    expect(chain.gateways[0]).toMatchObject({
      flavor: 'gateway-api',
      gatewayClassName: 'istio',
      servers: [
        {
          name: 'http',
          port: 80,
          protocol: 'HTTP',
          hosts: ['store.example.com'],
        },
      ],
      workload: {
        pods: 1,
        readyPods: 1,
        addresses: ['203.0.113.30'],
        nodePorts: { '80': 32080 },
      },
    });
    expect(chain.httpRoutes[0].gateways).toEqual(['store/web']);
    expect(
      chain.routes[0].destinations.map(d => [
        d.fqdn,
        d.weight,
        d.port,
        !!d.service,
      ]),
    ).toEqual([
      ['store-api.store.svc.cluster.local', 95, 8080, true],
      ['store-api-next.store.svc.cluster.local', 5, 8080, false],
    ]);
    expect(chain.routes[0].match).toEqual([
      { uri: { prefix: '/api' }, pathSeparatedPrefix: true },
    ]);
    expect(chain.routes.map(r => r.externalUrls)).toEqual([
      ['http://store.example.com/api'],
      ['http://store.example.com/healthz'],
    ]);
  });

  it('finds VirtualServices through every spelling of the Service host', () => {
    const objs = loadFixtureObjects('istio-system', 'broken-selector');
    const spellings = [
      'inventory',
      'inventory.shop',
      'inventory.shop.svc',
      'inventory.shop.svc.cluster.local',
      '*.shop.svc.cluster.local',
    ];
    spellings.forEach((host, i) =>
      objs.push({
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: `vs-${i}`, namespace: i === 0 ? 'shop' : 'frontend' },
        spec: {
          hosts: [`api-${i}.example.com`],
          http: [{ route: [{ destination: { host } }] }],
        },
      }),
    );
    objs.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'short-elsewhere', namespace: 'frontend' },
      spec: {
        hosts: ['x.example.com'],
        http: [{ route: [{ destination: { host: 'inventory' } }] }],
      },
    });
    const chain = resolveClusterChain(
      MemorySnapshot.fromObjects(objs),
      { labelSelector: 'app=inventory' },
      options,
    );
    // `inventory` from namespace frontend means inventory.frontend: not ours.
    expect(chain.virtualServices.map(v => v.ref.name).sort()).toEqual([
      'vs-0',
      'vs-1',
      'vs-2',
      'vs-3',
      'vs-4',
    ]);
  });

  it.each([
    [
      'the annotated namespace',
      {
        labelSelector: 'backstage.io/kubernetes-id=reviews',
        namespace: 'bookinfo',
      },
      1,
    ],
    [
      'another namespace',
      {
        labelSelector: 'backstage.io/kubernetes-id=reviews',
        namespace: 'shop',
      },
      0,
    ],
    [
      'a set-based selector',
      { labelSelector: 'app in (reviews,ratings),version notin (v9)' },
      1,
    ],
    ['a selector matching nothing', { labelSelector: 'app=nope' }, 0],
  ])('honours %s', (_name, target, services) => {
    const chain = resolveClusterChain(loadFixture('canary'), target, options);
    expect(chain.services).toHaveLength(services);
    // Nothing of the component found: nothing routed to it either.
    expect(chain.virtualServices).toHaveLength(services);
    expect(chain.diagnostics).toHaveLength(0);
  });

  it('sees changes once the snapshot reports a new kind revision', () => {
    const objs = loadFixtureObjects('istio-system', 'broken-selector');
    const base = MemorySnapshot.fromObjects(objs);
    let extra = MemorySnapshot.fromObjects([]);
    let vsRevision = 1;
    const snapshot: ClusterSnapshot = {
      clusterName: 'dev',
      source: 'cache',
      observedAt: base.observedAt,
      istio: true,
      gatewayApi: true,
      warnings: [],
      get revision() {
        return vsRevision;
      },
      kindRevision: (kind: WatchedKind) =>
        kind === 'virtualservices' ? vsRevision : 1,
      list: (kind, ns) =>
        kind === 'virtualservices' ? extra.list(kind, ns) : base.list(kind, ns),
      get: (kind, ns, n) => base.get(kind, ns, n),
      namespaces: kind => base.namespaces(kind),
    };
    const target = { labelSelector: 'app=inventory' };
    expect(
      resolveClusterChain(snapshot, target, options).virtualServices,
    ).toHaveLength(0);
    extra = MemorySnapshot.fromObjects([
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'inventory', namespace: 'shop' },
        spec: {
          hosts: ['inventory'],
          http: [{ route: [{ destination: { host: 'inventory' } }] }],
        },
      },
    ]);
    // Same revision: the cached index is still used.
    expect(
      resolveClusterChain(snapshot, target, options).virtualServices,
    ).toHaveLength(0);
    vsRevision = 2;
    expect(
      resolveClusterChain(snapshot, target, options).virtualServices.map(v =>
        objectKey(v.ref),
      ),
    ).toEqual(['networking.istio.io/VirtualService/shop/inventory']);
  });

  it.each<[string, KubeObject[], string | undefined]>([
    [
      'a rule in the client (gateway) namespace wins over the service namespace',
      [
        dr('istio-system', 'reviews-gw', 'reviews.bookinfo.svc.cluster.local', [
          'v1',
          'v2',
        ]),
      ],
      'istio-system/reviews-gw',
    ],
    [
      'a rule in the service namespace wins over the root namespace',
      [
        dr(
          'istio-system',
          'root',
          '*.bookinfo.svc.cluster.local',
          ['v1', 'v2'],
          ['bookinfo'],
        ),
      ],
      'bookinfo/reviews',
    ],
    [
      'a rule exported only to its own namespace is invisible elsewhere',
      [
        dr(
          'frontend',
          'private',
          'reviews.bookinfo.svc.cluster.local',
          ['v1', 'v2'],
          ['.'],
        ),
      ],
      'bookinfo/reviews',
    ],
    [
      'a subset missing from the winning rule is not taken from another namespace',
      [
        dr('istio-system', 'reviews-gw', 'reviews.bookinfo.svc.cluster.local', [
          'v1',
        ]),
      ],
      undefined,
    ],
  ])('DestinationRule precedence: %s', (_name, extra, expected) => {
    // The canary route is bound to istio-system/public-gateway, whose
    // workload runs in istio-system: that is the client namespace.
    const objs = loadFixtureObjects('istio-system', 'canary');
    find(objs, 'VirtualService', 'reviews').spec.gateways = [
      'istio-system/public-gateway',
    ];
    const chain = resolveClusterChain(
      MemorySnapshot.fromObjects([...objs, ...extra]),
      { labelSelector: 'backstage.io/kubernetes-id=reviews' },
      options,
    );
    const v2 = chain.routes.find(r => r.name === 'canary')!.destinations[1];
    const got =
      v2.destinationRule &&
      `${v2.destinationRule.namespace}/${v2.destinationRule.name}`;
    expect(got).toBe(expected);
    expect(chain.diagnostics.some(d => d.code === 'MESH-1003')).toBe(
      expected === undefined,
    );
  });

  it('resolves TLS and TCP routes', () => {
    const objs = loadFixtureObjects('istio-system', 'canary');
    objs.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews-l4', namespace: 'bookinfo' },
      spec: {
        hosts: ['reviews.bookinfo.svc.cluster.local'],
        tls: [
          {
            match: [{ port: 443, sniHosts: ['reviews.example.com'] }],
            route: [
              { destination: { host: 'reviews', port: { number: 9080 } } },
            ],
          },
        ],
        tcp: [
          {
            match: [{ port: 31400 }],
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 100 },
            ],
          },
        ],
      },
    });
    const chain = resolveClusterChain(
      MemorySnapshot.fromObjects(objs),
      { labelSelector: 'backstage.io/kubernetes-id=reviews' },
      options,
    );
    const l4 = chain.routes.filter(r => r.source.name === 'reviews-l4');
    expect(
      l4.map(r => [
        r.id,
        r.protocol,
        r.match,
        r.destinations.map(d => [d.fqdn, d.subset, d.port, d.weight]),
      ]),
    ).toEqual([
      [
        'test/bookinfo/reviews-l4/tls/0',
        'tls',
        [{ port: 443, sniHosts: ['reviews.example.com'] }],
        [['reviews.bookinfo.svc.cluster.local', undefined, 9080, 100]],
      ],
      [
        'test/bookinfo/reviews-l4/tcp/0',
        'tcp',
        [{ port: 31400 }],
        [['reviews.bookinfo.svc.cluster.local', 'v1', undefined, 100]],
      ],
    ]);
    expect(
      chain.virtualServices.find(v => v.ref.name === 'reviews-l4')?.routeIds,
    ).toEqual(l4.map(r => r.id));
  });

  it('rejects a malformed label selector', () => {
    expect(() =>
      resolveClusterChain(
        loadFixture('canary'),
        { labelSelector: 'app in reviews' },
        options,
      ),
    ).toThrow(/Invalid label selector/);
  });
});
