/*
 * Where the demo's requests go: each component's users send it its
 * synthetic load (the sum of its Deployments' `demo.mesh-chain.dev/load`),
 * to the hosts its routes publish, through the ingress gateway (or from
 * inside the mesh, or straight to its Service when it has no route). Where
 * each request lands is decided by the chain engine of mesh-common
 * (resolveClusterChain, simulateRoute), never by a router of our own; this
 * file only turns its answer into flows: shares of the load with the
 * response code, Envoy flags and latency the proxies would report.
 */
import {
  ANNOTATION_KUBERNETES_ID,
  ClusterChain,
  ClusterSnapshot,
  RouteInfo,
  RouteSimulationRequest,
  RouteSimulationResult,
  SimulatedDestination,
  matchLabelsMatch,
  parseQuantity,
  resolveClusterChain,
  simulateRoute,
} from '@mesh-chain/plugin-mesh-common';
import type { KubeObject } from '../types';
import { LoadSpec, loadOf, podUsage } from '../controllers/load';
import {
  Latency,
  LOCAL_REPLY,
  delayed,
  durationMs,
  latencyCdf,
  podLatency,
} from './latency';

/** A workload as the metrics name it. */
interface WorkloadId {
  name: string;
  namespace: string;
  version: string;
}

/** A share of one component's load with one outcome. */
export interface Flow {
  /** The component's offered load (requests per second = sum of rpsAt). */
  loads: LoadSpec[];
  /** The share of that load. */
  fraction: number;
  /** The calling proxy (reports `reporter=source`); none from outside the mesh. */
  source?: { workload: string; namespace: string };
  destination: {
    service: string;
    workload?: WorkloadId;
  };
  code: string;
  flags: string;
  /** Whether a pod's sidecar saw it (reports `reporter=destination`). */
  reachedPod: boolean;
  latency: Latency;
}

const CLUSTER_DOMAIN = 'cluster.local';
const DEFAULT_GATEWAY = {
  workload: 'istio-ingressgateway',
  namespace: 'istio-system',
};

/** The components of the cluster: Deployments grouped by kubernetes-id. */
function components(snapshot: ClusterSnapshot) {
  const groups = new Map<
    string,
    { labelSelector: string; namespace?: string; deployments: KubeObject[] }
  >();
  for (const d of snapshot.list('deployments') as KubeObject[]) {
    if (d.metadata.namespace === 'istio-system') continue;
    const id = d.metadata.labels?.[ANNOTATION_KUBERNETES_ID];
    const match = d.spec?.selector?.matchLabels ?? {};
    const key = id ? `id:${id}` : `${d.metadata.namespace}/${d.metadata.name}`;
    const group = groups.get(key) ?? {
      labelSelector: id
        ? `${ANNOTATION_KUBERNETES_ID}=${id}`
        : Object.entries(match)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
      ...(!id && { namespace: d.metadata.namespace }),
      deployments: [],
    };
    group.deployments.push(d);
    groups.set(key, group);
  }
  return [...groups.values()].filter(g => g.labelSelector);
}

/** How a request enters: one per published host, or straight to Services. */
function entries(chain: ClusterChain): RouteSimulationRequest[] {
  const external = new Set<string>();
  const mesh = new Map<string, string>();
  for (const r of chain.routes) {
    for (const h of r.hosts) {
      if (h.includes('*')) continue;
      if (r.gateways.some(g => g !== 'mesh')) external.add(h);
      else mesh.set(h, r.source.namespace ?? 'default');
    }
  }
  if (external.size > 0) {
    return [...external].map(h => ({ url: `http://${h}/`, from: 'gateway' }));
  }
  return [...mesh].map(([h, ns]) => ({
    url: `http://${h}/`,
    from: 'mesh',
    sourceNamespace: ns,
  }));
}

function serviceParts(fqdn: string) {
  const [name, namespace] = fqdn.split('.');
  return { name: name ?? fqdn, namespace: namespace ?? 'unknown' };
}

