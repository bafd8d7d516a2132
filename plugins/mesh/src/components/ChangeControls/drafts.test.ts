import { chain } from '../../__fixtures__/chains';

const healthyCluster = () => chain('routes/checkout');
import {
  autoscalerChange,
  changeableRoutes,
  replicasChange,
  timeoutsChange,
  timeoutsDraftOf,
  weightsChange,
} from './drafts';

const [canaryTesters, api] = changeableRoutes(healthyCluster());

describe('change drafts', () => {
  it('offers the VirtualService routes that have destinations', () => {
    expect(changeableRoutes(healthyCluster()).map(r => r.name)).toEqual([
      'canary-testers',
      'api',
    ]);
  });

  it('turns a split summing to 100 into a route-weights change', () => {
    expect(weightsChange(api, ['50', '50'])).toEqual({
      change: {
        type: 'route-weights',
        target: { namespace: 'shop', name: 'checkout' },
        route: { protocol: 'http', index: 1, name: 'api' },
        destinations: [
          {
            host: 'checkout.shop.svc.cluster.local',
            subset: 'v1',
            port: 80,
            weight: 50,
          },
          {
            host: 'checkout.shop.svc.cluster.local',
            subset: 'v2',
            port: 80,
            weight: 50,
          },
        ],
      },
    });
  });

  it('names the destination or the sum that is wrong', () => {
    expect(weightsChange(api, ['60', '50']).problem).toBe(
      'The weights add up to 110; they must add up to 100',
    );
    expect(weightsChange(api, ['', '100']).problem).toBe(
      'The weight of checkout.shop.svc.cluster.local (v1) must be a whole number from 0 to 100',
    );
    expect(weightsChange(api, ['-10', '110']).problem).toMatch(
      /checkout.shop.svc.cluster.local \(v1\)/,
    );
  });

  it('keeps the route’s timeout and retries, and removes what is emptied', () => {
    const draft = timeoutsDraftOf(canaryTesters);
    expect(draft).toEqual({
      timeout: '3s',
      attempts: '3',
      perTryTimeout: '1s',
      retryOn: '5xx,connect-failure',
    });
    expect(
      timeoutsChange(canaryTesters, { ...draft, timeout: '10s' }).change,
    ).toMatchObject({
      type: 'route-timeouts',
      timeout: '10s',
      retries: {
        attempts: 3,
        perTryTimeout: '1s',
        retryOn: '5xx,connect-failure',
      },
    });
    expect(
      timeoutsChange(canaryTesters, {
        timeout: '',
        attempts: '',
        perTryTimeout: '',
        retryOn: '',
      }).change,
    ).toMatchObject({ timeout: null, retries: null });
  });

  it('refuses durations and attempts that are not', () => {
    const draft = timeoutsDraftOf(canaryTesters);
    expect(
      timeoutsChange(canaryTesters, { ...draft, timeout: '10' }).problem,
    ).toBe("Timeout '10' is not a duration; write e.g. 500ms, 5s or 1m");
    expect(
      timeoutsChange(canaryTesters, { ...draft, attempts: '1.5' }).problem,
    ).toBe('Retry attempts must be a whole number, 0 or more');
    expect(
      timeoutsChange(canaryTesters, { ...draft, attempts: '' }).problem,
    ).toBe(
      'Set the retry attempts to use a per-try timeout or retry conditions',
    );
  });

  it('checks autoscaler limits and replicas', () => {
    const hpa = { namespace: 'shop', name: 'checkout-v1' };
    expect(autoscalerChange(hpa, '2', '20').change).toEqual({
      type: 'autoscaler',
      target: hpa,
      minReplicas: 2,
      maxReplicas: 20,
    });
    expect(autoscalerChange(hpa, '5', '3').problem).toBe(
      'Maximum replicas (3) must not be below the minimum (5)',
    );
    expect(autoscalerChange(hpa, '0', '3').problem).toBe(
      'Minimum replicas must be a whole number, 1 or more',
    );
    expect(replicasChange(hpa, '0').change).toEqual({
      type: 'replicas',
      target: hpa,
      replicas: 0,
    });
    expect(replicasChange(hpa, 'x').problem).toBe(
      'Replicas must be a whole number, 0 or more',
    );
  });
});
