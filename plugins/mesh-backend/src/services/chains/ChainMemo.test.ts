import {
  defaultChainEngine,
  KubeObject,
  MemorySnapshot,
  RecordingSnapshot,
} from '@mesh-chain/plugin-mesh-common';
import {
  deployment,
  hpa,
  meshObjects,
  pod,
  replicaSet,
  service,
} from '../../__fixtures__/objects';
import type { CacheChange } from '../cluster/ClusterCache';
import { ChainMemo, concerns, MemoEntry } from './ChainMemo';

/*
 * What concerns a memoized chain is what the engine read to resolve it: the
 * record of a real resolution of the test mesh (the reviews component in
 * namespace shop, its gateway in istio-system), against changes a cluster
 * makes.
 */

const objects = meshObjects();
const recording = new RecordingSnapshot(MemorySnapshot.fromObjects(objects));
const resolved = defaultChainEngine.resolve(
  recording,
  { labelSelector: 'backstage.io/kubernetes-id=reviews' },
  { clusterDomain: 'cluster.local' },
);
const reads = recording.record;

const find = (kind: string, name: string) =>
  structuredClone(
    objects.find(o => o.kind === kind && o.metadata.name === name)!,
  );

const kindOf: Record<string, CacheChange['kind']> = {
  Pod: 'pods',
  Service: 'services',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  Gateway: 'gateways',
  HTTPRoute: 'httproutes',
};

/** A watch event: the object before and after (either may be absent). */
function change(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): CacheChange {
  const obj = (after ?? before)!;
  return {
    kind: kindOf[obj.kind],
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    labels: [before?.metadata.labels, after?.metadata.labels],
    objects: [before, after],
  };
}

/** A pod of another component. */
const otherPod = (name: string, namespace: string): KubeObject => ({
  ...pod(name, 'other', namespace),
  metadata: { name, namespace, labels: { app: 'other' } },
});

const edited = (obj: KubeObject, edit: (o: KubeObject) => void) => {
  const copy = structuredClone(obj);
  edit(copy);
  return copy;
};

const vs = (
  namespace: string,
  hosts: string[],
  destination: string,
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'v', namespace },
  spec: { hosts, http: [{ route: [{ destination: { host: destination } }] }] },
});

const dr = (namespace: string, host: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'd', namespace },
  spec: { host },
});

/** Changes that concern the chain of reviews. */
const noticed: Array<[string, CacheChange]> = [
  [
    'a pod of the chain that stops being ready',
    change(
      find('Pod', 'reviews-abc-1'),
      edited(find('Pod', 'reviews-abc-1'), p => {
        p.status.conditions = [{ type: 'Ready', status: 'False' }];
      }),
    ),
  ],
  ['a new pod the Service selects', change(undefined, pod('reviews-abc-7'))],
  [
    'a pod that stops matching',
    change(
      find('Pod', 'reviews-abc-2'),
      edited(find('Pod', 'reviews-abc-2'), p => {
        p.metadata.labels = { app: 'other' };
      }),
    ),
  ],
  [
    'an ingress gateway pod',
    change(find('Pod', 'istio-ingressgateway-1'), undefined),
  ],
  [
    'a Deployment with the entity label in another namespace',
    change(undefined, deployment('reviews', 'new')),
  ],
  ['an HPA that targets its Deployment', change(undefined, hpa())],
  [
    'its ReplicaSet',
    change(
      replicaSet(),
      edited(replicaSet(), r => {
        r.status.readyReplicas = 1;
      }),
    ),
  ],
  [
    'a Service of the chain',
    change(
      service(),
      edited(service(), s => {
        s.spec.ports[0].port = 80;
      }),
    ),
  ],
  [
    'a Service a route names but that did not exist',
    change(undefined, {
      ...service('ratings'),
      metadata: { name: 'reviews', namespace: 'shop' },
    }),
  ],
  [
    "the gateway's Service",
    change(
      find('Service', 'istio-ingressgateway'),
      edited(find('Service', 'istio-ingressgateway'), s => {
        s.status.loadBalancer.ingress = [];
      }),
    ),
  ],
  [
    'a Service with the entity label',
    change(undefined, service('reviews-canary')),
  ],
  [
    'a VirtualService of the chain',
    change(
      find('VirtualService', 'reviews'),
      edited(find('VirtualService', 'reviews'), v => {
        v.spec.http[0].timeout = '1s';
      }),
    ),
  ],
  [
    'a new VirtualService routing to its Service',
    change(
      undefined,
      vs('x', ['a.example.com'], 'reviews.shop.svc.cluster.local'),
    ),
  ],
  [
    'a VirtualService that stops routing to it',
    change(
      vs('x', ['a.example.com'], 'reviews.shop'),
      vs('x', ['a.example.com'], 'o'),
    ),
  ],
  [
    'a VirtualService for the same host on its gateway',
    change(undefined, {
      ...vs('shop', ['shop.example.com'], 'o'),
      spec: {
        ...vs('shop', ['shop.example.com'], 'o').spec,
        gateways: ['shop-gateway'],
      },
    }),
  ],
  [
    'a wildcard VirtualService covering its Service',
    change(undefined, vs('x', ['a.example.com'], '*.shop.svc.cluster.local')),
  ],
  [
    'a DestinationRule for its host',
    change(undefined, dr('x', 'reviews.shop.svc.cluster.local')),
  ],
  [
    'an HTTPRoute to its Service',
    change(undefined, {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'h', namespace: 'shop' },
      spec: {
        hostnames: ['a.example.com'],
        rules: [{ backendRefs: [{ name: 'reviews' }] }],
      },
    }),
  ],
  [
    'its Gateway',
    change(
      find('Gateway', 'shop-gateway'),
      edited(find('Gateway', 'shop-gateway'), g => {
        g.spec.servers[0].hosts = ['*'];
      }),
    ),
  ],
  [
    'any other Istio Gateway (it may conflict with the chain’s)',
    change(undefined, {
      ...find('Gateway', 'shop-gateway'),
      metadata: { name: 'other-gateway', namespace: 'other' },
    }),
  ],
  ['a relist', { kind: 'pods', bulk: true }],
];