/** The Deployment that runs a gateway's pods (Istio's naming otherwise). */
function gatewayWorkload(
  snapshot: ClusterSnapshot,
  chain: ClusterChain,
  result: RouteSimulationResult,
) {
  const gw = result.gateway
    ? chain.gateways.find(
        g =>
          g.ref.name === result.gateway!.ref.name &&
          g.ref.namespace === result.gateway!.ref.namespace,
      )
    : undefined;
  if (!gw) return DEFAULT_GATEWAY;
  if (gw.flavor === 'gateway-api') {
    return {
      workload: `${gw.ref.name}-istio`,
      namespace: gw.ref.namespace ?? 'default',
    };
  }
  const deployment = (snapshot.list('deployments') as KubeObject[]).find(
    d =>
      gw.selector &&
      Object.keys(gw.selector).length > 0 &&
      matchLabelsMatch(gw.selector, d.spec?.template?.metadata?.labels ?? {}),
  );
  return deployment
    ? {
        workload: deployment.metadata.name,
        namespace: deployment.metadata.namespace!,
      }
    : DEFAULT_GATEWAY;
}

/** The workloads behind a destination's ready pods, and their pod counts. */
function workloadsOf(chain: ClusterChain, d: SimulatedDestination) {
  const counts = new Map<string, { id: WorkloadId; pods: number }>();
  for (const podName of d.pods) {
    const pod = chain.pods.find(p => p.ref.name === podName);
    if (!pod) continue;
    const name = pod.owner?.name ?? podName;
    const key = `${pod.ref.namespace}/${name}`;
    const entry = counts.get(key) ?? {
      id: {
        name,
        namespace: pod.ref.namespace ?? 'default',
        version: pod.labels?.version ?? 'unknown',
      },
      pods: 0,
    };
    entry.pods++;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

interface Context {
  loads: LoadSpec[];
  source?: Flow['source'];
  flows: Flow[];
}

function push(
  ctx: Context,
  fraction: number,
  flow: Omit<Flow, 'loads' | 'fraction' | 'source'>,
) {
  if (fraction <= 0) return;
  // Without a calling proxy only the receiving sidecar reports a request.
  if (!ctx.source && !flow.reachedPod) return;
  ctx.flows.push({
    loads: ctx.loads,
    fraction,
    ...(ctx.source && { source: ctx.source }),
    ...flow,
  });
}

/** Whether a route destination's subset is defined by its DestinationRule. */
function subsetDefined(chain: ClusterChain, route: RouteInfo, i: number) {
  const dest = route.destinations[i];
  const rule = dest?.destinationRule;
  return Boolean(
    rule &&
      chain.destinationRules
        .find(
          r => r.ref.namespace === rule.namespace && r.ref.name === rule.name,
        )
        ?.subsets.some(s => s.name === dest.subset),
  );
}

/** The flows of a request that a route sends to its destinations. */
function routeFlows(
  ctx: Context,
  chain: ClusterChain,
  route: RouteInfo,
  result: RouteSimulationResult,
  fraction: number,
) {
  const abort = route.fault?.abortStatus
    ? (route.fault.abortPercent ?? 100) / 100
    : 0;
  push(ctx, fraction * abort, {
    destination: { service: route.destinations[0]?.fqdn ?? 'unknown' },
    code: String(route.fault?.abortStatus ?? 503),
    flags: 'FI',
    reachedPod: false,
    latency: LOCAL_REPLY,
  });
  const rest = fraction * (1 - abort);
  const delayMs = durationMs(route.fault?.delay) ?? 0;
  const delayShare = delayMs > 0 ? (route.fault?.delayPercent ?? 100) / 100 : 0;
  const attempts = 1 + (route.retries?.attempts ?? 0);
  const retryOn = route.retries?.retryOn ?? '';
  const perTryMs = durationMs(route.retries?.perTryTimeout);
  const timeoutMs = durationMs(route.timeout);
  result.destinations.forEach((d, i) => {
    const fqdn = route.destinations[i]?.fqdn ?? d.host;
    const share = rest * (d.weight / 100);
    if (!d.service || (d.subset && !subsetDefined(chain, route, i))) {
      push(ctx, share, {
        destination: { service: fqdn },
        code: '503',
        flags: 'NC',
        reachedPod: false,
        latency: LOCAL_REPLY,
      });
      return;
    }
    if (d.readyPods === 0) {
      push(ctx, share, {
        destination: { service: fqdn },
        code: '503',
        flags: 'UH',
        reachedPod: false,
        latency: LOCAL_REPLY,
      });
      return;
    }
    if (d.portProblem) {
      const retried =
        attempts > 1 && /connect-failure|5xx|gateway-error/.test(retryOn);
      push(ctx, share, {
        destination: { service: fqdn },
        code: '503',
        flags: retried ? 'UF,URX' : 'UF',
        reachedPod: false,
        latency: {
          medianMs: 1 + (retried ? (attempts - 1) * 25 : 0),
          sigma: 0.3,
        },
      });
      return;
    }
    const workloads = workloadsOf(chain, d);
    const pods = workloads.reduce((n, w) => n + w.pods, 0) || 1;
    for (const w of workloads) {
      const part = share * (w.pods / pods);
      for (const [delayedPart, extra, flags] of [
        [1 - delayShare, 0, '-'],
        [delayShare, delayMs, 'DI'],
      ] as const) {
        if (delayedPart <= 0) continue;
        // Latency is filled in once every workload's load is known.
        const base: Latency = { medianMs: extra, sigma: 0 };
        const limitMs = perTryMs ?? timeoutMs;
        ctx.flows.push({
          loads: ctx.loads,
          fraction: part * delayedPart,
          ...(ctx.source && { source: ctx.source }),
          destination: { service: fqdn, workload: w.id },
          code: '200',
          flags,
          reachedPod: true,
          latency: base,
          ...({
            timeout: { limitMs, attempts: perTryMs ? attempts : 1 },
          } as object),
        } as Flow);
      }
    }
  });
}

/** The flows of one component's requests. */
function componentFlows(
  snapshot: ClusterSnapshot,
  clusterName: string,
  group: ReturnType<typeof components>[number],
): Flow[] {
  const loads = group.deployments
    .map(d => loadOf(d))
    .filter(l => (l.rps ?? 0) > 0);
  if (loads.length === 0) return [];
  const resolved = resolveClusterChain(
    snapshot,
    {
      labelSelector: group.labelSelector,
      ...(group.namespace && { namespace: group.namespace }),
    },
    { clusterDomain: CLUSTER_DOMAIN, diagnose: false },
  );
  const chain: ClusterChain = {
    ...resolved,
    cluster: { name: clusterName },
    warnings: [],
    source: 'direct',
    observedAt: snapshot.observedAt,
  };
  const ctx: Context = { loads, flows: [] };
  const requests = entries(chain);
  if (requests.length === 0) {
    // No route: clients call the Services directly (a LoadBalancer, a NodePort).
    const services = chain.services.filter(s => s.readyPods > 0);
    for (const s of services) {
      const d: SimulatedDestination = {
        host: s.fqdn,
        weight: 100,
        service: s.ref,
        pods: chain.pods
          .filter(
            p =>
              p.ready &&
              s.selector &&
              Object.entries(s.selector).every(
                ([k, v]) => p.labels?.[k] === v,
              ) &&
              p.ref.namespace === s.ref.namespace,
          )
          .map(p => p.ref.name),
        readyPods: s.readyPods,
      };
      for (const w of workloadsOf(chain, d)) {
        push(
          ctx,
          (1 / services.length) * (w.pods / Math.max(1, d.pods.length)),
          {
            destination: { service: s.fqdn, workload: w.id },
            code: '200',
            flags: '-',
            reachedPod: true,
            latency: { medianMs: 0, sigma: 0 },
          },
        );
      }
    }
    return ctx.flows;
  }
  for (const request of requests) {
    const fraction = 1 / requests.length;
    const result = simulateRoute(chain, request, {
      clusterDomain: CLUSTER_DOMAIN,
    });
    const host = new URL(request.url).hostname;
    ctx.source =
      request.from === 'gateway'
        ? gatewayWorkload(snapshot, chain, result)
        : undefined;
    const route = chain.routes.find(r => r.id === result.routeId);
    if (!route) {
      // No Gateway server or route takes the host: Envoy's 404 NR.
      push(ctx, fraction, {
        destination: { service: host },
        code: '404',
        flags: 'NR',
        reachedPod: false,
        latency: LOCAL_REPLY,
      });
      continue;
    }
    if (route.redirect || route.directResponse) {
      push(ctx, fraction, {
        destination: { service: host },
        code: String(
          route.directResponse?.status ?? route.redirect?.redirectCode ?? 301,
        ),
        flags: '-',
        reachedPod: false,
        latency: LOCAL_REPLY,
      });
      continue;
    }
    routeFlows(ctx, chain, route, result, fraction);
  }
  return ctx.flows;
}

/** The CPU limit of a Deployment's pods, millicores (1000 when none). */
function cpuLimitMilli(d: KubeObject | undefined): number {
  const containers: any[] = d?.spec?.template?.spec?.containers ?? [];
  const total = containers.reduce((n, c) => {
    const q = c.resources?.limits?.cpu ?? c.resources?.requests?.cpu;
    return n + (q ? (parseQuantity(String(q)) ?? 0) * 1000 : 0);
  }, 0);
  return total > 0 ? total : 1000;
}

/**
 * Gives every flow that reached a pod its latency, from how busy the
 * workload's pods are, and splits off what times out (504 UT).
 */
function withLatency(
  snapshot: ClusterSnapshot,
  flows: Flow[],
  rpsOf: (f: Flow) => number,
): Flow[] {
  const perWorkload = new Map<string, number>();
  const key = (w: WorkloadId) => `${w.namespace}/${w.name}`;
  for (const f of flows) {
    if (f.destination.workload) {
      const k = key(f.destination.workload);
      perWorkload.set(k, (perWorkload.get(k) ?? 0) + rpsOf(f));
    }
  }
  const out: Flow[] = [];
  for (const f of flows) {
    const w = f.destination.workload;
    if (!w || !f.reachedPod) {
      out.push(f);
      continue;
    }
    const deployment = snapshot.get('deployments', w.namespace, w.name) as
      | KubeObject
      | undefined;
    const ready = Math.max(1, deployment?.status?.readyReplicas ?? 1);
    const load = loadOf(deployment);
    const podRps = (perWorkload.get(key(w)) ?? 0) / ready;
    const utilization =
      podUsage(load, podRps).cpuMilli / cpuLimitMilli(deployment);
    const latency = podLatency(utilization, f.latency.medianMs);
    const timeout = (f as any).timeout as
      | { limitMs?: number; attempts: number }
      | undefined;
    let failed = 0;
    if (timeout?.limitMs) {
      failed = Math.pow(
        1 - latencyCdf(latency, timeout.limitMs),
        timeout.attempts,
      );
    }
    const { timeout: _ignored, ...flow } = f as Flow & { timeout?: unknown };
    out.push({ ...flow, fraction: f.fraction * (1 - failed), latency });
    if (failed > 1e-9) {
      out.push({
        ...flow,
        fraction: f.fraction * failed,
        code: '504',
        flags: timeout!.attempts > 1 ? 'UT,URX' : 'UT',
        latency: {
          medianMs: timeout!.limitMs! * timeout!.attempts,
          sigma: 0.05,
        },
      });
    }
  }
  return out;
}

/** Every flow of the cluster's traffic right now. */
export function planTraffic(
  snapshot: ClusterSnapshot,
  clusterName: string,
  rpsOf: (f: Flow) => number,
): Flow[] {
  const flows = components(snapshot).flatMap(g =>
    componentFlows(snapshot, clusterName, g),
  );
  return withLatency(snapshot, flows, rpsOf).map(f =>
    f.source
      ? { ...f, latency: f.reachedPod ? delayed(f.latency, 1) : f.latency }
      : f,
  );
}

/** `name.namespace` of a destination host, for the service labels. */
export { serviceParts };
