import { loadFixture } from '../engine/__testUtils__/fixtures';
import { resolveClusterChain } from '../engine/resolve/resolveClusterChain';
import { diagnoseTraffic } from '../engine/diagnostics/rules/traffic';
import { chainTraffic } from './chainTraffic';
import { histogramQuantile } from './quantile';
import type { RequestSample } from './samples';

const gateway = {
  reporter: 'source',
  sourceWorkload: 'istio-ingressgateway',
  sourceWorkloadNamespace: 'istio-system',
};

function request(
  fields: Partial<RequestSample> &
    Pick<RequestSample, 'destinationService' | 'rps'>,
): RequestSample {
  return {
    ...gateway,
    destinationWorkload: 'unknown',
    destinationWorkloadNamespace: 'unknown',
    destinationVersion: 'unknown',
    responseCode: '200',
    responseFlags: '-',
    ...fields,
  };
}

function resolve(fixture: string, selector: string) {
  return resolveClusterChain(
    loadFixture(fixture),
    { labelSelector: selector },
    { clusterDomain: 'cluster.local' },
  );
}

describe('chainTraffic', () => {
  it('shares a route between subsets by the workloads the subsets select, counting each request once', () => {
    const chain = resolve('canary', 'backstage.io/kubernetes-id=reviews');
    const host = 'reviews.bookinfo.svc.cluster.local';
    const telemetry = chainTraffic(chain, {
      measuredAt: '2026-11-25T12:00:00Z',
      windowSeconds: 60,
      requests: [
        request({
          destinationService: host,
          destinationWorkload: 'reviews-v1',
          destinationWorkloadNamespace: 'bookinfo',
          destinationVersion: 'v1',
          rps: 18,
        }),
        request({
          destinationService: host,
          destinationWorkload: 'reviews-v2',
          destinationWorkloadNamespace: 'bookinfo',
          destinationVersion: 'v2',
          rps: 2,
        }),
        // The same requests as the receiving sidecars report them: not counted twice.
        request({
          reporter: 'destination',
          destinationService: host,
          destinationWorkload: 'reviews-v1',
          destinationWorkloadNamespace: 'bookinfo',
          rps: 18,
        }),
      ],
      latency: [],
      autoscalers: [],
    });
    const canary = telemetry.routes.find(
      r => r.routeId === 'dev/bookinfo/reviews/http/1',
    )!;
    expect(canary.rps).toBe(20);
    expect(canary.destinations.map(d => [d.subset, d.weight, d.share])).toEqual(
      [
        ['v1', 90, 90],
        ['v2', 10, 10],
      ],
    );
    expect(canary.health).toBe('healthy');
    expect(diagnoseTraffic(chain, telemetry)).toEqual([]);
  });

  it('gives the 503s of requests that reached no pod to the subset without ready pods', () => {
    const chain = resolve(
      'broken-subset',
      'backstage.io/kubernetes-id=ratings',
    );
    const host = chain.routes[0].destinations[0].fqdn;
    const telemetry = chainTraffic(chain, {
      measuredAt: '2026-11-25T12:00:00Z',
      windowSeconds: 60,
      requests: [
        request({
          destinationService: host,
          destinationWorkload: 'ratings-v1',
          destinationWorkloadNamespace: chain.deployments[0].ref.namespace!,
          rps: 8,
        }),
        request({
          destinationService: host,
          responseCode: '503',
          responseFlags: 'UH',
          rps: 2,
        }),
      ],
      latency: [],
      autoscalers: [],
    });
    const [v1, v3] = telemetry.routes[0].destinations;
    expect(v1).toMatchObject({
      subset: 'v1',
      share: 80,
      errors5xx: 0,
      health: 'healthy',
    });
    expect(v3).toMatchObject({
      subset: 'v3',
      share: 20,
      errors5xx: 100,
      health: 'failure',
    });
    expect(v3.responses).toEqual([{ code: '503', flags: 'UH', rps: 2 }]);
    expect(telemetry.routes[0].errors5xx).toBe(20);
    const codes = diagnoseTraffic(chain, telemetry).map(d => d.code);
    expect(codes).toEqual(['MESH-7002']);
  });
});

describe('histogramQuantile', () => {
  it('interpolates inside the bucket as PromQL does', () => {
    const buckets = [
      { le: 10, count: 50 },
      { le: 50, count: 90 },
      { le: 100, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBe(10);
    expect(histogramQuantile(0.7, buckets)).toBe(30);
    expect(histogramQuantile(0.95, buckets)).toBe(75);
    expect(
      histogramQuantile(0.5, [
        { le: Infinity, count: 0 },
        { le: 1, count: 0 },
      ]),
    ).toBeUndefined();
  });
});
