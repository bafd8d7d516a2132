/*
 * What each kind of change sets on its object: the fields it touches and
 * the fragment of a server-side apply configuration that sets them, checked
 * against the object as it is now. One planner per change type.
 */
import { ConflictError, InputError } from '@backstage/errors';
import type {
  ChainChange,
  ChainChangeType,
  KubeObject,
} from '@mesh-chain/plugin-mesh-common';
import {
  FieldPath,
  mergeConfigurations,
  objectAt,
  valueAt,
} from './managedFields';

/** What applying a change sets. */
export interface ChangePlan {
  /** The fields the change sets. */
  fields: FieldPath[];
  /** The change's part of the apply configuration. */
  fragment: object;
  /** The change in one line. */
  summary: string;
  /** How it is applied, in words (atomic lists). */
  notes: string[];
  /** Whether a GitOps tool tracking the object stops it (not a restart). */
  gitOpsBlocks: boolean;
}

/** The restart annotation `kubectl rollout restart` sets. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** The kind of object each change type is made to. */
export const CHANGE_KINDS: Record<ChainChangeType, string> = {
  'route-weights': 'VirtualService',
  'route-timeouts': 'VirtualService',
  autoscaler: 'HorizontalPodAutoscaler',
  replicas: 'Deployment',
  restart: 'Deployment',
};

type Planner<T extends ChainChangeType> = (
  change: Extract<ChainChange, { type: T }>,
  live: KubeObject,
  now: string,
) => ChangePlan;

function objectName(obj: KubeObject): string {
  return `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`;
}

/** The routes of a VirtualService's list, and the one the change names. */
function routeOf(
  live: KubeObject,
  ref: { protocol: string; index: number; name?: string },
): { list: any[]; route: any } {
  const list = live.spec?.[ref.protocol];
  if (!Array.isArray(list) || ref.index >= list.length) {
    throw noSuchRoute(
      objectName(live),
      ref,
      Array.isArray(list) ? list.length : 0,
    );
  }
  const route = list[ref.index];
  if (ref.name !== undefined && route?.name !== ref.name) {
    throw new ConflictError(
      `${objectName(live)} ${ref.protocol}[${ref.index}] is ${
        route?.name ? `named '${route.name}'` : 'unnamed'
      } now, not '${
        ref.name
      }': its routes changed since you loaded them. Load the chain again and redo the change.`,
    );
  }
  return { list, route };
}

/** The error for a route index past the end of its list. */
export function noSuchRoute(
  object: string,
  ref: { protocol: string; index: number },
  count: number,
): InputError {
  const { protocol, index } = ref;
  let range = '';
  if (count === 1) range = ` (${protocol}[0])`;
  else if (count > 1) range = ` (${protocol}[0] to ${protocol}[${count - 1}])`;
  return new InputError(
    `change.route.index: ${object} has ${count} ${protocol} route${
      count === 1 ? '' : 's'
    }${range}; there is no ${protocol}[${index}]`,
  );
}

function atomicNote(protocol: string): string {
  return `spec.${protocol} is an atomic list in Istio's CRD (no merge keys): server-side apply sends and owns the whole list, every route as it is now with this one changed. Another field manager of spec.${protocol} owns it all too.`;
}

function destinationLabel(d: any): string {
  const dest = d?.destination ?? {};
  return `${dest.subset ?? dest.host}${
    dest.port?.number ? `:${dest.port.number}` : ''
  }`;
}

function weightsText(route: any[]): string {
  if (route.length === 1) {
    return `${destinationLabel(route[0])} ${route[0].weight ?? 100}%`;
  }
  return route.map(d => `${destinationLabel(d)} ${d.weight ?? 0}%`).join(', ');
}

const routeWeights: Planner<'route-weights'> = (change, live) => {
  const { protocol, index } = change.route;
  const { list, route } = routeOf(live, change.route);
  const old: any[] = Array.isArray(route?.route) ? route.route : [];
  const next = change.destinations.map(d => {
    // Keep what else a destination sets (e.g. headers), replace the weight.
    const same = old.find(
      o =>
        o?.destination?.host === d.host &&
        (o.destination.subset ?? undefined) === d.subset &&
        (o.destination.port?.number ?? undefined) === d.port,
    );
    return {
      ...(same ?? {}),
      destination: {
        ...(same?.destination ?? {}),
        host: d.host,
        ...(d.subset !== undefined && { subset: d.subset }),
        ...(d.port !== undefined && { port: { number: d.port } }),
      },
      weight: d.weight,
    };
  });
  const http = list.map((r, i) => (i === index ? { ...r, route: next } : r));
  return {
    fields: [['spec', protocol]],
    fragment: { spec: { [protocol]: http } },
    summary: `${protocol}[${index}]${
      route?.name ? ` "${route.name}"` : ''
    } of ${objectName(live)}: ${weightsText(old)} → ${weightsText(next)}`,
    notes: [atomicNote(protocol)],
    gitOpsBlocks: true,
  };
};

