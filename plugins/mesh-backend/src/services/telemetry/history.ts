/*
 * The charts of a chain: its routes' and destinations' requests, errors and
 * p95 latency, and its autoscalers' replicas and metric, over a window,
 * from the cluster's cached range queries (one query set per cluster,
 * window and step, whatever the number of pages).
 */
import {
  AutoscalerPoint,
  chainTraffic,
  ClusterChain,
  countsOnce,
  destinationWorkloads,
  MeshChainResponse,
  TrafficHistoryResponse,
  TrafficPoint,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster } from '@mesh-chain/plugin-mesh-node';
import type { ClusterHistory } from './ClusterTelemetry';
import { requestSample } from './queries';
import type { TelemetryService } from './TelemetryService';

/** The windows a chart may show, seconds (5 min to 6 h). */
export const MIN_WINDOW_SECONDS = 300;
export const MAX_WINDOW_SECONDS = 21_600;

type ClusterPart = TrafficHistoryResponse['clusters'][number];

function timestamps(h: ClusterHistory): number[] {
  const out: number[] = [];
  for (let t = h.start; t <= h.end; t += h.stepSeconds) out.push(t);
  return out;
}

function p95At(
  h: ClusterHistory,
  t: number,
  match: (m: Record<string, string>) => boolean,
): number | undefined {
  let worst: number | undefined;
  for (const s of h.p95) {
    if (
      !countsOnce({
        reporter: s.metric.reporter ?? '',
        sourceWorkload: s.metric.source_workload ?? '',
      })
    )
      continue;
    if (!match(s.metric)) continue;
    const v = s.values.find(([x]) => x === t)?.[1];
    if (v !== undefined && Number.isFinite(v)) worst = Math.max(worst ?? 0, v);
  }
  return worst === undefined ? undefined : Math.round(worst * 10) / 10;
}

function chainHistory(chain: ClusterChain, h: ClusterHistory): ClusterPart {
  const byTime = new Map<number, ReturnType<typeof requestSample>[]>();
  for (const s of h.requests) {
    for (const [t, v] of s.values) {
      if (!Number.isFinite(v)) continue;
      const list = byTime.get(t) ?? [];
      list.push(requestSample(s.metric, v));
      byTime.set(t, list);
    }
  }
  const times = timestamps(h);
  const routes = chain.routes.filter(
    r => r.protocol === 'http' && r.destinations.length > 0,
  );
  const perTime = times.map(t =>
    chainTraffic(chain, {
      measuredAt: new Date(t * 1000).toISOString(),
      windowSeconds: h.windowSeconds,
      requests: byTime.get(t) ?? [],
      latency: [],
      autoscalers: [],
    }),
  );
  const point = (
    t: number,
    f: { rps: number; errors5xx: number; errors4xx: number },
    p95?: number,
  ): TrafficPoint => ({
    t,
    rps: f.rps,
    errors5xx: f.errors5xx,
    errors4xx: f.errors4xx,
    ...(p95 !== undefined && { p95Ms: p95 }),
  });
  return {
    cluster: chain.cluster.name,
    state: 'ok',
    routes: routes.map(route => {
      const workloads = route.destinations.map(d =>
        destinationWorkloads(chain, d),
      );
      const fqdns = new Set(route.destinations.map(d => d.fqdn));
      const all = new Set(workloads.flatMap(w => [...w]));
      return {
        routeId: route.id,
        points: times.map((t, i) => {
          const f = perTime[i].routes.find(r => r.routeId === route.id)!;
          return point(
            t,
            f,
            p95At(
              h,
              t,
              m =>
                fqdns.has(m.destination_service) &&
                all.has(m.destination_workload),
            ),
          );
        }),
        destinations: route.destinations.map((d, j) => ({
          fqdn: d.fqdn,
          ...(d.subset && { subset: d.subset }),
          points: times.map((t, i) => {
            const f = perTime[i].routes.find(r => r.routeId === route.id)!
              .destinations[j];
            return point(
              t,
              f,
              p95At(
                h,
                t,
                m =>
                  m.destination_service === d.fqdn &&
                  workloads[j].has(m.destination_workload),
              ),
            );
          }),
        })),
      };
    }),
    autoscalers: chain.hpas.map(hpa => {
      const mine = h.autoscalers.filter(
        s =>
          s.metric.namespace === hpa.ref.namespace &&
          s.metric.horizontalpodautoscaler === hpa.ref.name,
      );
      const at = (name: string, t: number, metricOnly = false) => {
        const s = mine.find(
          x =>
            x.metric.__name__ === name &&
            (!metricOnly ||
              x.metric.metric_name ===
                (hpa.metrics[0]?.name ?? x.metric.metric_name)),
        );
        return s?.values.find(([x]) => x === t)?.[1];
      };
      return {
        ref: hpa.ref,
        points: times.map(t => {
          const p: AutoscalerPoint = { t };
          const set = (k: keyof AutoscalerPoint, v: number | undefined) => {
            if (v !== undefined && Number.isFinite(v)) (p as any)[k] = v;
          };
          set(
            'currentReplicas',
            at('kube_horizontalpodautoscaler_status_current_replicas', t),
          );
          set(
            'desiredReplicas',
            at('kube_horizontalpodautoscaler_status_desired_replicas', t),
          );
          set(
            'maxReplicas',
            at('kube_horizontalpodautoscaler_spec_max_replicas', t),
          );
          set(
            'current',
            at('kube_horizontalpodautoscaler_status_target_metric', t, true),
          );
          set(
            'target',
            at('kube_horizontalpodautoscaler_spec_target_metric', t, true),
          );
          return p;
        }),
      };
    }),
  };
}

/** The traffic history of an answer's chains, cluster by cluster. */
export async function trafficHistory(
  telemetry: TelemetryService,
  clusters: MeshCluster[],
  response: MeshChainResponse,
  windowSeconds: number,
): Promise<TrafficHistoryResponse> {
  const byName = new Map(clusters.map(c => [c.name, c]));
  let stepSeconds = 0;
  const parts = await Promise.all(
    response.clusters.map(async (chain): Promise<ClusterPart> => {
      const cluster = byName.get(chain.cluster.name);
      const ct = cluster && telemetry.clusterTelemetry(cluster);
      const none = { cluster: chain.cluster.name, routes: [], autoscalers: [] };
      if (!ct) {
        return {
          ...none,
          state: 'not-configured',
          message: `No Prometheus is configured for cluster '${chain.cluster.name}' (mesh.telemetry)`,
        };
      }
      if (chain.error) {
        return { ...none, state: 'error', message: chain.error.message };
      }
      const h = await ct.history(windowSeconds);
      stepSeconds = h.stepSeconds;
      if (h.error) {
        return {
          ...none,
          state: 'error',
          message: `The Prometheus of cluster '${chain.cluster.name}' could not be asked: ${h.error}`,
        };
      }
      return chainHistory(chain, h);
    }),
  );
  return {
    entityRef: response.entityRef,
    windowSeconds,
    stepSeconds: stepSeconds || Math.max(5, Math.round(windowSeconds / 60)),
    clusters: parts,
  };
}
