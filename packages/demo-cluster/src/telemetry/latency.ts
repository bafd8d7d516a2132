/*
 * The latency model: each destination answers in a log-normal time whose
 * median grows with how busy its pods are (CPU used against the container's
 * limit, from the same synthetic load as the HPA), the way a queue slows
 * as it fills. Istio's default buckets of istio_request_duration_milliseconds.
 */

/** Istio's default buckets (milliseconds). */
export const ISTIO_DURATION_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
  300000, 600000, 1800000, 3600000,
];

/** A log-normal latency: median and spread (sigma of the log). */
export interface Latency {
  medianMs: number;
  sigma: number;
}

/** The median of an idle pod of the demo workloads. */
export const BASE_MEDIAN_MS = 12;

/** What a proxy answers itself in (no route, no upstream, faults). */
export const LOCAL_REPLY: Latency = { medianMs: 0.4, sigma: 0.3 };

/** Error function (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) *
      t +
      0.254829592) *
      t *
      Math.exp(-a * a);
  return sign * y;
}

/** P(latency <= ms). */
export function latencyCdf(l: Latency, ms: number): number {
  if (ms <= 0) return 0;
  if (!Number.isFinite(ms)) return 1;
  const z = (Math.log(ms) - Math.log(l.medianMs)) / (l.sigma * Math.SQRT2);
  return 0.5 * (1 + erf(z));
}

/** The latency of a pod using `utilization` (0..1) of its CPU limit. */
export function podLatency(utilization: number, extraMs = 0): Latency {
  const u = Math.min(0.95, Math.max(0, utilization));
  return { medianMs: BASE_MEDIAN_MS / (1 - u) + extraMs, sigma: 0.45 };
}

/** The same latency, `extraMs` later (a gateway hop, an injected delay). */
export function delayed(l: Latency, extraMs: number): Latency {
  return { medianMs: l.medianMs + extraMs, sigma: l.sigma };
}

/** A duration such as `10s`, `250ms`, `1m` in milliseconds. */
export function durationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2]]!;
  return Number(m[1]) * unit;
}