function retriesText(r: any): string {
  if (!r) return 'Istio default (2 attempts)';
  if (r.attempts === 0) return 'off';
  return `${r.attempts}${r.perTryTimeout ? ` × ${r.perTryTimeout}` : ''}${
    r.retryOn ? ` on ${r.retryOn}` : ''
  }`;
}

const routeTimeouts: Planner<'route-timeouts'> = (change, live) => {
  const { protocol, index } = change.route;
  const { list, route } = routeOf(live, change.route);
  const next: Record<string, unknown> = { ...route };
  const parts: string[] = [];
  if (change.timeout !== undefined) {
    if (change.timeout === null) delete next.timeout;
    else next.timeout = change.timeout;
    parts.push(
      `timeout ${route.timeout ?? 'none'} → ${change.timeout ?? 'none'}`,
    );
  }
  if (change.retries !== undefined) {
    if (change.retries === null) delete next.retries;
    else next.retries = change.retries;
    parts.push(
      `retries ${retriesText(route.retries)} → ${retriesText(change.retries)}`,
    );
  }
  const http = list.map((r, i) => (i === index ? next : r));
  return {
    fields: [['spec', protocol]],
    fragment: { spec: { [protocol]: http } },
    summary: `${protocol}[${index}]${
      route?.name ? ` "${route.name}"` : ''
    } of ${objectName(live)}: ${parts.join(', ')}`,
    notes: [atomicNote(protocol)],
    gitOpsBlocks: true,
  };
};

const autoscaler: Planner<'autoscaler'> = (change, live) => {
  const min = change.minReplicas ?? live.spec?.minReplicas ?? 1;
  const max = change.maxReplicas ?? live.spec?.maxReplicas;
  if (typeof max === 'number' && min > max) {
    throw new InputError(
      `change: minReplicas ${min} would be above maxReplicas ${max} of ${objectName(
        live,
      )}; raise maxReplicas too`,
    );
  }
  const fields: FieldPath[] = [];
  const spec: Record<string, number> = {};
  const parts: string[] = [];
  for (const key of ['minReplicas', 'maxReplicas'] as const) {
    const value = change[key];
    if (value !== undefined) {
      fields.push(['spec', key]);
      spec[key] = value;
      parts.push(`${key} ${live.spec?.[key] ?? 1} → ${value}`);
    }
  }
  return {
    fields,
    fragment: { spec },
    summary: `${objectName(live)}: ${parts.join(', ')}`,
    notes: [],
    gitOpsBlocks: true,
  };
};

const replicas: Planner<'replicas'> = (change, live) => ({
  fields: [['spec', 'replicas']],
  fragment: { spec: { replicas: change.replicas } },
  summary: `${objectName(live)}: replicas ${live.spec?.replicas ?? 1} → ${
    change.replicas
  }`,
  notes: [],
  gitOpsBlocks: true,
});

const restart: Planner<'restart'> = (_change, live, now) => {
  const path = ['spec', 'template', 'metadata', 'annotations', RESTARTED_AT];
  return {
    fields: [path],
    fragment: objectAt(path, now),
    summary: `${objectName(
      live,
    )}: rollout restart (pod template annotation ${RESTARTED_AT}: ${now}), as kubectl rollout restart does`,
    notes: [
      'A new pod template: the Deployment replaces its pods as its rollout strategy says, a few at a time.',
    ],
    gitOpsBlocks: false,
  };
};

const PLANNERS: { [T in ChainChangeType]: Planner<T> } = {
  'route-weights': routeWeights,
  'route-timeouts': routeTimeouts,
  autoscaler,
  replicas,
  restart,
};

/**
 * What a change sets on the live object; an `InputError` when it does not
 * fit the object or changes nothing.
 */
export function planChange(
  change: ChainChange,
  live: KubeObject,
  now: string,
): ChangePlan {
  const planner = PLANNERS[change.type] as Planner<typeof change.type>;
  const plan = planner(change as never, live, now);
  const after = mergeConfigurations(live, plan.fragment);
  const changes = plan.fields.some(
    f => JSON.stringify(valueAt(live, f)) !== JSON.stringify(valueAt(after, f)),
  );
  if (!changes) {
    throw new InputError(
      `The change changes nothing: ${objectName(
        live,
      )} already holds these values`,
    );
  }
  return plan;
}
