import {
  hasRuleCase,
  loadRuleCase,
  ruleCaseCodes,
} from '../__testUtils__/ruleCases';
import { resolveClusterChain } from '../resolve/resolveClusterChain';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import { chainRecordOf } from './chainRecord';
import type { KubeObject } from './KubeObject';
import { watchedKindOf } from './watchedKinds';

/*
 * The records keep everything the engine reads: every rule case (each
 * diagnostic's mistake and its near miss, over the fixture chains) resolves
 * to the same chain, diagnostics and all, from full objects and from their
 * records.
 */

function recordsOf(objects: KubeObject[]): KubeObject[] {
  return objects.map(o => {
    const kind = watchedKindOf(o);
    return kind ? chainRecordOf(kind, o) : o;
  });
}

const cases = ruleCaseCodes().flatMap(code =>
  (['fires', 'quiet'] as const)
    .filter(variant => hasRuleCase(code, variant))
    .map(variant => `${code}/${variant}`),
);

describe('chain records', () => {
  it.each(cases)('resolve %s as the full objects do', name => {
    const [code, variant] = name.split('/') as [string, 'fires' | 'quiet'];
    const c = loadRuleCase(code, variant);
    const resolve = (objects: KubeObject[]) =>
      resolveClusterChain(
        MemorySnapshot.fromObjects(objects, { clusterName: 'dev' }),
        {
          labelSelector: c.selector,
          ...(c.namespace && { namespace: c.namespace }),
        },
        {
          clusterDomain: 'cluster.local',
          ...(c.telemetry && { telemetry: c.telemetry }),
        },
      );
    const full = resolve(c.objects);
    expect(resolve(recordsOf(c.objects))).toEqual(full);
  });

  it('keep a pod small: what its chain entry, readiness and owner need', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        uid: 'u',
        resourceVersion: '7',
        creationTimestamp: 't0',
        labels: { app: 'web' },
        annotations: { 'prometheus.io/port': '15020' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web-abc',
            uid: 'r',
            controller: true,
          },
        ],
      },
      spec: {
        nodeName: 'n1',
        serviceAccountName: 'default',
        initContainers: [{ name: 'istio-init', image: 'proxy' }],
        containers: [
          {
            name: 'web',
            image: 'web:1',
            env: [{ name: 'PASSWORD', value: 'secret' }],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            resources: { requests: { cpu: '100m' } },
          },
        ],
        volumes: [{ name: 'token' }],
      },
      status: {
        phase: 'Running',
        podIP: '10.0.0.7',
        hostIP: '192.168.0.1',
        startTime: 't0',
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: 't0' },
          { type: 'Ready', status: 'True', lastTransitionTime: 't0' },
        ],
        containerStatuses: [
          {
            name: 'web',
            ready: true,
            started: true,
            restartCount: 1,
            image: 'web:1',
            imageID: 'sha256:x',
            containerID: 'containerd://x',
            state: { running: { startedAt: 't0' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error' } },
          },
          {
            name: 'istio-proxy',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      },
    };
    expect(chainRecordOf('pods', pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        resourceVersion: '7',
        creationTimestamp: 't0',
        labels: { app: 'web' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc' },
        ],
      },
      spec: {
        nodeName: 'n1',
        containers: [
          {
            name: 'web',
            image: 'web:1',
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          },
        ],
      },
      status: {
        phase: 'Running',
        podIP: '10.0.0.7',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'web', ready: true, restartCount: 1, state: { running: {} } },
          {
            name: 'istio-proxy',
            ready: false,
            restartCount: 0,
            state: { terminated: { reason: 'Error' } },
          },
        ],
      },
    });
  });

  it('keep of a ReplicaSet only its name, labels and owner', () => {
    const record = chainRecordOf('replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-abc',
        namespace: 'shop',
        resourceVersion: '3',
        labels: { app: 'web' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd' },
        ],
      },
      spec: { replicas: 2, template: { spec: { containers: [] } } },
      status: { replicas: 2 },
    });
    expect(record).toEqual({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-abc',
        namespace: 'shop',
        resourceVersion: '3',
        labels: { app: 'web' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        ],
      },
    });
  });
});
