import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type {
  ClusterChain,
  HpaMetricInfo,
  MeshChainResponse,
} from '@mesh-chain/plugin-mesh-common';
import { MeshAccess, parseEntityRefString } from '../services/MeshAccess';
import type { MeshChainService } from '../services/MeshChainService';

function currentValue(metric: HpaMetricInfo): string {
  const current = metric.current;
  if (!current) {
    return 'unknown';
  }
  if (current.averageUtilization !== undefined) {
    return `${current.averageUtilization}%`;
  }
  return current.averageValue ?? current.value ?? 'unknown';
}

/** A compact, model-friendly summary of one cluster's chain. */
export function summarizeCluster(chain: ClusterChain) {
  return {
    cluster: chain.cluster.name,
    ...(chain.error && {
      error: `${chain.error.reason}: ${chain.error.message}`,
    }),
    ...(chain.status &&
      (chain.status.state === 'syncing' || chain.status.state === 'stale') && {
        status: `${chain.status.state}: ${chain.status.message}`,
      }),
    warnings: chain.warnings.map(w => `${w.reason}: ${w.message}`),
    istio: chain.istio,
    gatewayApi: chain.gatewayApi,
    source: chain.source,
    observedAt: chain.observedAt,
    externalUrls: [...new Set(chain.routes.flatMap(r => r.externalUrls))],
    routes: chain.routes.map(r => ({
      id: r.id,
      hosts: r.hosts,
      gateways: r.gateways,
      match: r.match.length ? JSON.stringify(r.match) : 'everything',
      destinations: r.destinations.map(
        d =>
          `${d.fqdn}${d.subset ? ` subset ${d.subset}` : ''}${
            d.port ? `:${d.port}` : ''
          } ${d.weight}%`,
      ),
      ...(r.timeout && { timeout: r.timeout }),
      ...(r.retries && { retries: JSON.stringify(r.retries) }),
    })),
    services: chain.services.map(s => ({
      name: `${s.ref.namespace}/${s.ref.name}`,
      type: s.type,
      ports: s.ports.map(
        p =>
          `${p.port}->${p.targetPort}${
            p.nodePort ? ` (node ${p.nodePort})` : ''
          }`,
      ),
      readyPods: `${s.readyPods}/${s.pods}`,
      health: s.health,
    })),
    deployments: chain.deployments.map(d => ({
      name: `${d.ref.namespace}/${d.ref.name}`,
      replicas: `${d.replicas.ready}/${d.replicas.desired} ready, ${d.replicas.updated} updated, ${d.replicas.available} available`,
      rollout: d.rollout.state,
      images: d.images,
      health: d.health,
    })),
    hpas: chain.hpas.map(h => ({
      name: `${h.ref.namespace}/${h.ref.name}`,
      replicas: `${h.currentReplicas} current, ${h.desiredReplicas} desired (min ${h.minReplicas}, max ${h.maxReplicas})`,
      metrics: h.metrics.map(
        m =>
          `${m.type} ${m.name}: ${currentValue(m)} / target ${m.target.value}${
            m.target.type === 'Utilization' ? '%' : ''
          }`,
      ),
      health: h.health,
    })),
    gateways: chain.gateways.map(g => ({
      name: `${g.ref.namespace}/${g.ref.name}`,
      addresses: g.workload.addresses,
      readyPods: `${g.workload.readyPods}/${g.workload.pods}`,
      health: g.health,
    })),
    diagnostics: chain.diagnostics.map(d => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      fix: d.fix,
    })),
  };
}

/** The whole response, summarized. */
function summarizeChain(response: MeshChainResponse) {
  return {
    entityRef: response.entityRef,
    status: response.status,
    ...(response.hint && { hint: response.hint }),
    revision: response.revision,
    clusters: response.clusters.map(summarizeCluster),
  };
}

/**
 * Registers `mesh:get-chain` with the actions registry, so MCP clients can
 * ask for a component's mesh status: routes, workloads, autoscaling and
 * diagnostics per cluster. The same permission checks as the HTTP API apply,
 * with the caller's credentials.
 */
export function registerMeshActions(
  actionsRegistry: ActionsRegistryService,
  options: { access: MeshAccess; chains: MeshChainService },
) {
  const { access, chains } = options;
  actionsRegistry.register({
    name: 'get-chain',
    title: 'Get mesh status of a component',
    description:
      'Resolves the Istio / Kubernetes resource chain of a catalog entity (usually a Component) in every cluster: external URLs and routes (VirtualService / HTTPRoute matches, weighted destinations, timeouts, retries), Services, Deployments (replicas ready/desired, rollout state), HPAs (replicas and every metric against its target), ingress Gateways, and diagnostics with MESH-xxxx codes, severity and a concrete fix. Use it to answer "is my service healthy / reachable / why is it returning 503".',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'The catalog entity, e.g. "component:default/reviews" (kind and namespace default to component and default)',
            ),
          cluster: z
            .string()
            .optional()
            .describe('Only this cluster (by name); default every cluster'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          status: z.enum(['configured', 'not-configured']),
          hint: z
            .string()
            .optional()
            .describe('What to add to the entity when it is not configured'),
          revision: z.string(),
          clusters: z.array(
            z
              .object({
                cluster: z.string(),
                error: z.string().optional(),
                status: z
                  .string()
                  .optional()
                  .describe(
                    'Set when the data is not current: syncing (not loaded yet, no data) or stale (the cluster as last seen, since when and why)',
                  ),
                warnings: z.array(z.string()),
                diagnostics: z.array(
                  z.object({
                    code: z.string(),
                    severity: z.string(),
                    message: z.string(),
                    fix: z.string(),
                  }),
                ),
              })
              .passthrough()
              .describe(
                'The chain in one cluster: externalUrls, routes, services, deployments, hpas, gateways, diagnostics',
              ),
          ),
        }),
    },
    examples: [
      {
        title: 'Mesh status of a component',
        input: { entityRef: 'component:default/reviews' },
      },
    ],
    action: async ({ input, credentials }) => {
      const ref = parseEntityRefString(input.entityRef);
      const entity = await access.entityFor(ref, credentials);
      const { response } = await chains.getChain(entity, {
        cluster: input.cluster,
      });
      return { output: summarizeChain(response) };
    },
  });
}
