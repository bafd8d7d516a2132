import { loadFixtureObjects } from '../engine/__testUtils__/fixtures';
import type { KubeObject } from '../engine/kube/KubeObject';
import { watchedKindOf } from '../engine/kube/watchedKinds';
import {
  parseLabelSelector,
  selectorMatches,
} from '../engine/kube/labelSelector';
import type { ReadRequest } from '../engine/reads/readPlan';
import { checkManifests } from './checkManifests';
import { readClusterForManifests } from './readClusterForManifests';

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

describe('readClusterForManifests', () => {
  const cluster = () => [
    ...loadFixtureObjects('istio-system', 'canary', 'conflicts'),
  ];

  it('reads what the engine asks for, so the check finds what a check over the whole cluster finds', async () => {
    const manifests = shopManifests().filter(o => o.kind !== 'Gateway');
    find(manifests, 'VirtualService').spec.gateways = [
      'istio-system/missing-gateway',
    ];
    const { read, asked } = readerOver(cluster());
    const { live, reads } = await readClusterForManifests(manifests, read);
    const whole = { ...live, objects: cluster() };
    expect(codes(checkManifests({ manifests, live }))).toEqual(
      codes(checkManifests({ manifests, live: whole })),
    );
    expect(codes(checkManifests({ manifests, live }))).toContain('MESH-1001');
    expect(live.objects.length).toBeLessThan(cluster().length);
    // Pods are read by selector, never all of them.
    expect(
      asked.filter(r => r.kind === 'pods' && r.labelSelector === undefined),
    ).toEqual([]);
    expect(reads).toEqual(asked);
  });

  it('reads no more than maxRounds rounds', async () => {
    const none = readerOver(cluster());
    const nothing = await readClusterForManifests(shopManifests(), none.read, {
      maxRounds: 0,
    });
    expect(none.asked).toEqual([]);
    expect(nothing.live.objects).toEqual([]);
    const one = readerOver(cluster());
    const first = await readClusterForManifests(shopManifests(), one.read, {
      maxRounds: 1,
    });
    expect(first.reads.length).toBeGreaterThan(0);
    expect(one.asked).toEqual(first.reads);
  });
});
