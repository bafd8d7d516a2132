/*
 * What an owner types into a change dialog, and the change it makes: each
 * draft turns into a ChainChange or says, naming the field, what is wrong.
 * The backend checks again; these checks only keep obviously wrong changes
 * from being previewed.
 */
import type {
  ChainChange,
  ClusterChain,
  RouteInfo,
} from '@mesh-chain/plugin-mesh-common';

/** A change, or what is wrong with the draft. */
export type DraftResult =
  | { change: ChainChange; problem?: undefined }
  | { change?: undefined; problem: string };

const DURATION = /^\d+(\.\d+)?(ms|s|m|h)$/;

/** A route as the change contract names it. */
function routeRef(route: RouteInfo) {
  return {
    protocol: route.protocol,
    index: route.index,
    ...(route.name ? { name: route.name } : {}),
  };
}

function target(route: RouteInfo) {
  return { namespace: route.source.namespace ?? '', name: route.source.name };
}

/** What a destination is called in the dialog: its subset, else its host. */
export function destinationLabel(d: { host: string; subset?: string }) {
  return d.subset ? `${d.host} (${d.subset})` : d.host;
}

/** A route in one line, e.g. `checkout http[0] "primary"`. */
export function routeLabel(route: RouteInfo) {
  return `${route.source.name} ${route.protocol}[${route.index}]${
    route.name ? ` "${route.name}"` : ''
  }`;
}

/** Routes of VirtualServices (not HTTPRoutes): what changes can touch. */
export function changeableRoutes(chain: ClusterChain): RouteInfo[] {
  return chain.routes.filter(
    r => r.source.kind === 'VirtualService' && r.destinations.length > 0,
  );
}

/** Whole numbers 0-100, one per destination, summing to 100. */
export function weightsChange(
  route: RouteInfo,
  weights: string[],
): DraftResult {
  const values = weights.map(w => (w.trim() === '' ? NaN : Number(w)));
  const bad = values.findIndex(v => !Number.isInteger(v) || v < 0 || v > 100);
  if (bad >= 0) {
    return {
      problem: `The weight of ${destinationLabel(
        route.destinations[bad],
      )} must be a whole number from 0 to 100`,
    };
  }
  const sum = values.reduce((a, b) => a + b, 0);
  if (sum !== 100) {
    return { problem: `The weights add up to ${sum}; they must add up to 100` };
  }
  return {
    change: {
      type: 'route-weights',
      target: target(route),
      route: routeRef(route),
      destinations: route.destinations.map((d, i) => ({
        host: d.host,
        ...(d.subset ? { subset: d.subset } : {}),
        ...(d.port ? { port: d.port } : {}),
        weight: values[i],
      })),
    },
  };
}

/** The draft of a route's timeout and retries; empty fields remove them. */
export interface TimeoutsDraft {
  timeout: string;
  attempts: string;
  perTryTimeout: string;
  retryOn: string;
}

/** The draft as the route has it now. */
export function timeoutsDraftOf(route: RouteInfo): TimeoutsDraft {
  return {
    timeout: route.timeout ?? '',
    attempts:
      route.retries?.attempts === undefined
        ? ''
        : String(route.retries.attempts),
    perTryTimeout: route.retries?.perTryTimeout ?? '',
    retryOn: route.retries?.retryOn ?? '',
  };
}

export function timeoutsChange(
  route: RouteInfo,
  draft: TimeoutsDraft,
): DraftResult {
  const timeout = draft.timeout.trim();
  const perTry = draft.perTryTimeout.trim();
  for (const [field, value] of [
    ['Timeout', timeout],
    ['Per-try timeout', perTry],
  ] as const) {
    if (value && !DURATION.test(value)) {
      return {
        problem: `${field} '${value}' is not a duration; write e.g. 500ms, 5s or 1m`,
      };
    }
  }
  const attemptsText = draft.attempts.trim();
  const attempts = Number(attemptsText);
  if (attemptsText && (!Number.isInteger(attempts) || attempts < 0)) {
    return { problem: 'Retry attempts must be a whole number, 0 or more' };
  }
  if (!attemptsText && (perTry || draft.retryOn.trim())) {
    return {
      problem:
        'Set the retry attempts to use a per-try timeout or retry conditions',
    };
  }
  return {
    change: {
      type: 'route-timeouts',
      target: target(route),
      route: routeRef(route),
      timeout: timeout || null,
      retries: attemptsText
        ? {
            attempts,
            ...(perTry ? { perTryTimeout: perTry } : {}),
            ...(draft.retryOn.trim() ? { retryOn: draft.retryOn.trim() } : {}),
          }
        : null,
    },
  };
}

function wholeNumber(text: string, field: string, min: number) {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    return { problem: `${field} must be a whole number, ${min} or more` };
  }
  return { value };
}

export function autoscalerChange(
  hpa: { namespace: string; name: string },
  min: string,
  max: string,
): DraftResult {
  const minimum = wholeNumber(min, 'Minimum replicas', 1);
  if (minimum.problem) return { problem: minimum.problem };
  const maximum = wholeNumber(max, 'Maximum replicas', 1);
  if (maximum.problem) return { problem: maximum.problem };
  if (maximum.value! < minimum.value!) {
    return {
      problem: `Maximum replicas (${maximum.value}) must not be below the minimum (${minimum.value})`,
    };
  }
  return {
    change: {
      type: 'autoscaler',
      target: hpa,
      minReplicas: minimum.value,
      maxReplicas: maximum.value,
    },
  };
}

export function replicasChange(
  deployment: { namespace: string; name: string },
  replicas: string,
): DraftResult {
  const parsed = wholeNumber(replicas, 'Replicas', 0);
  if (parsed.problem) return { problem: parsed.problem };
  return {
    change: { type: 'replicas', target: deployment, replicas: parsed.value! },
  };
}