/** Changes that do not. */
const ignored: Array<[string, CacheChange]> = [
  [
    'a pod of another app in the same namespace',
    change(undefined, otherPod('other-1', 'shop')),
  ],
  [
    'a pod with the same labels in another namespace',
    change(undefined, {
      ...pod('c'),
      metadata: { name: 'c', namespace: 'other', labels: { app: 'reviews' } },
    }),
  ],
  [
    'a Deployment in another namespace',
    change(undefined, {
      ...deployment('d', 'other'),
      metadata: { name: 'd', namespace: 'other' },
    }),
  ],
  [
    'a Service of another component',
    change(undefined, {
      ...service('other', 'other'),
      metadata: { name: 'other', namespace: 'other' },
    }),
  ],
  [
    'a VirtualService of another component',
    change(undefined, vs('other', ['other.example.com'], 'other')),
  ],
  [
    'a DestinationRule of another component',
    change(undefined, dr('other', 'other')),
  ],
  [
    'an HPA of another Deployment',
    change(undefined, {
      ...hpa('other'),
      metadata: { name: 'other', namespace: 'shop' },
    }),
  ],
];

describe('concerns', () => {
  it('has resolved the chain the changes are judged against', () => {
    expect(resolved.pods.map(p => p.ref.name)).toEqual([
      'reviews-abc-1',
      'reviews-abc-2',
    ]);
    expect(resolved.gateways.map(g => g.ref.name)).toEqual(['shop-gateway']);
  });

  it.each(noticed)('notices %s', (_what, c) => {
    expect(concerns(reads, c)).toBe(true);
  });

  it.each(ignored)('ignores %s', (_what, c) => {
    expect(concerns(reads, c)).toBe(false);
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
    reads,
  });

  it('keeps a chain across unrelated changes and drops it on a related one', () => {
    const memo = new ChainMemo(10);
    memo.set(entry('a'));
    memo.invalidate('c', change(undefined, otherPod('x', 'other')));
    expect(memo.get('a', 2)).toBeDefined();
    memo.invalidate('other-cluster', { kind: 'pods', bulk: true });
    expect(memo.get('a', 3)).toBeDefined();
    memo.invalidate('c', change(find('Pod', 'reviews-abc-1'), undefined));
    expect(memo.get('a', 3)).toBeUndefined();
  });

  it.each([
    ...noticed.map(([what, c]) => [what, c, true] as const),
    ...ignored.map(([what, c]) => [what, c, false] as const),
  ])(
    'weighs %s against the chains of its cluster as concerns does',
    (_what, c, expected) => {
      const memo = new ChainMemo(10);
      memo.set(entry('a'));
      memo.set(entry('b', 'other-cluster'));
      memo.invalidate('c', c);
      expect(memo.get('a', 1) === undefined).toBe(expected);
      expect(memo.get('b', 1)).toBeDefined();
    },
  );

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
