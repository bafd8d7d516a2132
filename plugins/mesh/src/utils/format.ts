import type {
  Condition,
  Diagnostic,
  Health,
  HpaMetricInfo,
  ObjectRef,
  RouteMatch,
  Severity,
  StringMatch,
} from '@mesh-chain/plugin-mesh-common';
import { parseQuantity } from '@mesh-chain/plugin-mesh-common';

/** `namespace/name`, or just `name` for cluster-scoped objects. */
export function refName(ref: Pick<ObjectRef, 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** "Deployment shop/checkout-v1". */
export function refLabel(ref: ObjectRef): string {
  return `${ref.kind} ${refName(ref)}`;
}

export function describeStringMatch(m: StringMatch): string {
  if (m.exact !== undefined) return `= ${m.exact}`;
  if (m.prefix !== undefined) return `starts with ${m.prefix}`;
  if (m.regex !== undefined) return `matches /${m.regex}/`;
  return 'any';
}

/** The conditions of one match block, in words, e.g. `path starts with /api`. */
export function describeMatch(match: RouteMatch): string[] {
  const parts: string[] = [];
  const caseNote = match.ignoreUriCase ? ' (any case)' : '';
  if (match.uri)
    parts.push(`path ${describeStringMatch(match.uri)}${caseNote}`);
  if (match.method) parts.push(`method ${describeStringMatch(match.method)}`);
  if (match.authority)
    parts.push(`host ${describeStringMatch(match.authority)}`);
  if (match.scheme) parts.push(`scheme ${describeStringMatch(match.scheme)}`);
  for (const [name, m] of Object.entries(match.headers ?? {})) {
    parts.push(`header ${name} ${describeStringMatch(m)}`);
  }
  for (const [name, m] of Object.entries(match.withoutHeaders ?? {})) {
    parts.push(`header ${name} not ${describeStringMatch(m)}`);
  }
  for (const [name, m] of Object.entries(match.queryParams ?? {})) {
    parts.push(`query ${name} ${describeStringMatch(m)}`);
  }
  if (match.port !== undefined) parts.push(`port ${match.port}`);
  if (match.sniHosts?.length) parts.push(`SNI ${match.sniHosts.join(', ')}`);
  if (match.destinationSubnets?.length)
    parts.push(`to ${match.destinationSubnets.join(', ')}`);
  if (match.gateways?.length) parts.push(`via ${match.gateways.join(', ')}`);
  return parts;
}

const severityRank: Record<Severity, number> = {
  error: 3,
  warning: 2,
  info: 1,
};
const healthRank: Record<Health, number> = {
  error: 3,
  warning: 2,
  unknown: 1,
  ok: 0,
};

export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank[b] - severityRank[a];
}

/** Diagnostics sorted worst first, then by code. */
/** Errors first, then warnings, then notes; by code within each. */
export function sortDiagnostics<
  T extends { severity: Severity; code?: string },
>(diagnostics: T[]): T[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      (a.code ?? '').localeCompare(b.code ?? ''),
  );
}

export function worstDiagnostic(
  diagnostics: Diagnostic[],
): Diagnostic | undefined {
  return sortDiagnostics(diagnostics)[0];
}

export function worstHealth(healths: Health[]): Health {
  return healths.reduce<Health>(
    (worst, h) => (healthRank[h] > healthRank[worst] ? h : worst),
    'ok',
  );
}

export function healthOfSeverity(severity: Severity | undefined): Health {
  if (severity === 'error') return 'error';
  if (severity === 'warning') return 'warning';
  return 'ok';
}

export const healthLabel: Record<Health, string> = {
  ok: 'Healthy',
  warning: 'Warning',
  error: 'Error',
  unknown: 'Unknown',
};

/** "just now", "12 s ago", "3 min ago", "2 h ago", "4 days ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

export function formatTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}

/** A metric's current and target value as text, and current/target as a ratio. */
export function metricValues(metric: HpaMetricInfo): {
  current?: string;
  target: string;
  ratio?: number;
} {
  const { target, current } = metric;
  if (target.type === 'Utilization') {
    const t = Number(target.value);
    const c = current?.averageUtilization;
    return {
      target: `${target.value}%`,
      current: c === undefined ? undefined : `${c}%`,
      ratio: c === undefined || !t ? undefined : c / t,
    };
  }
  const raw =
    target.type === 'AverageValue' ? current?.averageValue : current?.value;
  const t = parseQuantity(target.value);
  const c = parseQuantity(raw);
  return {
    target: target.value,
    current: raw,
    ratio: t !== undefined && c !== undefined && t > 0 ? c / t : undefined,
  };
}

