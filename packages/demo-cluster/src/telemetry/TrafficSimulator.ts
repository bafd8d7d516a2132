/*
 * Istio's standard metrics of the demo cluster, as the ingress gateway and
 * the sidecars would report them: istio_requests_total and
 * istio_request_duration_milliseconds, grown by the flows of the traffic
 * plan for the real time elapsed since the last scrape (traffic is in real
 * requests per second, whatever the time scale of the controllers). Work is
 * done only when scraped. Counters start at zero with the process, as a
 * restarted proxy's do.
 */
import {
  ClusterSnapshot,
  MemorySnapshot,
  WATCHED_KINDS,
} from '@mesh-chain/plugin-mesh-common';
import { findByKind } from '../api/resources';
import type { Store } from '../store/Store';
import { rpsAt } from '../controllers/load';
import { formatExposition, MetricFamily } from './exposition';
import { kubeStateMetrics } from './kubeStateMetrics';
import { ISTIO_DURATION_BUCKETS, latencyCdf } from './latency';
import { istioLabelsOf, Reporter, reportersOf } from './istioSeries';
import { Flow, planTraffic } from './trafficPlan';

/** How long a plan is used before the load curves are read again. */
const PLAN_MAX_AGE_MS = 10_000;

interface Histogram {
  labels: Record<string, string>;
  buckets: number[];
  sum: number;
  count: number;
}

/** A read-only snapshot of the store's watched kinds, for the chain engine. */
function snapshotOf(store: Store, clusterName: string): ClusterSnapshot {
  const objects = (
    Object.values(WATCHED_KINDS) as Array<{
      group: string;
      version: string;
      kind: string;
    }>
  ).flatMap(k => {
    const type = findByKind(
      k.group ? `${k.group}/${k.version}` : k.version,
      k.kind,
    );
    return type ? store.list(type) : [];
  });
  return MemorySnapshot.fromObjects(objects as any, {
    clusterName,
    source: 'direct',
  });
}

/** The demo cluster's Istio traffic and kube-state-metrics. */
export class TrafficSimulator {
  private readonly counters = new Map<
    string,
    { labels: Record<string, string>; value: number }
  >();
  private readonly histograms = new Map<string, Histogram>();
  private last = Date.now();
  private plan?: { flows: Flow[]; revision: number; at: number };
  /** CPU time spent producing metrics, milliseconds (for the README's figures). */
  cpuMs = 0;

  constructor(
    private readonly store: Store,
    private readonly clusterName: string,
    private readonly timeScale: number,
  ) {}

  private rpsOf(flow: Flow, at: number): number {
    const simulated = (at / 1000) * this.timeScale;
    return (
      flow.loads.reduce((n, l) => n + rpsAt(l, simulated), 0) * flow.fraction
    );
  }

  private currentPlan(at: number): Flow[] {
    const revision = this.store.resourceVersion;
    if (
      !this.plan ||
      this.plan.revision !== revision ||
      at - this.plan.at > PLAN_MAX_AGE_MS
    ) {
      const snapshot = snapshotOf(this.store, this.clusterName);
      this.plan = {
        flows: planTraffic(snapshot, this.clusterName, f => this.rpsOf(f, at)),
        revision,
        at,
      };
    }
    return this.plan.flows;
  }

  private add(flow: Flow, reporter: Reporter, count: number) {
    const base = istioLabelsOf(flow, reporter, this.clusterName);
    const labels = {
      ...base,
      response_code: flow.code,
      response_flags: flow.flags,
    };
    const key = JSON.stringify(labels);
    const counter = this.counters.get(key) ?? { labels, value: 0 };
    counter.value += count;
    this.counters.set(key, counter);
    const histogram = this.histograms.get(key) ?? {
      labels,
      buckets: ISTIO_DURATION_BUCKETS.map(() => 0),
      sum: 0,
      count: 0,
    };
    ISTIO_DURATION_BUCKETS.forEach((le, i) => {
      histogram.buckets[i] += count * latencyCdf(flow.latency, le);
    });
    const mean = flow.latency.medianMs * Math.exp(flow.latency.sigma ** 2 / 2);
    histogram.sum += count * mean;
    histogram.count += count;
    this.histograms.set(key, histogram);
  }

  /** Counts the requests of the time since the last call. */
  advance(at = Date.now()) {
    const seconds = Math.max(0, (at - this.last) / 1000);
    this.last = at;
    if (seconds === 0) return;
    for (const flow of this.currentPlan(at)) {
      const count = this.rpsOf(flow, at) * seconds;
      if (!(count > 0)) continue;
      for (const reporter of reportersOf(flow)) {
        this.add(flow, reporter, count);
      }
    }
  }

  /** Istio's families (counters as whole requests, as Envoy counts). */
  istioMetrics(): MetricFamily[] {
    const requests: MetricFamily = {
      name: 'istio_requests_total',
      help: 'Total requests.',
      type: 'counter',
      samples: [...this.counters.values()].map(c => ({
        labels: c.labels,
        value: Math.floor(c.value),
      })),
    };
    const duration: MetricFamily = {
      name: 'istio_request_duration_milliseconds',
      help: 'Request duration in milliseconds.',
      type: 'histogram',
      samples: [...this.histograms.values()].flatMap(h => [
        ...ISTIO_DURATION_BUCKETS.map((le, i) => ({
          suffix: '_bucket',
          labels: { ...h.labels, le: String(le) },
          value: Math.floor(h.buckets[i]),
        })),
        {
          suffix: '_bucket',
          labels: { ...h.labels, le: '+Inf' },
          value: Math.floor(h.count),
        },
        {
          suffix: '_sum',
          labels: h.labels,
          value: Math.round(h.sum * 1000) / 1000,
        },
        { suffix: '_count', labels: h.labels, value: Math.floor(h.count) },
      ]),
    };
    return [requests, duration];
  }

  /** The whole exposition: Istio's metrics and kube-state-metrics. */
  scrape(): string {
    const started = process.cpuUsage();
    this.advance();
    const text = formatExposition([
      ...this.istioMetrics(),
      ...kubeStateMetrics(this.store),
    ]);
    const used = process.cpuUsage(started);
    this.cpuMs += (used.user + used.system) / 1000;
    return text;
  }
}
