import { percentile } from './load';
import { parseOptions } from './options';
import { checkMeshView, checkStockView, showsTimeout } from './views';

/** A generated chain of one Deployment with two pods, one route. */
const chain = {
  deployments: 1,
  replicaSets: 1,
  pods: 2,
  services: 1,
  hpas: 1,
  virtualServices: 1,
  destinationRules: 1,
  gateways: 1,
  routes: 1,
};

function meshCluster(name: string, overrides: Record<string, unknown> = {}) {
  return {
    cluster: { name },
    source: 'cache',
    warnings: [],
    services: [{}],
    deployments: [{}],
    hpas: [{}],
    virtualServices: [{}],
    destinationRules: [{}],
    gateways: [{}],
    pods: [{}, {}],
    routes: [{}],
    ...overrides,
  };
}

function meshAnswer(clusters: object[]) {
  return {
    ok: true,
    bodies: [JSON.stringify({ status: 'configured', clusters })],
  };
}

const expectMesh = { clusters: 2, chain };

describe('checkMeshView', () => {
  it('accepts a whole chain from the cache of every cluster', () => {
    expect(
      checkMeshView(
        meshAnswer([meshCluster('a'), meshCluster('b')]),
        expectMesh,
      ),
    ).toEqual([]);
  });

  it('reports a cluster error, a direct read, a missing cluster and a short chain', () => {
    const problems = checkMeshView(
      meshAnswer([
        meshCluster('a', { error: { reason: 'unreachable' } }),
        meshCluster('b', { source: 'direct', pods: [{}] }),
        meshCluster('c'),
      ]),
      expectMesh,
    );
    expect(problems).toEqual([
      '3 clusters in the answer, not 2',
      'cluster a: {"reason":"unreachable"}',
      'cluster b: source direct, not cache',
      'cluster b: 1 pods, expected 2',
    ]);
  });

  it('reports a cluster that is not current', () => {
    const problems = checkMeshView(
      meshAnswer([
        meshCluster('a', { status: { state: 'current' } }),
        meshCluster('b', {
          status: { state: 'stale', message: "cluster 'b' is gone" },
        }),
      ]),
      expectMesh,
    );
    expect(problems).toEqual([
      "cluster b: stale, not current: cluster 'b' is gone",
    ]);
  });
});

function stockItem(name: string, errors: object[] = [], pods = 2) {
  const list = (type: string, n: number) => ({
    type,
    resources: Array.from({ length: n }, () => ({})),
  });
  return {
    cluster: { name },
    errors,
    resources: [
      list('pods', pods),
      list('services', 1),
      list('deployments', 1),
      list('replicasets', 1),
      list('horizontalpodautoscalers', 1),
      {
        type: 'customresources',
        resources: [{ kind: 'VirtualService' }, { kind: 'DestinationRule' }],
      },
    ],
  };
}

const expectStock = {
  clusters: 1,
  chain,
  mode: 'frontend' as const,
};

describe('checkStockView', () => {
  it('accepts the workloads and Istio objects of every cluster', () => {
    const answer = {
      ok: true,
      bodies: [JSON.stringify({ items: [stockItem('a')] })],
    };
    expect(checkStockView(answer, expectStock)).toEqual([]);
  });

  it('reports other errors and missing objects', () => {
    const forbidden = {
      errorType: 'UNAUTHORIZED_ERROR',
      statusCode: 403,
      resourcePath: '/api/v1/pods',
    };
    const answer = {
      ok: true,
      bodies: [JSON.stringify({ items: [stockItem('a', [forbidden], 0)] })],
    };
    expect(checkStockView(answer, expectStock)).toEqual([
      `cluster a: error ${JSON.stringify(forbidden)}`,
      'cluster a: 0 type:pods, expected 2',
    ]);
  });
});

describe('showsTimeout', () => {
  it('finds a route timeout in any answer of a page view', () => {
    const view = { ok: true, bodies: ['{}', '{"timeout":"11.250s"}'] };
    expect(showsTimeout(view, '11.250s')).toBe(true);
    expect(showsTimeout(view, '11.25s')).toBe(false);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('parseOptions', () => {
  it('has small defaults for the smoke run and takes flags after them', () => {
    const o = parseOptions(['--smoke', '--sizes', '300', '--churn', '0']);
    expect(o.smoke).toBe(true);
    expect(o.sizes).toEqual([300]);
    expect(o.churn).toBe(0);
    expect(o.concurrency).toEqual([1, 4]);
  });

  it('rejects what it does not know', () => {
    expect(() => parseOptions(['--sizes', 'many'])).toThrow(
      '--sizes must be positive numbers',
    );
    expect(() => parseOptions(['--fast'])).toThrow('Unknown option --fast');
  });
});
