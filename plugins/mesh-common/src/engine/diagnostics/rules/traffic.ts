/*
 * Traffic rules: what only the requests show, from the figures of the
 * chain's telemetry (`ChainTelemetry`). Without telemetry they stay quiet.
 * Each reads the chain as JSON, so the backend can run them over a chain it
 * already resolved whenever new figures arrive (`diagnoseTraffic`).
 */
import type {
  ChainTelemetry,
  Diagnostic,
  RouteInfo,
  RouteTraffic,
  TrafficResponse,
} from '../../../types';
import type { TrafficChain } from '../../../telemetry/chainTraffic';
import { diag, DiagnosticRule, name } from '../DiagnosticRule';

/** What a traffic rule reads. @public */
export interface TrafficRuleInput {
  chain: Pick<TrafficChain, 'routes' | 'hpas'>;
  telemetry: ChainTelemetry;
}

/** A traffic rule: a catalogue code checked over the figures. @public */
export interface TrafficRule {
  code: string;
  check(input: TrafficRuleInput): Diagnostic[];
}

/** Envoy's response flags in plain words. */
const FLAGS: Record<string, string> = {
  UH: 'no healthy upstream',
  NC: 'no such cluster',
  UF: 'upstream connection failure',
  URX: 'retry limit exceeded',
  UT: 'upstream timeout',
  NR: 'no route',
  FI: 'injected fault',
  DI: 'injected delay',
  UO: 'circuit breaker overflow',
  UC: 'upstream connection termination',
  DC: 'downstream connection termination',
  LR: 'local reset',
};

/** `503 UH (no healthy upstream)`. @public */
export function describeResponse(r: TrafficResponse): string {
  const flags = r.flags && r.flags !== '-' ? r.flags.split(',') : [];
  const words = flags.map(f => FLAGS[f]).filter(Boolean);
  return `${r.code}${flags.length ? ` ${flags.join(',')}` : ''}${
    words.length ? ` (${words.join(', ')})` : ''
  }`;
}

const pct = (n: number) => `${Math.round(n * 10) / 10}%`;
const rate = (n: number) => `${Math.round(n * 100) / 100} rps`;

function routeLabel(route: RouteInfo): string {
  return `${name(route.source)} ${route.protocol}[${route.index}]${
    route.name ? ` "${route.name}"` : ''
  }`;
}

function failures(t: { responses: TrafficResponse[] }): TrafficResponse[] {
  return t.responses.filter(
    r => r.code.startsWith('5') || r.code.startsWith('4') || r.code === '0',
  );
}

function withRoutes(
  input: TrafficRuleInput,
  fn: (route: RouteInfo, traffic: RouteTraffic) => Diagnostic[],
): Diagnostic[] {
  const byId = new Map(input.chain.routes.map(r => [r.id, r]));
  return input.telemetry.routes.flatMap(t => {
    const route = byId.get(t.routeId);
    return route ? fn(route, t) : [];
  });
}

/** MESH-7001: the observed split is far from the configured weights. */
export const observedSplitOff: TrafficRule = {
  code: 'MESH-7001',
  check: input =>
    withRoutes(input, (route, t) => {
      if (t.destinations.length < 2 || !(t.rps > 0)) return [];
      const requests = t.rps * input.telemetry.windowSeconds;
      const off = t.destinations.filter(d => {
        const w = d.weight / 100;
        const sigma = Math.sqrt((w * (1 - w)) / Math.max(1, requests));
        return (
          Math.abs(d.share - d.weight) > 10 &&
          Math.abs(d.share / 100 - w) > 3 * sigma
        );
      });
      if (off.length === 0) return [];
      return [
        diag(
          'MESH-7001',
          `${routeLabel(route)} is configured ${t.destinations
            .map(d => `${d.weight}% to ${d.subset ?? d.fqdn}`)
            .join(', ')}, but served ${t.destinations
            .map(d => `${pct(d.share)} to ${d.subset ?? d.fqdn}`)
            .join(', ')} of ${rate(t.rps)}.`,
          [route.source],
        ),
      ];
    }),
};

