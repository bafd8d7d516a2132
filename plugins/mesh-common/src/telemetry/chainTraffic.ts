/*
 * The traffic of one chain from a cluster's samples: which series belong to
 * which route destination (by the pods the destination's Service and subset
 * select, and their Deployments), each request counted once, the observed
 * share beside the configured weight, errors, latency and health with
 * Kiali's tolerances. Pure; the backend filters one round of queries per
 * cluster through it for every chain it follows.
 */
import type {
  AutoscalerTraffic,
  ChainTelemetry,
  ClusterChain,
  DestinationTraffic,
  RouteDestination,
  RouteInfo,
  RouteTraffic,
  TrafficFigures,
  TrafficHealth,
  TrafficTolerance,
  UnroutedTraffic,
} from '../types';
import { objectKey } from '../types';
import {
  matchLabelsMatch,
  serviceSelectorMatches,
} from '../engine/kube/labelSelector';
import { normalizeGatewayRef } from '../routing/hosts';
import { histogramQuantile } from './quantile';
import {
  ClusterTrafficSamples,
  LatencyBucketSample,
  RequestSample,
} from './samples';
import {
  TrafficSampleIndex,
  trafficSampleIndex,
  workloadKey,
} from './sampleIndex';

/** Kiali's default tolerances. @public */
export const DEFAULT_TRAFFIC_TOLERANCES: readonly TrafficTolerance[] = [
  { code: '5xx', degraded: 0, failure: 10 },
  { code: '4xx', degraded: 10, failure: 20 },
];

/** The parts of a chain its traffic is matched to. @public */
export type TrafficChain = Pick<
  ClusterChain,
  | 'routes'
  | 'destinationRules'
  | 'services'
  | 'deployments'
  | 'hpas'
  | 'pods'
  | 'gateways'
  | 'virtualServices'
  | 'httpRoutes'
>;

const HEALTH_ORDER: TrafficHealth[] = [
  'idle',
  'healthy',
  'degraded',
  'failure',
];

/** The worse of two traffic healths (idle is the least). @public */
export function worseTrafficHealth(
  a: TrafficHealth,
  b: TrafficHealth,
): TrafficHealth {
  return HEALTH_ORDER.indexOf(a) >= HEALTH_ORDER.indexOf(b) ? a : b;
}

