import type { CacheChange } from './cluster/ClusterCache';
import type { ResolvedClusterChain } from '@mesh-chain/plugin-mesh-common';
import { ChainMemo, concerns, dependenciesOf, MemoEntry } from './ChainMemo';

const ref = (kind: string, namespace: string, name: string) => ({
  kind,
  apiVersion: 'v1',
  namespace,
  name,
});

const resolved = {
  istio: true,
  gatewayApi: false,
  gateways: [
    {
      ref: ref('Gateway', 'istio-system', 'public'),
      flavor: 'istio',
      selector: { istio: 'ingressgateway' },
      workload: { service: ref('Service', 'istio-system', 'ingress') },
    },
  ],
  virtualServices: [
    { ref: ref('VirtualService', 'shop', 'cart'), hosts: ['cart.example.com'] },
  ],
  httpRoutes: [],
  destinationRules: [
    { ref: ref('DestinationRule', 'shop', 'cart'), host: 'cart' },
  ],
  services: [
    { ref: ref('Service', 'shop', 'cart'), selector: { app: 'cart' } },
  ],
  deployments: [
    { ref: ref('Deployment', 'shop', 'cart'), selector: { app: 'cart' } },
  ],
  hpas: [{ ref: ref('HorizontalPodAutoscaler', 'shop', 'cart') }],
  pods: [{ ref: ref('Pod', 'shop', 'cart-1') }],
  routes: [
    {
      destinations: [
        { host: 'cart', fqdn: 'cart.shop.svc.cluster.local', weight: 90 },
        {
          host: 'payments.billing',
          fqdn: 'payments.billing.svc.cluster.local',
          weight: 10,
        },
      ],
    },
  ],
  links: [],
  diagnostics: [],
} as unknown as ResolvedClusterChain;

const deps = dependenciesOf(resolved, {
  labelSelector: 'backstage.io/kubernetes-id=cart',
});

const vs = (namespace: string, hosts: string[], destination: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'v', namespace },
  spec: { hosts, http: [{ route: [{ destination: { host: destination } }] }] },
});

const dr = (namespace: string, host: string) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'd', namespace },
  spec: { host },
});

const change = (
  kind: string,
  namespace: string,
  name: string,
  extra: Partial<CacheChange> = {},
) => ({ kind, namespace, name, labels: [{}], ...extra } as CacheChange);

