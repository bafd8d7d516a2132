import {
  defaultChainEngine,
  MemorySnapshot,
  RecordingSnapshot,
} from '@mesh-chain/plugin-mesh-common';
import { meshObjects } from '../../__fixtures__/objects';
import type { DirectRead } from '../cluster/ClusterDataService';
import { broadReads, missingReads } from './directReadPlan';

const text = (reads: DirectRead[]) =>
  reads
    .map(r => `${r.kind} ${r.namespace ?? '*'} ${r.labelSelector ?? '(all)'}`)
    .sort();

/** What the engine reads over the objects of the broad round (a draft). */
function afterBroadRound() {
  const snapshot = MemorySnapshot.fromObjects(
    meshObjects().filter(o => o.kind !== 'Pod' && o.kind !== 'ReplicaSet'),
  );
  const recording = new RecordingSnapshot(snapshot);
  defaultChainEngine.resolve(
    recording,
    { labelSelector: 'backstage.io/kubernetes-id=reviews' },
    { clusterDomain: 'cluster.local', diagnose: false },
  );
  return { snapshot, record: recording.record };
}

describe('direct read plan', () => {
  it('starts with every kind but pods and ReplicaSets', () => {
    expect(text(broadReads(undefined))).not.toContain('pods * (all)');
    expect(text(broadReads(['shop', 'ops']))).toEqual(
      expect.arrayContaining(['services shop (all)', 'services ops (all)']),
    );
    expect(broadReads(['shop', 'ops'])).toHaveLength(16);
  });

  it('then reads the pods and ReplicaSets the engine selected, by its selectors', () => {
    const { snapshot, record } = afterBroadRound();
    expect(
      text(missingReads(record, snapshot, broadReads(undefined), undefined)),
    ).toEqual([
      'pods * backstage.io/kubernetes-id=reviews',
      'pods * istio=ingressgateway',
      'pods shop app=reviews',
      'replicasets * backstage.io/kubernetes-id=reviews',
      'replicasets shop app=reviews',
    ]);
  });

  it('stays within mesh.namespaces', () => {
    const { snapshot, record } = afterBroadRound();
    const scopes = ['shop', 'istio-system'];
    expect(
      text(missingReads(record, snapshot, broadReads(scopes), scopes)),
    ).toEqual([
      'pods istio-system backstage.io/kubernetes-id=reviews',
      'pods istio-system istio=ingressgateway',
      'pods shop app=reviews',
      'pods shop backstage.io/kubernetes-id=reviews',
      'pods shop istio=ingressgateway',
      'replicasets istio-system backstage.io/kubernetes-id=reviews',
      'replicasets shop app=reviews',
      'replicasets shop backstage.io/kubernetes-id=reviews',
    ]);
  });

  it('asks for nothing the reads done already cover', () => {
    const { snapshot, record } = afterBroadRound();
    const done = broadReads(undefined);
    done.push(...missingReads(record, snapshot, done, undefined));
    expect(missingReads(record, snapshot, done, undefined)).toEqual([]);
  });
});
