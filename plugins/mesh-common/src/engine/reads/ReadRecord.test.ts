import type { KubeObject } from '../kube/KubeObject';
import { equalitySelector } from '../kube/labelSelector';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import { RecordingSnapshot } from '../snapshot/RecordingSnapshot';
import { ChainReads } from './ChainReads';
import { queryConcerns, ReadQuery } from './ReadRecord';

const obj = (
  kind: string,
  apiVersion: string,
  namespace: string,
  name: string,
  extra: Partial<KubeObject> = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace, ...extra.metadata },
  ...(extra.spec && { spec: extra.spec }),
});

const pod = (ns: string, name: string, labels: Record<string, string>) =>
  obj('Pod', 'v1', ns, name, { metadata: { name, labels } });

const vs = (ns: string, host: string) =>
  obj('VirtualService', 'networking.istio.io/v1alpha3', ns, 'v', {
    spec: {
      hosts: ['a.example.com'],
      http: [{ route: [{ destination: { host } }] }],
    },
  });

const domain = 'cluster.local';

describe('recorded reads', () => {
  const snapshot = MemorySnapshot.fromObjects([
    pod('shop', 'cart-1', { app: 'cart' }),
    vs('web', 'cart.shop'),
  ]);

  it('records what is read through a RecordingSnapshot, and answers as the snapshot', () => {
    const recording = new RecordingSnapshot(snapshot);
    const reads = ChainReads.over(recording, domain);
    expect(
      reads.select('pods', equalitySelector({ app: 'cart' }), 'shop'),
    ).toHaveLength(1);
    expect(
      reads.lookup(
        'virtualServicesByDestination',
        'cart.shop.svc.cluster.local',
      ),
    ).toHaveLength(1);
    expect(recording.get('pods', 'shop', 'nope')).toBeUndefined();
    expect(recording.list('services')).toEqual([]);
    expect(recording.record.queries.map(q => q.read).sort()).toEqual([
      'get',
      'list',
      'lookup',
      'select',
    ]);
    expect(recording.record.readsKind('deployments')).toBe(false);
  });

  it('records each query once', () => {
    const recording = new RecordingSnapshot(snapshot);
    const reads = ChainReads.over(recording, domain);
    reads.get('pods', 'shop', 'cart-1');
    reads.get('pods', 'shop', 'cart-1');
    recording.get('pods', 'shop', 'cart-1');
    expect(recording.record.size).toBe(1);
  });

  it('reads without recording over any other snapshot', () => {
    const reads = ChainReads.over(snapshot, domain);
    expect(reads.get('pods', 'shop', 'cart-1')?.metadata.name).toBe('cart-1');
  });

  it.each<[string, ReadQuery, KubeObject, boolean]>([
    [
      'get: the same object',
      { read: 'get', kind: 'pods', namespace: 'shop', name: 'cart-1' },
      pod('shop', 'cart-1', {}),
      true,
    ],
    [
      'get: another name',
      { read: 'get', kind: 'pods', namespace: 'shop', name: 'cart-1' },
      pod('shop', 'cart-2', {}),
      false,
    ],
    [
      'list: its namespace',
      { read: 'list', kind: 'pods', namespace: 'shop' },
      pod('shop', 'x', {}),
      true,
    ],
    [
      'list: another namespace',
      { read: 'list', kind: 'pods', namespace: 'shop' },
      pod('web', 'x', {}),
      false,
    ],
    [
      'select: matching labels',
      {
        read: 'select',
        kind: 'pods',
        namespace: 'shop',
        selector: equalitySelector({ app: 'cart' }),
      },
      pod('shop', 'x', { app: 'cart', v: '2' }),
      true,
    ],
    [
      'select: other labels',
      {
        read: 'select',
        kind: 'pods',
        namespace: 'shop',
        selector: equalitySelector({ app: 'cart' }),
      },
      pod('shop', 'x', { app: 'web' }),
      false,
    ],
    [
      'lookup: a route to the Service spelt name.namespace in another namespace',
      {
        read: 'lookup',
        kind: 'virtualservices',
        lookup: 'virtualServicesByDestination',
        key: 'cart.shop.svc.cluster.local',
        clusterDomain: domain,
      },
      vs('web', 'cart.shop'),
      true,
    ],
    [
      'lookup: a wildcard destination that covers the Service',
      {
        read: 'lookup',
        kind: 'virtualservices',
        lookup: 'virtualServicesByDestination',
        key: 'cart.shop.svc.cluster.local',
        clusterDomain: domain,
      },
      vs('web', '*.shop.svc.cluster.local'),
      true,
    ],
    [
      'lookup: a short name, which means the route’s own namespace',
      {
        read: 'lookup',
        kind: 'virtualservices',
        lookup: 'virtualServicesByDestination',
        key: 'cart.shop.svc.cluster.local',
        clusterDomain: domain,
      },
      vs('web', 'cart'),
      false,
    ],
  ])('a change concerns %s', (_name, query, changed, expected) => {
    expect(queryConcerns(query, changed)).toBe(expected);
  });
});
