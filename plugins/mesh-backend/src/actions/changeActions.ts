import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import type {
  ChangePreview,
  Diagnostic,
  RouteSimulationResult,
} from '@mesh-chain/plugin-mesh-common';
import type { ChangeService } from '../services/changes/ChangeService';
import { parseEntityRefString } from '../services/MeshAccess';

const CHANGE_DESCRIPTION =
  'The change: { type: "route-weights", target: { namespace, name } (the VirtualService), route: { protocol: "http", index, name? }, destinations: [{ host, subset?, port?, weight }] (weights sum to 100) } | { type: "route-timeouts", target, route, timeout?: "5s" | null, retries?: { attempts, perTryTimeout?, retryOn? } | null } | { type: "autoscaler", target (the HPA), minReplicas?, maxReplicas? } | { type: "replicas", target (a Deployment without autoscaler), replicas } | { type: "restart", target (the Deployment) }. Take namespaces, names, route indexes and hosts from mesh:get-chain.';

function diagnosticLine(d: Diagnostic): string {
  return `${d.code} (${d.severity}): ${d.message}`;
}

function traceLine(r: RouteSimulationResult): string {
  const where = r.destinations
    .map(
      d =>
        `${d.weight}% to ${d.host}${d.subset ? ` subset ${d.subset}` : ''} (${
          d.readyPods
        } ready pods)`,
    )
    .join(', ');
  return `${r.reachable ? 'reaches pods' : 'does not reach pods'}${
    where ? `: ${where}` : ''
  }${r.timeout ? `; timeout ${r.timeout}` : ''}${
    r.reasons.length ? `; ${r.reasons.join('; ')}` : ''
  }`;
}

/** A compact, model-friendly account of a preview or an apply. */
export function summarizeChange(preview: ChangePreview) {
  return {
    summary: preview.summary,
    cluster: preview.cluster,
    object: `${preview.target.kind} ${preview.target.namespace}/${preview.target.name}`,
    allowed: preview.decision.allowed,
    reasons: preview.decision.reasons,
    fields: preview.fields,
    notes: preview.notes,
    owners: preview.owners.map(
      o =>
        `${o.manager} (${o.role}${
          o.blocks ? ', blocks' : ''
        }) owns ${o.fields.join(', ')}: ${o.consequence}`,
    ),
    diagnostics: {
      introduced: preview.diagnostics.introduced.map(diagnosticLine),
      fixed: preview.diagnostics.fixed.map(diagnosticLine),
      remaining: preview.diagnostics.remaining.map(diagnosticLine),
    },
    traces: preview.traces.map(t => ({
      request: `${t.request.method ?? 'GET'} ${t.request.url}`,
      before: traceLine(t.before),
      after: traceLine(t.after),
    })),
    diff: preview.diff,
    basis: preview.basis,
  };
}

/**
 * Registers `mesh:preview-change` and `mesh:apply-change` with the actions
 * registry: the same checks, permissions and audit as the HTTP API, with
 * the caller's credentials.
 */
export function registerChangeActions(
  actionsRegistry: ActionsRegistryService,
  options: { changes: ChangeService },
) {
  const { changes } = options;
  const input = (z: any) =>
    z.object({
      entityRef: z
        .string()
        .describe('The catalog entity, e.g. "component:default/checkout"'),
      cluster: z.string().describe('The cluster, by name (see mesh:get-chain)'),
      change: z
        .object({
          type: z.enum([
            'route-weights',
            'route-timeouts',
            'autoscaler',
            'replicas',
            'restart',
          ]),
          target: z.object({ namespace: z.string(), name: z.string() }),
        })
        .passthrough()
        .describe(CHANGE_DESCRIPTION),
      force: z
        .boolean()
        .optional()
        .describe(
          'Apply although a controller or GitOps tool keeps the fields (administrators only)',
        ),
    });
  const output = (z: any) =>
    z
      .object({
        summary: z.string(),
        allowed: z.boolean(),
        reasons: z.array(z.string()),
      })
      .passthrough()
      .describe(
        'What the change does: fields, other owners, diagnostics introduced/fixed/remaining, traced requests before and after, and the YAML diff',
      );
  const call = (args: { input: any; credentials: any }) => ({
    entity: parseEntityRefString(args.input.entityRef),
    body: {
      cluster: args.input.cluster,
      change: args.input.change,
      ...(args.input.force !== undefined && { force: args.input.force }),
    },
    credentials: args.credentials,
  });

  actionsRegistry.register({
    name: 'preview-change',
    title: 'Preview a change to a component’s traffic',
    description:
      'Previews a change to a component’s mesh chain without writing anything: route weights (canary promote / roll back), a route’s timeout and retries, an HPA’s min/max replicas, a Deployment’s replicas or a rollout restart. Answers with the fields it sets, who else owns them (Flagger, Argo CD, an HPA...) and whether it may be applied, the diagnostics it introduces or fixes, where requests go before and after, and the YAML diff. Needs mesh.chain.update on the entity.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: { input, output },
    examples: [
      {
        title: 'Move a canary to 50/50',
        input: {
          entityRef: 'component:default/checkout',
          cluster: 'dev',
          change: {
            type: 'route-weights',
            target: { namespace: 'shop', name: 'checkout' },
            route: { protocol: 'http', index: 0 },
            destinations: [
              {
                host: 'checkout.shop.svc.cluster.local',
                subset: 'v1',
                port: 80,
                weight: 50,
              },
              {
                host: 'checkout.shop.svc.cluster.local',
                subset: 'v2',
                port: 80,
                weight: 50,
              },
            ],
          },
        },
      },
    ],
    action: async args => ({
      output: summarizeChange(await changes.preview(call(args))),
    }),
  });

  actionsRegistry.register({
    name: 'apply-change',
    title: 'Apply a change to a component’s traffic',
    description:
      'Applies a change to a component’s mesh chain by server-side apply (same input as mesh:preview-change; preview it first and show the user what it does). Refused when a controller or GitOps tool keeps the fields unless an administrator forces it. Needs mesh.chain.update on the entity. Audited.',
    attributes: { readOnly: false, idempotent: false, destructive: false },
    schema: { input, output },
    action: async args => ({
      output: summarizeChange(await changes.apply(call(args))),
    }),
  });
}