describe('concerns', () => {
  it.each<[string, CacheChange]>([
    ['a pod of the chain', change('pods', 'shop', 'cart-1')],
    [
      'a new pod the Service selects',
      change('pods', 'shop', 'cart-2', {
        labels: [undefined, { app: 'cart' }],
      }),
    ],
    [
      'a pod that stops matching',
      change('pods', 'shop', 'x', { labels: [{ app: 'cart' }, { app: 'o' }] }),
    ],
    [
      'an ingress gateway pod anywhere',
      change('pods', 'gw', 'g', { labels: [{ istio: 'ingressgateway' }] }),
    ],
    [
      'an object with the entity label',
      change('deployments', 'new', 'cart', {
        labels: [undefined, { 'backstage.io/kubernetes-id': 'cart' }],
      }),
    ],
    [
      'an HPA in its namespace',
      change('horizontalpodautoscalers', 'shop', 'h'),
    ],
    ['a ReplicaSet in its namespace', change('replicasets', 'shop', 'rs')],
    ['a Service of the chain', change('services', 'shop', 'cart')],
    [
      'a Service a route names but that did not exist',
      change('services', 'billing', 'payments', { labels: [undefined, {}] }),
    ],
    ["the gateway's Service", change('services', 'istio-system', 'ingress')],
    [
      'a Service with the entity label',
      change('services', 'x', 'y', {
        labels: [undefined, { 'backstage.io/kubernetes-id': 'cart' }],
      }),
    ],
    [
      'a VirtualService of the chain',
      change('virtualservices', 'shop', 'cart'),
    ],
    [
      'a new VirtualService routing to its Service',
      change('virtualservices', 'x', 'v', {
        objects: [
          undefined,
          vs('x', ['a.example.com'], 'cart.shop.svc.cluster.local'),
        ],
      }),
    ],
    [
      'a VirtualService that stops routing to it',
      change('virtualservices', 'x', 'v', {
        objects: [
          vs('x', ['a.example.com'], 'cart.shop'),
          vs('x', ['a.example.com'], 'o'),
        ],
      }),
    ],
    [
      'a VirtualService for the same host',
      change('virtualservices', 'x', 'v', {
        objects: [undefined, vs('x', ['cart.example.com'], 'o')],
      }),
    ],
    [
      'a wildcard VirtualService',
      change('virtualservices', 'x', 'v', {
        objects: [undefined, vs('x', ['*.example.com'], 'o')],
      }),
    ],
    [
      'a DestinationRule for its host',
      change('destinationrules', 'x', 'd', {
        objects: [undefined, dr('x', 'cart.shop.svc.cluster.local')],
      }),
    ],
    [
      'an HTTPRoute to its Service',
      change('httproutes', 'x', 'h', {
        objects: [
          undefined,
          {
            apiVersion: 'gateway.networking.k8s.io/v1',
            kind: 'HTTPRoute',
            metadata: { name: 'h', namespace: 'x' },
            spec: {
              hostnames: ['a.example.com'],
              rules: [{ backendRefs: [{ name: 'cart' }] }],
            },
          },
        ],
      }),
    ],
    ['any Gateway', change('gateways', 'elsewhere', 'g')],
    ['a relist', { kind: 'pods', bulk: true }],
  ])('notices %s', (_what, c) => {
    expect(concerns(deps, c)).toBe(true);
  });

  it.each<[string, CacheChange]>([
    [
      'a pod of another app in the same namespace',
      change('pods', 'shop', 'o', { labels: [{ app: 'other' }] }),
    ],
    [
      'a pod with the same labels in another namespace',
      change('pods', 'other', 'c', { labels: [{ app: 'cart' }] }),
    ],
    ['a Deployment in another namespace', change('deployments', 'other', 'd')],
    ['a Service of another component', change('services', 'other', 'other')],
    [
      'a VirtualService of another component',
      change('virtualservices', 'other', 'v', {
        objects: [vs('other', ['other.example.com'], 'other')],
      }),
    ],
    [
      'a DestinationRule of another component',
      change('destinationrules', 'other', 'd', {
        objects: [dr('other', 'other')],
      }),
    ],
  ])('ignores %s', (_what, c) => {
    expect(concerns(deps, c)).toBe(false);
  });
});

describe('ChainMemo', () => {
  const entry = (key: string, cluster = 'c'): MemoEntry => ({
    key,
    cluster,
    revision: 1,
    resolvedAt: Date.now(),
    resolved,
    hash: 'h',
    json: '',
    dirty: false,
    deps,
  });

  it('keeps a chain across unrelated changes and drops it on a related one', () => {
    const memo = new ChainMemo(10);
    memo.set(entry('a'));
    memo.invalidate('c', {
      kind: 'pods',
      namespace: 'other',
      name: 'x',
      labels: [{ app: 'x' }],
    });
    expect(memo.get('a', 2)).toBeDefined();
    memo.invalidate('other-cluster', { kind: 'pods', bulk: true });
    expect(memo.get('a', 3)).toBeDefined();
    memo.invalidate('c', {
      kind: 'pods',
      namespace: 'shop',
      name: 'cart-1',
      labels: [{}],
    });
    expect(memo.get('a', 3)).toBeUndefined();
  });

  it('resolves again after maxStale once the cluster changed at all', () => {
    const memo = new ChainMemo(10, 1000);
    memo.set({ ...entry('a'), resolvedAt: Date.now() - 2000 });
    expect(memo.get('a', 1)).toBeDefined();
    expect(memo.get('a', 2)).toBeUndefined();
  });

  it('evicts the least recently used chains', () => {
    const memo = new ChainMemo(2);
    memo.set(entry('a'));
    memo.set(entry('b'));
    memo.get('a', 1);
    memo.set(entry('c'));
    expect(memo.size).toBe(2);
    expect(memo.get('b', 1)).toBeUndefined();
    expect(memo.get('a', 1)).toBeDefined();
  });
});