/** MESH-7002: a route (or one destination) fails above its tolerance. */
export const routeFailing: TrafficRule = {
  code: 'MESH-7002',
  check: input =>
    withRoutes(input, (route, t) => {
      const failing = t.destinations.filter(d => d.health === 'failure');
      if (t.health !== 'failure' && failing.length === 0) return [];
      const parts = failing.map(
        d =>
          `${d.subset ? `subset ${d.subset} of ` : ''}${d.fqdn} (${pct(
            d.share,
          )} of the requests) fails ${pct(
            d.errors5xx + d.errors4xx,
          )}: ${failures(d)
            .map(r => `${describeResponse(r)} ${rate(r.rps)}`)
            .join(', ')}`,
      );
      return [
        diag(
          'MESH-7002',
          `${pct(t.errors5xx)} 5xx and ${pct(t.errors4xx)} 4xx of ${rate(
            t.rps,
          )} on ${routeLabel(route)}${
            parts.length ? `; ${parts.join('; ')}` : ''
          }.`,
          [route.source],
        ),
      ];
    }),
};

/** MESH-7003: requests arrive for a host no route serves (404 NR). */
export const unroutedHost: TrafficRule = {
  code: 'MESH-7003',
  check: input =>
    input.telemetry.unrouted.map(u =>
      diag(
        'MESH-7003',
        `${rate(u.rps)} arrive for ${u.host}${
          u.source ? ` (a host of ${name(u.source)})` : ''
        } and the ingress gateway answers 404 NR (no route).`,
        u.source ? [u.source] : [],
      ),
    ),
};

/** MESH-7004: an autoscaler at its maximum with its metric above target. */
export const autoscalerPinnedAboveTarget: TrafficRule = {
  code: 'MESH-7004',
  check: input =>
    input.telemetry.autoscalers.flatMap(a => {
      if (
        a.maxReplicas === undefined ||
        a.currentReplicas === undefined ||
        a.currentReplicas < a.maxReplicas
      ) {
        return [];
      }
      const hot = a.metrics.filter(
        m =>
          m.current !== undefined &&
          m.target !== undefined &&
          m.target > 0 &&
          m.current > m.target * 1.1,
      );
      if (hot.length === 0) return [];
      return [
        diag(
          'MESH-7004',
          `${name(a.ref)} runs ${
            a.currentReplicas
          } replicas, its maximum, while ${hot
            .map(
              m =>
                `${m.name} is ${m.current}${
                  m.targetType === 'utilization' ? '%' : ''
                } against a target of ${m.target}${
                  m.targetType === 'utilization' ? '%' : ''
                }`,
            )
            .join(' and ')}.`,
          [a.ref],
          { path: 'spec.maxReplicas' },
        ),
      ];
    }),
};

/** Every traffic rule. @public */
export const TRAFFIC_RULES: readonly TrafficRule[] = [
  observedSplitOff,
  routeFailing,
  unroutedHost,
  autoscalerPinnedAboveTarget,
];

/**
 * A traffic rule in the rule table: quiet without telemetry, otherwise
 * checked over the resolved chain's JSON.
 */
export function tableRule(rule: TrafficRule): DiagnosticRule {
  return {
    code: rule.code,
    check: ctx =>
      ctx.telemetry
        ? rule.check({
            chain: { routes: ctx.routes, hpas: ctx.hpas.map(h => h.info) },
            telemetry: ctx.telemetry,
          })
        : [],
  };
}

/**
 * The traffic diagnostics of a resolved chain and its figures: the traffic
 * rules of the table, without resolving the chain again.
 *
 * @public
 */
export function diagnoseTraffic(
  chain: TrafficRuleInput['chain'],
  telemetry: ChainTelemetry,
): Diagnostic[] {
  return TRAFFIC_RULES.flatMap(rule => rule.check({ chain, telemetry }));
}
