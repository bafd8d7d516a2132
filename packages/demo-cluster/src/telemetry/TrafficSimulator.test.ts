import { startDemoCluster, DemoCluster } from '../DemoCluster';

/** `istio_requests_total` of a scrape: labels and value per series. */
function parseRequests(text: string) {
  return text
    .split('\n')
    .filter(l => l.startsWith('istio_requests_total{'))
    .map(l => {
      const [, body, value] = /^istio_requests_total\{(.*)\} (\S+)$/.exec(l)!;
      const labels: Record<string, string> = {};
      for (const m of body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[m[1]] = m[2];
      }
      return { labels, value: Number(value) };
    });
}

function sum(
  series: ReturnType<typeof parseRequests>,
  match: Record<string, string>,
) {
  return series
    .filter(s => Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

describe('the demo cluster traffic', () => {
  let cluster: DemoCluster;
  let series: ReturnType<typeof parseRequests>;
  let text: string;

  beforeAll(async () => {
    cluster = await startDemoCluster({
      scenario: 'dev',
      timeScale: 50,
      metricsPort: 0,
      name: 'dev',
    });
    // Every pod of the scenarios Ready (about 3 simulated seconds).
    await cluster.waitFor(
      async () =>
        (
          await cluster.list('v1', 'Pod')
        ).every(
          p =>
            p.metadata.annotations?.['demo.mesh-chain.dev/simulate'] ||
            p.status?.conditions?.some(
              (c: any) => c.type === 'Ready' && c.status === 'True',
            ),
        ),
      { timeoutMs: 20_000 },
    );
    // What the next two seconds of real time add (counters grow by rps x 2;
    // before the pods were Ready everything failed, as it would).
    const before = new Map(
      parseRequests(await (await fetch(cluster.metricsUrl!)).text()).map(s => [
        JSON.stringify(s.labels),
        s.value,
      ]),
    );
    await new Promise(resolve => setTimeout(resolve, 2000));
    text = await (await fetch(cluster.metricsUrl!)).text();
    series = parseRequests(text).map(s => ({
      ...s,
      value: s.value - (before.get(JSON.stringify(s.labels)) ?? 0),
    }));
  }, 60_000);

  afterAll(() => cluster?.stop());

  const gateway = {
    reporter: 'source',
    source_workload: 'istio-ingressgateway',
  };

  it('splits the canary 90/10 between its versions, as its VirtualService weights it', () => {
    const v1 = sum(series, {
      ...gateway,
      destination_workload: 'checkout-v1',
      response_code: '200',
    });
    const v2 = sum(series, {
      ...gateway,
      destination_workload: 'checkout-v2',
      response_code: '200',
    });
    expect(v1 + v2).toBeGreaterThan(20);
    expect(v2 / (v1 + v2)).toBeGreaterThan(0.07);
    expect(v2 / (v1 + v2)).toBeLessThan(0.13);
    // The sidecars report the same requests as destination.
    expect(
      sum(series, {
        reporter: 'destination',
        destination_workload: 'checkout-v2',
      }),
    ).toBeGreaterThan(0);
  });

  it('answers the share routed to a subset without pods with 503 UH at the gateway', () => {
    const ok = sum(series, {
      ...gateway,
      destination_service: 'payments.finance.svc.cluster.local',
      response_code: '200',
    });
    const uh = sum(series, {
      ...gateway,
      destination_service: 'payments.finance.svc.cluster.local',
      response_code: '503',
      response_flags: 'UH',
    });
    expect(uh / (ok + uh)).toBeGreaterThan(0.15);
    expect(uh / (ok + uh)).toBeLessThan(0.25);
    expect(
      sum(series, {
        reporter: 'destination',
        destination_service: 'payments.finance.svc.cluster.local',
        response_code: '503',
      }),
    ).toBe(0);
  });

  it('fails each broken chain the way Envoy would', () => {
    // reviews routes to a Service that does not exist: no cluster.
    expect(
      sum(series, {
        destination_service: 'reviews-api.shop.svc.cluster.local',
        response_flags: 'NC',
      }),
    ).toBeGreaterThan(0);
    // recommendations is bound to a Gateway that does not exist: no route.
    expect(
      sum(series, {
        destination_service: 'recommendations.demo.example.com',
        response_code: '404',
        response_flags: 'NR',
      }),
    ).toBeGreaterThan(0);
    // notifications' Service selects no pods: no healthy upstream.
    expect(
      sum(series, {
        destination_service: 'notifications.messaging.svc.cluster.local',
        response_flags: 'UH',
      }),
    ).toBeGreaterThan(0);
    // ratings sends to a port nothing listens on: connection failure, retried.
    expect(
      sum(series, {
        destination_service: 'ratings.shop.svc.cluster.local',
        response_flags: 'UF,URX',
      }),
    ).toBeGreaterThan(0);
    // The healthy storefront answers 200 only.
    const storefront = series.filter(
      s => s.labels.destination_service === 'storefront.shop.svc.cluster.local',
    );
    expect(storefront.length).toBeGreaterThan(0);
    expect(
      storefront.filter(s => s.value > 0).map(s => s.labels.response_code),
    ).toEqual(['200', '200']);
  });

  it('serves latency histograms with Istio buckets and kube-state-metrics', () => {
    expect(text).toContain(
      '# TYPE istio_request_duration_milliseconds histogram',
    );
    expect(text).toMatch(
      /istio_request_duration_milliseconds_bucket\{[^}]*destination_workload="search"[^}]*le="25"\} \d+/,
    );
    expect(text).toMatch(
      /kube_horizontalpodautoscaler_spec_max_replicas\{namespace="shop",horizontalpodautoscaler="search"\} 4/,
    );
    expect(text).toMatch(
      /kube_horizontalpodautoscaler_spec_target_metric\{namespace="shop",horizontalpodautoscaler="search",metric_name="cpu",metric_target_type="utilization"\} 60/,
    );
    expect(text).toMatch(
      /kube_deployment_spec_replicas\{namespace="shop",deployment="checkout-v1"\} 3/,
    );
  });
});
