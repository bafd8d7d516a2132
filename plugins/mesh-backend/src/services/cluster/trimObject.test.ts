import { keepChainFields } from './trimObject';

const POD = { apiVersion: 'v1', kind: 'Pod' };

describe('keepChainFields', () => {
  it('caches of a pod only what the chain reads: no annotations, env, uid or timestamps of states', () => {
    const { object, problem } = keepChainFields(
      'pods',
      {
        metadata: {
          name: 'p',
          namespace: 'ns',
          uid: '3f1c',
          labels: { app: 'a' },
          annotations: { small: 'x' },
          managedFields: [{ manager: 'kubelet' }],
        },
        spec: {
          nodeName: 'n1',
          containers: [
            {
              name: 'a',
              image: 'i',
              ports: [{ containerPort: 80 }],
              env: [{ name: 'X', value: 'y' }],
            },
          ],
          volumes: [{ name: 'v' }],
        },
        status: {
          phase: 'Running',
          podIP: '10.0.0.1',
          conditions: [
            { type: 'PodScheduled', status: 'True' },
            { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
          ],
          containerStatuses: [
            {
              name: 'a',
              ready: false,
              restartCount: 2,
              state: {
                waiting: { reason: 'CrashLoopBackOff', message: 'long text' },
              },
            },
          ],
        },
      },
      POD,
    );
    expect(problem).toBeUndefined();
    expect(object).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns', labels: { app: 'a' } },
      spec: {
        nodeName: 'n1',
        containers: [{ name: 'a', image: 'i', ports: [{ containerPort: 80 }] }],
      },
      status: {
        phase: 'Running',
        podIP: '10.0.0.1',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'a',
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    });
  });

  it('refuses objects without a name and flags wrong shapes', () => {
    expect(keepChainFields('pods', { metadata: {} }, POD)).toEqual({
      problem: 'has no metadata.name',
    });
    expect(keepChainFields('pods', 'x', POD)).toEqual({
      problem: 'not a JSON object',
    });
    const odd = keepChainFields(
      'virtualservices',
      { metadata: { name: 'v', labels: { a: 1 } }, spec: [] },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
    );
    expect(odd.problem).toBe(
      'spec is not an object, metadata.labels.a is not a string',
    );
    expect(odd.object!.spec).toBeUndefined();
    expect(odd.object!.metadata.labels).toEqual({});
  });

  it('cuts over-long strings of what it keeps, saying so', () => {
    const { object } = keepChainFields(
      'services',
      {
        metadata: { name: 's', namespace: 'ns' },
        spec: { selector: { app: 'x'.repeat(5000) } },
      },
      { apiVersion: 'v1', kind: 'Service' },
    );
    expect(object!.spec.selector.app).toBe(
      `${'x'.repeat(512)}…[cut: ${5000 - 512} bytes]`,
    );
  });
});
