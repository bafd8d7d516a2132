import { objectKey, parseObjectKey } from '../../types';
import type { KubeObject, OwnerReference } from '../kube/KubeObject';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import { EMPTY_RESOLVED_CHAIN } from './emptyChain';
import { resolveClusterChain } from './resolveClusterChain';

const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'batch', namespace: 'jobs' },
  spec: { selector: { app: 'batch' }, ports: [{ port: 80 }] },
};

function pod(name: string, ownerReferences?: OwnerReference[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'jobs',
      labels: { app: 'batch', 'backstage.io/kubernetes-id': 'batch' },
      ...(ownerReferences && { ownerReferences }),
    },
    spec: { containers: [{ name: 'batch', image: 'batch:1' }] },
    status: { phase: 'Running' },
  };
}

describe('the links of a chain', () => {
  it('link a Service to the pods it selects that no Deployment of the chain owns', () => {
    const chain = resolveClusterChain(
      MemorySnapshot.fromObjects([
        service,
        pod('batch-0', [
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            name: 'batch',
            uid: 'u1',
          },
        ]),
        pod('batch-manual'),
      ]),
      { labelSelector: 'backstage.io/kubernetes-id=batch' },
      { clusterDomain: 'cluster.local' },
    );
    expect(
      chain.links.map(l => `${l.from} ${l.relation} ${l.to}`).sort(),
    ).toEqual([
      'core/Service/jobs/batch selects core/Pod/jobs/batch-0',
      'core/Service/jobs/batch selects core/Pod/jobs/batch-manual',
    ]);
  });
});

describe('object keys', () => {
  it('read back what objectKey wrote, names with slashes included', () => {
    const refs = [
      { kind: 'Service', apiVersion: 'v1', namespace: 'shop', name: 'cart' },
      {
        kind: 'Gateway',
        apiVersion: 'networking.istio.io/v1',
        namespace: 'istio-system',
        name: 'public',
      },
      { kind: 'Pod', apiVersion: 'v1', namespace: 'shop', name: 'a=b/c' },
      { kind: 'Node', apiVersion: 'v1', name: 'worker-1' },
    ];
    for (const ref of refs) {
      expect(parseObjectKey(objectKey(ref))).toEqual(ref);
    }
    expect(parseObjectKey('nonsense')).toBeUndefined();
  });
});

describe('the empty chain', () => {
  it('has nothing in it and cannot be filled by accident', () => {
    expect(EMPTY_RESOLVED_CHAIN.services).toEqual([]);
    expect(() => EMPTY_RESOLVED_CHAIN.pods.push({} as any)).toThrow();
  });
});