/** Health from error percentages with the tolerances. @public */
export function trafficHealthOf(
  figures: Pick<TrafficFigures, 'rps' | 'errors5xx' | 'errors4xx'>,
  tolerances: readonly TrafficTolerance[] = DEFAULT_TRAFFIC_TOLERANCES,
): TrafficHealth {
  if (!(figures.rps > 0)) return 'idle';
  let health: TrafficHealth = 'healthy';
  for (const t of tolerances) {
    const pct = t.code === '5xx' ? figures.errors5xx : figures.errors4xx;
    if (pct > t.failure) health = worseTrafficHealth(health, 'failure');
    else if (pct > t.degraded) health = worseTrafficHealth(health, 'degraded');
  }
  return health;
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Figures of a set of request and latency series. @public */
export function figuresOf(
  requests: readonly RequestSample[],
  latency: readonly LatencyBucketSample[],
  tolerances: readonly TrafficTolerance[],
): TrafficFigures {
  let rps = 0;
  let e5 = 0;
  let e4 = 0;
  const byResponse = new Map<
    string,
    { code: string; flags: string; rps: number }
  >();
  for (const s of requests) {
    rps += s.rps;
    if (s.responseCode.startsWith('5')) e5 += s.rps;
    else if (s.responseCode.startsWith('4')) e4 += s.rps;
    const key = `${s.responseCode}|${s.responseFlags}`;
    const r = byResponse.get(key) ?? {
      code: s.responseCode,
      flags: s.responseFlags,
      rps: 0,
    };
    r.rps += s.rps;
    byResponse.set(key, r);
  }
  const buckets = new Map<number, number>();
  for (const b of latency) {
    buckets.set(b.le, (buckets.get(b.le) ?? 0) + b.rps);
  }
  const cumulative = [...buckets].map(([le, count]) => ({ le, count }));
  const p = (q: number) => {
    const v = histogramQuantile(q, cumulative);
    return v === undefined ? undefined : round(v, 1);
  };
  const figures: TrafficFigures = {
    rps: round(rps),
    errors5xx: rps > 0 ? round((e5 / rps) * 100, 2) : 0,
    errors4xx: rps > 0 ? round((e4 / rps) * 100, 2) : 0,
    responses: [...byResponse.values()]
      .map(r => ({ ...r, rps: round(r.rps) }))
      .filter(r => r.rps > 0)
      .sort((a, b) => b.rps - a.rps),
    health: 'idle',
  };
  if (rps > 0 && cumulative.length > 0) {
    const latencyMs = { p50: p(0.5), p95: p(0.95), p99: p(0.99) };
    if (latencyMs.p50 !== undefined) figures.latencyMs = latencyMs;
  }
  figures.health = trafficHealthOf(figures, tolerances);
  return figures;
}

/** The series of one destination of a route. */
interface Matched {
  requests: RequestSample[];
  latency: LatencyBucketSample[];
}

/**
 * The workloads (Deployment names) whose pods a route destination reaches:
 * the pods its Service selects that carry its subset's labels.
 *
 * @public
 */
export function destinationWorkloads(
  chain: Pick<TrafficChain, 'services' | 'destinationRules' | 'pods'>,
  d: RouteDestination,
): Set<string> {
  const svc = d.service
    ? chain.services.find(s => objectKey(s.ref) === objectKey(d.service!))
    : undefined;
  if (!svc) return new Set();
  const subset = d.subset
    ? chain.destinationRules
        .find(
          r =>
            d.destinationRule &&
            objectKey(r.ref) === objectKey(d.destinationRule),
        )
        ?.subsets.find(s => s.name === d.subset)
    : undefined;
  if (d.subset && !subset) return new Set();
  const out = new Set<string>();
  for (const pod of chain.pods) {
    if (
      pod.ref.namespace === svc.ref.namespace &&
      serviceSelectorMatches(svc.selector, pod.labels) &&
      matchLabelsMatch(subset?.labels, pod.labels)
    ) {
      out.add(pod.owner?.name ?? pod.ref.name);
    }
  }
  return out;
}

/** Whether a destination has no ready pod to send to. */
function isDead(chain: TrafficChain, d: RouteDestination): boolean {
  const svc = d.service
    ? chain.services.find(s => objectKey(s.ref) === objectKey(d.service!))
    : undefined;
  if (!d.service) return true;
  if (!svc) return false;
  if (!d.subset) return svc.readyPods === 0;
  const dr = chain.destinationRules.find(
    r => d.destinationRule && objectKey(r.ref) === objectKey(d.destinationRule),
  );
  const subset = dr?.subsets.find(s => s.name === d.subset);
  return !subset || subset.readyPodCount === 0;
}

const isUnknownWorkload = (w: string) => w === 'unknown' || w === '';

/**
 * The series of each destination of a route: known workloads by the pods
 * the destination selects; requests that reached no pod (`unknown`
 * workload: 503 UH, NC, faults) to the destinations of that host with no
 * ready pod, or, when every one has pods, to all by weight.
 */
function matchRoute(
  chain: TrafficChain,
  route: RouteInfo,
  samples: TrafficSampleIndex,
): Matched[] {
  const dests = route.destinations;
  const workloads = dests.map(d => destinationWorkloads(chain, d));
  const dead = dests.map(d => isDead(chain, d));
  const totalWeight = (fqdn: string, onlyDead: boolean) =>
    dests
      .filter((d, i) => d.fqdn === fqdn && (!onlyDead || dead[i]))
      .reduce((n, d) => n + (d.weight || 0), 0);
  return dests.map((d, i) => {
    const anyDead = dests.some((x, j) => x.fqdn === d.fqdn && dead[j]);
    const share = (d.weight || 0) / (totalWeight(d.fqdn, anyDead) || 1);
    const unknownShare = !anyDead || dead[i] ? share : 0;
    const pick = <
      T extends {
        destinationService: string;
        destinationWorkload: string;
        rps: number;
      },
    >(
      list: readonly T[] = [],
    ): T[] =>
      list.flatMap(s => {
        if (isUnknownWorkload(s.destinationWorkload)) {
          return unknownShare > 0 ? [{ ...s, rps: s.rps * unknownShare }] : [];
        }
        return workloads[i].has(s.destinationWorkload) ? [s] : [];
      });
    return {
      requests: pick(samples.requestsByService.get(d.fqdn)),
      latency: pick(samples.latencyByService.get(d.fqdn)),
    };
  });
}

function routeTraffic(
  chain: TrafficChain,
  route: RouteInfo,
  samples: TrafficSampleIndex,
  tolerances: readonly TrafficTolerance[],
): RouteTraffic {
  const matched = matchRoute(chain, route, samples);
  const total = figuresOf(
    matched.flatMap(m => m.requests),
    matched.flatMap(m => m.latency),
    tolerances,
  );
  const destinations: DestinationTraffic[] = route.destinations.map((d, i) => {
    const f = figuresOf(matched[i].requests, matched[i].latency, tolerances);
    return {
      fqdn: d.fqdn,
      ...(d.subset && { subset: d.subset }),
      weight: d.weight,
      share: total.rps > 0 ? round((f.rps / total.rps) * 100, 1) : 0,
      ...f,
    };
  });
  return { routeId: route.id, ...total, destinations };
}

/** Hosts of routes bound to a gateway (not `mesh`), lower case. */
function externalHosts(chain: TrafficChain) {
  const out = new Map<string, RouteInfo['source']>();
  for (const r of chain.routes) {
    if (r.gateways.some(g => g !== 'mesh')) {
      for (const h of r.hosts) out.set(h.toLowerCase(), r.source);
    }
  }
  return out;
}

function unroutedTraffic(
  chain: TrafficChain,
  samples: TrafficSampleIndex,
): UnroutedTraffic[] {
  const out: UnroutedTraffic[] = [];
  for (const [host, source] of externalHosts(chain)) {
    const rps = samples.noRouteByHost.get(host) ?? 0;
    if (rps > 0) out.push({ host, source, rps: round(rps) });
  }
  return out;
}

function autoscalerTraffic(
  chain: TrafficChain,
  samples: TrafficSampleIndex,
): AutoscalerTraffic[] {
  return chain.hpas.flatMap(h => {
    const mine =
      samples.autoscalers.get(workloadKey(h.ref.namespace ?? '', h.ref.name)) ??
      [];
    if (mine.length === 0) return [];
    const one = (field: string) => mine.find(s => s.field === field)?.value;
    const metrics = new Map<string, AutoscalerTraffic['metrics'][number]>();
    for (const s of mine) {
      if (s.field !== 'metric' && s.field !== 'target') continue;
      const key = `${s.metricName}|${s.targetType}`;
      const m = metrics.get(key) ?? {
        name: s.metricName ?? '',
        targetType: s.targetType ?? '',
      };
      if (s.field === 'metric') m.current = round(s.value, 2);
      else m.target = round(s.value, 2);
      metrics.set(key, m);
    }
    const t: AutoscalerTraffic = { ref: h.ref, metrics: [...metrics.values()] };
    const set = (k: keyof AutoscalerTraffic, f: string) => {
      const v = one(f);
      if (v !== undefined) (t as any)[k] = v;
    };
    set('currentReplicas', 'current');
    set('desiredReplicas', 'desired');
    set('minReplicas', 'min');
    set('maxReplicas', 'max');
    return [t];
  });
}

/** Traffic health of the chain's objects, for the chain picture. */
function objectHealth(
  chain: TrafficChain,
  routes: RouteTraffic[],
  unrouted: UnroutedTraffic[],
  samples: TrafficSampleIndex,
  tolerances: readonly TrafficTolerance[],
): Record<string, TrafficHealth> {
  const health: Record<string, TrafficHealth> = {};
  const raise = (key: string, h: TrafficHealth) => {
    health[key] = health[key] ? worseTrafficHealth(health[key], h) : h;
  };
  const byId = new Map(chain.routes.map(r => [r.id, r]));
  for (const rt of routes) {
    const route = byId.get(rt.routeId);
    if (!route) continue;
    raise(objectKey(route.source), rt.health);
    for (const g of chain.gateways) {
      const ns = route.source.namespace ?? '';
      const gwKey = `${g.ref.namespace ?? ''}/${g.ref.name}`;
      if (route.gateways.some(x => normalizeGatewayRef(x, ns) === gwKey)) {
        raise(objectKey(g.ref), rt.health);
      }
    }
    route.destinations.forEach((d, i) => {
      if (d.service) raise(objectKey(d.service), rt.destinations[i].health);
    });
  }
  for (const u of unrouted) {
    if (u.source) raise(objectKey(u.source), 'failure');
  }
  for (const dep of chain.deployments) {
    const mine =
      samples.requestsByWorkload.get(
        workloadKey(dep.ref.namespace ?? '', dep.ref.name),
      ) ?? [];
    raise(objectKey(dep.ref), figuresOf(mine, [], tolerances).health);
  }
  return health;
}

/**
 * The traffic of a chain from one round of a cluster's samples, without
 * diagnostics (see `diagnoseTraffic`).
 *
 * @public
 */
export function chainTraffic(
  chain: TrafficChain,
  samples: ClusterTrafficSamples,
  tolerances: readonly TrafficTolerance[] = DEFAULT_TRAFFIC_TOLERANCES,
): ChainTelemetry {
  const index = trafficSampleIndex(samples);
  const routes = chain.routes
    .filter(r => r.protocol === 'http' && r.destinations.length > 0)
    .map(r => routeTraffic(chain, r, index, tolerances));
  const unrouted = unroutedTraffic(chain, index);
  return {
    state: 'ok',
    measuredAt: samples.measuredAt,
    windowSeconds: samples.windowSeconds,
    tolerances: [...tolerances],
    routes,
    unrouted,
    autoscalers: autoscalerTraffic(chain, index),
    health: objectHealth(chain, routes, unrouted, index, tolerances),
    diagnostics: [],
  };
}
