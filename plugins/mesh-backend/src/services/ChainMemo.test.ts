import type { ResolvedChain } from './engine/types';
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
    },
  ],
  virtualServices: [],
  httpRoutes: [],
  destinationRules: [],
  services: [
    { ref: ref('Service', 'shop', 'cart'), selector: { app: 'cart' } },
  ],
  deployments: [
    { ref: ref('Deployment', 'shop', 'cart'), selector: { app: 'cart' } },
  ],
  hpas: [{ ref: ref('HorizontalPodAutoscaler', 'shop', 'cart') }],
  pods: [{ ref: ref('Pod', 'shop', 'cart-1') }],
  routes: [],
  links: [],
  diagnostics: [],
} as unknown as ResolvedChain;

const deps = dependenciesOf(resolved, {
  labelSelector: 'backstage.io/kubernetes-id=cart',
});

describe('concerns', () => {
  it.each([
    [
      'a pod of the chain',
      { kind: 'pods', namespace: 'shop', name: 'cart-1', labels: [{}] },
    ],
    [
      'a new pod the Service selects',
      {
        kind: 'pods',
        namespace: 'shop',
        name: 'cart-2',
        labels: [undefined, { app: 'cart' }],
      },
    ],
    [
      'a pod that stops matching',
      {
        kind: 'pods',
        namespace: 'shop',
        name: 'x',
        labels: [{ app: 'cart' }, { app: 'other' }],
      },
    ],
    [
      'an ingress gateway pod anywhere',
      {
        kind: 'pods',
        namespace: 'gw',
        name: 'g',
        labels: [{ istio: 'ingressgateway' }],
      },
    ],
    [
      'an object with the entity label',
      {
        kind: 'deployments',
        namespace: 'new',
        name: 'cart',
        labels: [undefined, { 'backstage.io/kubernetes-id': 'cart' }],
      },
    ],
    [
      'an HPA in the namespace of the chain',
      {
        kind: 'horizontalpodautoscalers',
        namespace: 'shop',
        name: 'new',
        labels: [{}],
      },
    ],
    [
      'a ReplicaSet in the namespace of the chain',
      { kind: 'replicasets', namespace: 'shop', name: 'rs', labels: [{}] },
    ],
    [
      'any Service',
      { kind: 'services', namespace: 'elsewhere', name: 's', labels: [{}] },
    ],
    [
      'any VirtualService',
      {
        kind: 'virtualservices',
        namespace: 'elsewhere',
        name: 'v',
        labels: [{}],
      },
    ],
    ['a relist', { kind: 'pods', bulk: true }],
  ] as const)('notices %s', (_what, change) => {
    expect(concerns(deps, change as any)).toBe(true);
  });

  it.each([
    [
      'a pod of another app in the same namespace',
      {
        kind: 'pods',
        namespace: 'shop',
        name: 'o',
        labels: [{ app: 'other' }],
      },
    ],
    [
      'a pod with the same labels in another namespace',
      {
        kind: 'pods',
        namespace: 'other',
        name: 'c',
        labels: [{ app: 'cart' }],
      },
    ],
    [
      'a Deployment in another namespace',
      {
        kind: 'deployments',
        namespace: 'other',
        name: 'd',
        labels: [{ app: 'x' }],
      },
    ],
  ] as const)('ignores %s', (_what, change) => {
    expect(concerns(deps, change as any)).toBe(false);
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
