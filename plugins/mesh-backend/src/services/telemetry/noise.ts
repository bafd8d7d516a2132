/*
 * When new figures are worth a live update. Rates move a little on every
 * refresh (Poisson noise, scrape timing); pushing each would send every
 * open page an update every 15 s. The figures a page was last pushed are
 * compared with the new ones:
 *
 * - `health`: the telemetry state, a traffic health (of a route, a
 *   destination or an object of the picture) or the set of traffic
 *   diagnostics changed: pushed at the next refresh;
 * - `figures`: a rate moved by more than 25% (and 0.5 rps), an error
 *   percentage by more than 2 points, an observed share by more than 3
 *   points, a p95 latency by more than 30% (and 5 ms), requests for an
 *   unrouted host or an autoscaler's replicas changed: pushed, at most once
 *   per `mesh.telemetry.minPushInterval` (30 s) per entity;
 * - otherwise nothing: the page keeps what it shows, and shows the new
 *   figures on its next fetch.
 */
import type {
  ChainTelemetry,
  TrafficFigures,
} from '@mesh-chain/plugin-mesh-common';

/** How much two telemetries of a chain differ. */
export type TelemetryChange = 'health' | 'figures' | undefined;

function rateMoved(a: number, b: number): boolean {
  return Math.abs(a - b) > 0.5 && Math.abs(a - b) > 0.25 * Math.max(a, b);
}

function figuresMoved(a: TrafficFigures, b: TrafficFigures): boolean {
  const p95a = a.latencyMs?.p95 ?? 0;
  const p95b = b.latencyMs?.p95 ?? 0;
  return (
    rateMoved(a.rps, b.rps) ||
    Math.abs(a.errors5xx - b.errors5xx) > 2 ||
    Math.abs(a.errors4xx - b.errors4xx) > 2 ||
    (Math.abs(p95a - p95b) > 5 &&
      Math.abs(p95a - p95b) > 0.3 * Math.max(p95a, p95b))
  );
}

function healthKey(t: ChainTelemetry): string {
  return JSON.stringify([
    t.state,
    t.message ?? '',
    Object.entries(t.health).sort(),
    t.routes.map(r => [r.routeId, r.health, r.destinations.map(d => d.health)]),
    t.diagnostics
      .map(d => `${d.code}|${d.resources.map(r => r.name).join()}`)
      .sort(),
  ]);
}

/** Whether `next` differs from `shown` beyond noise, and how. */
export function telemetryChange(
  shown: ChainTelemetry,
  next: ChainTelemetry,
): TelemetryChange {
  if (healthKey(shown) !== healthKey(next)) return 'health';
  const before = new Map(shown.routes.map(r => [r.routeId, r]));
  for (const r of next.routes) {
    const b = before.get(r.routeId);
    if (!b || figuresMoved(b, r)) return 'figures';
    for (const [i, d] of r.destinations.entries()) {
      const bd = b.destinations[i];
      if (!bd || figuresMoved(bd, d) || Math.abs(bd.share - d.share) > 3) {
        return 'figures';
      }
    }
  }
  const unrouted = (t: ChainTelemetry) =>
    new Map(t.unrouted.map(u => [u.host, u.rps]));
  const ub = unrouted(shown);
  for (const [host, rps] of unrouted(next)) {
    if (!ub.has(host) || rateMoved(ub.get(host)!, rps)) return 'figures';
  }
  const replicas = (t: ChainTelemetry) =>
    JSON.stringify(
      t.autoscalers.map(a => [
        a.ref.name,
        a.currentReplicas,
        a.desiredReplicas,
      ]),
    );
  if (replicas(shown) !== replicas(next)) return 'figures';
  return undefined;
}
