import { shareValues } from './sharedValues';

function pod(name: string, restartCount: number) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      resourceVersion: `${name}-1`,
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc' },
      ],
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'web:1',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
        },
      ],
    },
    status: {
      podIP: `10.0.0.${restartCount}`,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'web', ready: true, restartCount, state: { running: {} } },
      ],
    },
  };
}

describe('shareValues', () => {
  it('keeps equal objects and arrays once, unequal ones apart', () => {
    const a = shareValues(pod('web-1', 0));
    const b = shareValues(pod('web-2', 0));
    const c = shareValues(pod('web-3', 2));
    expect(b).toEqual(pod('web-2', 0));
    expect(b.metadata.labels).toBe(a.metadata.labels);
    expect(b.metadata.ownerReferences).toBe(a.metadata.ownerReferences);
    expect(b.spec).toBe(a.spec);
    expect(b.status.conditions).toBe(a.status.conditions);
    expect(b.status.containerStatuses).toBe(a.status.containerStatuses);
    expect(c.status.containerStatuses).not.toBe(a.status.containerStatuses);
    expect(c.status.containerStatuses[0].state).toBe(
      a.status.containerStatuses[0].state,
    );
    // Unique per object: never kept for sharing.
    expect(b.metadata).not.toBe(a.metadata);
    expect(b.status).not.toBe(a.status);
  });

  it('tells values of different types apart, and leaves its input as it is', () => {
    const input = {
      spec: { port: { number: 80 } },
      status: { port: { number: '80' } },
    };
    const copy = JSON.parse(JSON.stringify(input));
    const kept = shareValues(input);
    expect(kept).toEqual(copy);
    expect(kept.spec.port).not.toBe(kept.status.port);
    expect(input).toEqual(copy);
    expect(kept.spec).not.toBe(input.spec);
  });

  it('still shares values first seen after its table filled up', () => {
    // More distinct objects than the table holds (100,000).
    for (let i = 0; i < 100_001; i++) {
      shareValues({ spec: { replicas: i } });
    }
    const a = shareValues({ spec: { image: 'late:1', port: 8080 } });
    const b = shareValues({ spec: { image: 'late:1', port: 8080 } });
    expect(b.spec).toBe(a.spec);
  });
});
