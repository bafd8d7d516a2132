/*
 * One cluster's traffic, asked of its Prometheus: one set of instant
 * queries every `refreshInterval` while anyone follows a chain in the
 * cluster (none otherwise), and range queries per chart window, cached for
 * a step. Page views read what is there; they never query.
 */
import type {
  AutoscalerSample,
  ClusterTrafficSamples,
} from '@mesh-chain/plugin-mesh-common';
import {
  PrometheusClient,
  PrometheusError,
  RangeSeries,
} from './PrometheusClient';
import {
  autoscalerSample,
  instantQueries,
  latencySample,
  rangeQueries,
  requestSample,
} from './queries';
import type { PrometheusTarget, TelemetrySettings } from './settings';

/** What the last refresh of a cluster gave. */
export interface ClusterTrafficState {
  samples?: ClusterTrafficSamples;
  /** Why the last refresh failed (safe to show). */
  error?: string;
  /** Increases with every refresh that finished. */
  revision: number;
}

/** The range series of a chart window. */
export interface ClusterHistory {
  windowSeconds: number;
  stepSeconds: number;
  start: number;
  end: number;
  requests: RangeSeries[];
  p95: RangeSeries[];
  autoscalers: RangeSeries[];
  error?: string;
}

/** About 60 points per chart. */
export function stepFor(windowSeconds: number): number {
  return Math.max(5, Math.round(windowSeconds / 60));
}

export class ClusterTelemetry {
  readonly client: PrometheusClient;
  state: ClusterTrafficState = { revision: 0 };
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastInterest = 0;
  private readonly histories = new Map<
    number,
    { at: number; value: Promise<ClusterHistory> }
  >();

  constructor(
    readonly cluster: string,
    readonly target: PrometheusTarget,
    private readonly settings: TelemetrySettings,
    private readonly interestWindowMs: number,
    private readonly onRefreshed: (cluster: string) => void,
    private readonly log: (message: string) => void,
  ) {
    this.client = new PrometheusClient(target, settings.queryTimeoutMs);
  }

  /** Someone follows a chain here: keep refreshing; start now if idle. */
  interested(now = Date.now()) {
    this.lastInterest = now;
    if (!this.timer && !this.running) {
      this.refreshNow();
    }
  }

  refreshNow(): Promise<void> {
    if (this.running) return this.running;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.refresh()
      .catch(error =>
        this.log(
          `mesh: telemetry of cluster '${this.cluster}' failed: ${error}`,
        ),
      )
      .finally(() => {
        this.running = undefined;
        this.onRefreshed(this.cluster);
        this.schedule();
      });
    return this.running;
  }

  private schedule() {
    if (this.stopped) return;
    if (Date.now() - this.lastInterest > this.interestWindowMs) return;
    this.timer = setTimeout(() => this.refreshNow(), this.settings.refreshMs);
    this.timer.unref?.();
  }

  private stopped = false;

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async refresh() {
    const window = this.settings.rateWindowSeconds;
    const q = instantQueries(this.target.queryScope, window);
    const time = Date.now() / 1000;
    try {
      const [requests, latency, autoscalers] = await Promise.all([
        this.client.instant(q.requests, time),
        this.client.instant(q.latency, time),
        this.client.instant(q.autoscalers, time),
      ]);
      this.state = {
        revision: this.state.revision + 1,
        samples: {
          measuredAt: new Date(time * 1000).toISOString(),
          windowSeconds: window,
          requests: requests
            .filter(s => Number.isFinite(s.value))
            .map(s => requestSample(s.metric, s.value)),
          latency: latency
            .filter(s => Number.isFinite(s.value))
            .map(latencySample),
          autoscalers: autoscalers
            .map(s => autoscalerSample(s.metric, s.value))
            .filter((s): s is AutoscalerSample => !!s),
        },
      };
    } catch (error) {
      const message =
        error instanceof PrometheusError
          ? error.message
          : 'Prometheus answered something that could not be read';
      if (!(error instanceof PrometheusError)) this.log(`mesh: ${error}`);
      this.state = { revision: this.state.revision + 1, error: message };
    }
  }

  /**
   * The range series of a window, at most one query set per step: a
   * second page asking within the step shares the first one's answer.
   */
  history(windowSeconds: number, now = Date.now()): Promise<ClusterHistory> {
    const step = stepFor(windowSeconds);
    const cached = this.histories.get(windowSeconds);
    if (cached && now - cached.at < step * 1000) return cached.value;
    const end = Math.floor(now / 1000);
    const start = end - windowSeconds;
    const q = rangeQueries(
      this.target.queryScope,
      this.settings.rateWindowSeconds,
    );
    const value = Promise.all([
      this.client.range(q.requests, start, end, step),
      this.client.range(q.p95, start, end, step),
      this.client.range(q.autoscalers, start, end, step),
    ]).then(
      ([requests, p95, autoscalers]) => ({
        windowSeconds,
        stepSeconds: step,
        start,
        end,
        requests,
        p95,
        autoscalers,
      }),
      error => ({
        windowSeconds,
        stepSeconds: step,
        start,
        end,
        requests: [],
        p95: [],
        autoscalers: [],
        error:
          error instanceof PrometheusError
            ? error.message
            : 'Prometheus answered something that could not be read',
      }),
    );
    this.histories.set(windowSeconds, { at: now, value });
    return value;
  }
}
