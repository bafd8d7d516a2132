import { loadFixtureObjects } from '../__testUtils__/fixtures';
import type { KubeObject } from '../kube/KubeObject';
import { WATCHED_KINDS, watchedKindOf } from '../kube/watchedKinds';
import { parseLabelSelector, selectorMatches } from '../kube/labelSelector';
import type { ReadRequest } from '../reads/readPlan';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import { checkManifests, checkManifestsInCluster } from './checkManifests';

/** The healthy shop-frontend chain as someone would write it: no pods, no status. */
function shopManifests(): KubeObject[] {
  return loadFixtureObjects('healthy')
    .filter(o => o.kind !== 'Pod' && o.kind !== 'ReplicaSet')
    .map(({ status: _status, ...o }) => structuredClone(o) as KubeObject);
}

function find(objects: KubeObject[], kind: string, name?: string) {
  return objects.find(
    o => o.kind === kind && (name === undefined || o.metadata.name === name),
  )!;
}

const codes = (r: { diagnostics: Array<{ code: string }> }) =>
  r.diagnostics.map(d => d.code).sort();

/** The istio-system objects of a cluster (the ingress gateway, public-gateway). */
const istioSystem = () =>
  MemorySnapshot.fromObjects(loadFixtureObjects('istio-system'));

/** A reader over a snapshot's objects, counting what it was asked. */
function readerOver(objects: KubeObject[]) {
  const asked: ReadRequest[] = [];
  const read = async (reads: ReadRequest[]) => {
    asked.push(...reads);
    return objects.filter(o =>
      reads.some(
        r =>
          watchedKindOf(o) === r.kind &&
          (r.namespace === undefined || o.metadata.namespace === r.namespace) &&
          (r.labelSelector === undefined ||
            selectorMatches(
              parseLabelSelector(r.labelSelector),
              o.metadata.labels,
            )),
      ),
    );
  };
  return { read, asked };
}

describe('checkManifests', () => {
  it('finds nothing in a healthy chain that is not applied yet: its pods are the ones its Deployment will run', () => {
    const alone = checkManifests(shopManifests());
    expect(alone.diagnostics).toEqual([]);
    expect(alone.targets).toEqual([
      {
        labelSelector: 'backstage.io/kubernetes-id=shop-frontend',
        namespace: 'shop',
      },
    ]);
    // Pods, rollout, HPA status: nothing to report before they run.
    expect(
      codes(checkManifests(shopManifests(), { cluster: istioSystem() })),
    ).toEqual([]);
  });

  it('reports what the manifests say wrong with the codes, titles and fixes of the catalogue', () => {
    const manifests = shopManifests();
    find(manifests, 'VirtualService').spec.http[1].route[0].destination.port = {
      number: 8080,
    };
    const { diagnostics } = checkManifests(manifests);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'MESH-1005',
        severity: 'error',
        title: 'Destination port not on the Service',
        resources: [
          expect.objectContaining({ kind: 'VirtualService' }),
          expect.objectContaining({ kind: 'Service' }),
        ],
      }),
    ]);
    expect(diagnostics[0].fix).toBeTruthy();
  });

  it('reports what is not there only with the cluster at hand', () => {
    const manifests = shopManifests();
    find(manifests, 'VirtualService').spec.gateways = [
      'istio-system/promo-gateway',
    ];
    find(manifests, 'Service').spec.selector = { app: 'shop-frontnd' };
    // Alone, the gateway and the pods could be in the cluster.
    expect(codes(checkManifests(manifests))).toEqual([]);
    expect(
      codes(checkManifests(manifests, { cluster: istioSystem() })),
    ).toEqual(['MESH-1001', 'MESH-4001']);
  });

  it('checks the hosts against a shared Gateway of the cluster as Istio reads them', () => {
    const manifests = shopManifests().filter(o => o.kind !== 'Gateway');
    const vs = find(manifests, 'VirtualService');
    vs.spec.gateways = ['istio-system/public-gateway'];
    // public-gateway admits *.example.com.
    expect(
      codes(checkManifests(manifests, { cluster: istioSystem() })),
    ).toEqual([]);
    vs.spec.hosts = ['shop.example.org'];
    expect(
      codes(checkManifests(manifests, { cluster: istioSystem() })),
    ).toEqual(['MESH-1006']);
  });

  it('puts the manifests in place of the objects they change, and their pods in place of the old ones', () => {
    // The cluster runs the chain with pods labelled version v1.
    const cluster = MemorySnapshot.fromObjects([
      ...loadFixtureObjects('istio-system', 'healthy'),
    ]);
    const manifests = shopManifests();
    const deployment = find(manifests, 'Deployment');
    deployment.spec.selector.matchLabels.version = 'v2';
    deployment.spec.template.metadata.labels.version = 'v2';
    const dr = find(manifests, 'DestinationRule');
    dr.spec.subsets = [{ name: 'v2', labels: { version: 'v2' } }];
    expect(codes(checkManifests(manifests, { cluster }))).toEqual([]);
    // Without the new Deployment the v1 pods stay, and subset v2 selects none.
    expect(
      codes(
        checkManifests(
          manifests.filter(o => o.kind !== 'Deployment'),
          { cluster },
        ),
      ),
    ).toEqual(['MESH-3002']);
  });

  it('keeps what the cluster reports about objects it already runs', () => {
    const cluster = loadFixtureObjects('istio-system').map(o =>
      o.kind === 'Pod'
        ? {
            ...o,
            status: {
              ...o.status,
              conditions: [{ type: 'Ready', status: 'False' }],
            },
          }
        : o,
    );
    const { diagnostics } = checkManifests(shopManifests(), {
      cluster: MemorySnapshot.fromObjects(cluster),
    });
    expect(diagnostics.map(d => [d.code, d.resources[0].name])).toEqual([
      ['MESH-2004', 'shop-gateway'],
    ]);
  });
});

describe('checkManifestsInCluster', () => {
  const cluster = () => [
    ...loadFixtureObjects('istio-system', 'canary', 'conflicts'),
  ];

  it('reads what the engine asks for and finds what a check over the whole cluster finds', async () => {
    const manifests = shopManifests().filter(o => o.kind !== 'Gateway');
    find(manifests, 'VirtualService').spec.gateways = [
      'istio-system/missing-gateway',
    ];
    const { read, asked } = readerOver(cluster());
    const result = await checkManifestsInCluster(manifests, read);
    expect(result.withCluster).toBe(true);
    expect(codes(result)).toEqual(
      codes(
        checkManifests(manifests, {
          cluster: MemorySnapshot.fromObjects(cluster()),
        }),
      ),
    );
    expect(codes(result)).toContain('MESH-1001');
    // Pods are read by selector, never all of them.
    expect(
      asked.filter(r => r.kind === 'pods' && r.labelSelector === undefined),
    ).toEqual([]);
    expect(result.reads).toEqual(asked);
  });

  it('stops after maxRounds reads', async () => {
    const { read, asked } = readerOver(cluster());
    await checkManifestsInCluster(shopManifests(), read, { maxRounds: 1 });
    const kinds = new Set(asked.map(r => r.kind));
    expect(kinds.size).toBeGreaterThan(0);
    expect(kinds.size).toBeLessThanOrEqual(Object.keys(WATCHED_KINDS).length);
    const once = asked.length;
    const again = readerOver(cluster());
    await checkManifestsInCluster(shopManifests(), again.read);
    expect(again.asked.length).toBeGreaterThan(once);
  });
});
