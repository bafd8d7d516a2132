import { parseChangeRequest } from './changeRequest';

const target = { namespace: 'shop', name: 'checkout' };

function problems(body: unknown): string {
  try {
    parseChangeRequest(body);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the body to be refused');
}

describe('parseChangeRequest', () => {
  it('accepts each kind of change', () => {
    for (const change of [
      {
        type: 'route-weights',
        target,
        route: { protocol: 'http', index: 0 },
        destinations: [
          { host: 'checkout', subset: 'v1', weight: 100 },
          { host: 'checkout', subset: 'v2', weight: 0 },
        ],
      },
      {
        type: 'route-timeouts',
        target,
        route: { protocol: 'http', index: 1, name: 'api' },
        timeout: '1m30s',
        retries: { attempts: 3, perTryTimeout: '250ms', retryOn: '5xx,503' },
      },
      {
        type: 'route-timeouts',
        target,
        route: { protocol: 'http', index: 0 },
        timeout: null,
      },
      { type: 'autoscaler', target, maxReplicas: 10 },
      { type: 'replicas', target, replicas: 0 },
      { type: 'restart', target },
    ]) {
      expect(parseChangeRequest({ cluster: 'dev', change }).change).toEqual(
        change,
      );
    }
  });

  it('names every field that is wrong, and what it should be', () => {
    expect(
      problems({
        cluster: 'dev',
        change: {
          type: 'route-weights',
          target: { namespace: 'Shop', name: 'checkout' },
          route: { protocol: 'http', index: 0 },
          destinations: [
            { host: 'checkout', weight: 120 },
            { host: 'checkout', weight: 10 },
          ],
        },
        extra: true,
      }),
    ).toBe(
      "Invalid change: change.target.namespace: must be a namespace name such as shop; change.destinations[0].weight: must be 0 to 100; body: unknown field 'extra'; change.destinations: weights sum to 130; they must sum to 100 (e.g. 50 and 50); change.destinations[1]: sends to checkout twice; give each destination once",
    );
    expect(
      problems({
        cluster: 'dev',
        change: {
          type: 'route-weights',
          target,
          route: { protocol: 'http', index: 0 },
          destinations: [
            { host: 'checkout', weight: 50 },
            { host: 'checkout', weight: 50 },
          ],
        },
      }),
    ).toBe(
      'Invalid change: change.destinations[1]: sends to checkout twice; give each destination once',
    );
    expect(
      problems({
        cluster: 'dev',
        change: {
          type: 'route-timeouts',
          target,
          route: { protocol: 'tcp', index: 0 },
          timeout: '5 seconds',
          retries: { attempts: 2, retryOn: '5xx,sometimes' },
        },
      }),
    ).toMatch(
      /change.timeout: must be a duration such as 5s.*change.route.protocol: timeouts and retries are set on http routes only.*change.retries.retryOn: has unknown condition 'sometimes'/,
    );
    expect(
      problems({
        cluster: 'dev',
        change: { type: 'autoscaler', target, minReplicas: 5, maxReplicas: 3 },
      }),
    ).toBe('Invalid change: change.minReplicas: is 5, above maxReplicas 3');
    expect(problems({ change: { type: 'restart', target } })).toBe(
      'Invalid change: cluster: Required',
    );
  });
});