/** What a metric measures, in words. */
export function describeMetric(metric: HpaMetricInfo): string {
  const per = metric.target.type === 'AverageValue' ? ' per pod' : '';
  switch (metric.type) {
    case 'Resource':
      return metric.target.type === 'Utilization'
        ? `${metric.name} (of requests, average)`
        : `${metric.name}${per}`;
    case 'ContainerResource':
      return `${metric.name} of container ${metric.container ?? '?'}${
        metric.target.type === 'Utilization' ? ' (of requests)' : per
      }`;
    case 'Pods':
      return `${metric.name} per pod`;
    case 'Object':
      return `${metric.name} of ${metric.describedObject?.kind ?? 'object'} ${
        metric.describedObject?.name ?? ''
      }`.trim();
    case 'External':
      return `${metric.name} (external)${per}`;
    default:
      return metric.name;
  }
}

/** What an HPA condition means, in plain words. */
export function describeHpaCondition(c: Condition): string {
  const reason = c.reason ?? '';
  const known: Record<string, string> = {
    'AbleToScale/True/ReadyForNewScale': 'Ready to scale when needed.',
    'AbleToScale/True/SucceededRescale': 'Just changed the replica count.',
    'AbleToScale/False/BackoffBoth':
      'Waiting: scaled recently, holding still during the stabilization window.',
    'AbleToScale/False/BackoffDownscale':
      'Will not scale down yet: within the scale-down stabilization window.',
    'AbleToScale/False/BackoffUpscale':
      'Will not scale up yet: within the scale-up stabilization window.',
    'AbleToScale/False/FailedGetScale':
      'Cannot read the target’s replica count: check scaleTargetRef.',
    'AbleToScale/False/FailedUpdateScale':
      'Could not change the target’s replica count.',
    'ScalingActive/True/ValidMetricFound':
      'Reads its metrics and computes a replica count.',
    'ScalingActive/False/FailedGetResourceMetric':
      'Cannot read a resource metric: is metrics-server running, and do the containers set resource requests?',
    'ScalingActive/False/FailedGetPodsMetric':
      'Cannot read a per-pod metric from the custom metrics API.',
    'ScalingActive/False/FailedGetObjectMetric':
      'Cannot read an object metric from the custom metrics API.',
    'ScalingActive/False/FailedGetExternalMetric':
      'Cannot read an external metric from the external metrics API.',
    'ScalingActive/False/FailedGetContainerResourceMetric':
      'Cannot read a container resource metric.',
    'ScalingActive/False/ScalingDisabled':
      'Autoscaling is off: the target is scaled to zero.',
    'ScalingActive/False/InvalidSelector':
      'The target’s selector is invalid, so its pods cannot be counted.',
    'ScalingActive/False/InvalidMetricSourceType':
      'A metric has an unknown type.',
    'ScalingLimited/True/TooManyReplicas':
      'At its maximum: it would run more replicas if maxReplicas allowed.',
    'ScalingLimited/True/TooFewReplicas':
      'At its minimum: it would run fewer replicas if minReplicas allowed.',
    'ScalingLimited/True/ScaleUpLimit':
      'Scaling up is slowed by its scale-up policy.',
    'ScalingLimited/True/ScaleDownLimit':
      'Scaling down is slowed by its scale-down policy.',
    'ScalingLimited/False/DesiredWithinRange':
      'The wanted replica count is within min and max.',
  };
  const text = known[`${c.type}/${c.status}/${reason}`];
  if (text) return text;
  const generic: Record<string, [string, string]> = {
    AbleToScale: ['Able to scale.', 'Not able to scale right now.'],
    ScalingActive: ['Autoscaling is active.', 'Autoscaling is not active.'],
    ScalingLimited: [
      'Limited by min or max replicas.',
      'Not limited by min or max replicas.',
    ],
  };
  const g = generic[c.type];
  let base = `${c.type} is ${c.status}.`;
  if (g) base = c.status === 'True' ? g[0] : g[1];
  return c.message ? `${base} ${capitalize(c.message)}.` : base;
}

function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase('en-US') + s.slice(1);
}

/** True when a condition is in the state that means trouble. */
export function isConditionBad(c: Condition): boolean {
  if (c.type === 'ScalingLimited') return c.status === 'True';
  if (c.type === 'ReplicaFailure') return c.status === 'True';
  return c.status === 'False';
}

export function pluralize(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The most useful message of an error: the server's own, for a ResponseError. */
export function errorMessage(error: Error): string {
  const cause = (error as Error & { cause?: { message?: string } }).cause;
  if (error.name === 'ResponseError' && cause?.message) return cause.message;
  return error.message;
}

/** Health of a set of pods from how many of them are ready. */
export function readinessHealth(ready: number, total: number): Health {
  if (total === 0 || ready === 0) return 'error';
  if (ready < total) return 'warning';
  return 'ok';
}
