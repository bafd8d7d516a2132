import type { HpaMetricInfo } from '@mesh-chain/plugin-mesh-common';
import {
  describeHpaCondition,
  describeMatch,
  formatAge,
  metricValues,
  sortDiagnostics,
} from './format';
import { chain } from '../__fixtures__/chains';

describe('format', () => {
  it('puts a metric’s current value against its target', () => {
    const m = (
      target: HpaMetricInfo['target'],
      current?: HpaMetricInfo['current'],
    ) => metricValues({ type: 'Resource', name: 'memory', target, current });
    expect(
      m({ type: 'Utilization', value: '80' }, { averageUtilization: 40 }),
    ).toEqual({
      target: '80%',
      current: '40%',
      ratio: 0.5,
    });
    expect(
      m({ type: 'AverageValue', value: '512Mi' }, { averageValue: '1Gi' }),
    ).toEqual({
      target: '512Mi',
      current: '1Gi',
      ratio: 2,
    });
    expect(m({ type: 'Value', value: '30' })).toEqual({
      target: '30',
      current: undefined,
      ratio: undefined,
    });
  });

  it('describes matches in words', () => {
    expect(
      describeMatch({
        uri: { regex: '^/v[0-9]+/' },
        ignoreUriCase: true,
        method: { exact: 'POST' },
        withoutHeaders: { 'x-test': { exact: '1' } },
        queryParams: { debug: { prefix: 'y' } },
        port: 8080,
      }),
    ).toEqual([
      'path matches /^/v[0-9]+// (any case)',
      'method = POST',
      'header x-test not = 1',
      'query debug starts with y',
      'port 8080',
    ]);
    expect(describeMatch({})).toEqual([]);
  });

  it('puts HPA conditions in plain words, falling back to the message', () => {
    expect(
      describeHpaCondition({
        type: 'AbleToScale',
        status: 'False',
        reason: 'BackoffBoth',
      }),
    ).toBe(
      'Waiting: scaled recently, holding still during the stabilization window.',
    );
    expect(
      describeHpaCondition({
        type: 'ScalingActive',
        status: 'False',
        reason: 'SomethingNew',
        message: 'the metrics server fell over',
      }),
    ).toBe('Autoscaling is not active. The metrics server fell over.');
  });

  it('formats ages', () => {
    expect(formatAge(2_000)).toBe('just now');
    expect(formatAge(42_000)).toBe('42 s ago');
    expect(formatAge(5 * 60_000)).toBe('5 min ago');
    expect(formatAge(3 * 3600_000)).toBe('3 h ago');
    expect(formatAge(72 * 3600_000)).toBe('3 days ago');
  });

  it('sorts diagnostics worst first', () => {
    const diagnostics = [
      ...chain('dev/payments').diagnostics,
      ...chain('dev/search').diagnostics,
      ...chain('dev/reviews').diagnostics,
    ];
    expect(sortDiagnostics(diagnostics).map(d => d.code)).toEqual([
      'MESH-1002',
      'MESH-3001',
      'MESH-3002',
      'MESH-6001',
    ]);
  });
});
