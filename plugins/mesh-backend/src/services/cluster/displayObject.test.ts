import { displayObject } from './displayObject';

const defaults = { apiVersion: 'v1', kind: 'Pod' };

describe('displayObject', () => {
  it('shows a pod without env, volumes, managed fields or long annotations', () => {
    const { object, problem } = displayObject(
      'pods',
      {
        metadata: {
          name: 'p',
          namespace: 'ns',
          labels: { app: 'a' },
          annotations: {
            small: 'x',
            'sidecar.istio.io/status': 'y'.repeat(500),
          },
          managedFields: [{ manager: 'kubelet' }],
        },
        spec: {
          nodeName: 'n1',
          containers: [
            {
              name: 'a',
              image: 'i',
              ports: [{ containerPort: 80 }],
              resources: { requests: { cpu: '1' } },
              env: [{ name: 'X', value: 'y' }],
            },
          ],
          volumes: [{ name: 'v' }],
        },
        status: {
          phase: 'Running',
          podIP: '10.0.0.1',
          hostIP: '192.168.0.1',
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              lastTransitionTime: 't',
              lastProbeTime: null,
            },
          ],
          containerStatuses: [
            {
              name: 'a',
              ready: true,
              restartCount: 2,
              containerID: 'containerd://x',
              imageID: 'sha256:x',
              state: {
                waiting: { reason: 'CrashLoopBackOff', message: 'long text' },
              },
              lastState: { terminated: { exitCode: 1 } },
            },
          ],
        },
      },
      defaults,
    );
    expect(problem).toBeUndefined();
    expect(object).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'ns',
        labels: { app: 'a' },
        annotations: { small: 'x' },
      },
      spec: {
        nodeName: 'n1',
        containers: [{ name: 'a', image: 'i', ports: [{ containerPort: 80 }] }],
      },
      status: {
        phase: 'Running',
        podIP: '10.0.0.1',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'a',
            ready: true,
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
    });
  });

  it('shows container resources on a Deployment template, without volumes', () => {
    const { object } = displayObject(
      'deployments',
      {
        metadata: { name: 'd', namespace: 'ns' },
        spec: {
          replicas: 2,
          template: {
            metadata: { labels: { app: 'a' } },
            spec: {
              containers: [
                {
                  name: 'a',
                  image: 'i',
                  resources: { requests: { cpu: '1' } },
                },
              ],
              volumes: [{ name: 'v' }],
            },
          },
        },
      },
      { apiVersion: 'apps/v1', kind: 'Deployment' },
    );
    expect(object!.spec.template.spec).toEqual({
      containers: [
        { name: 'a', image: 'i', resources: { requests: { cpu: '1' } } },
      ],
    });
  });

  it('refuses objects without a name and flags wrong shapes', () => {
    expect(displayObject('pods', { metadata: {} }, defaults)).toEqual({
      problem: 'has no metadata.name',
    });
    expect(displayObject('pods', 'x', defaults)).toEqual({
      problem: 'not a JSON object',
    });
    const odd = displayObject(
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
});
