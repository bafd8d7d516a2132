import { KubeObject } from '../lib/models';

/*
 * The ranges the API server (and Istio's validating webhook) enforce on the
 * numbers of the kinds the mesh actions apply. The upstream schemas carry no
 * ranges, so without these a containerPort of 70000 would only be refused
 * by the cluster, after the other objects were checked.
 */

/** A number outside its range. @public */
export interface RangeProblem {
  /** e.g. `spec.template.spec.containers[0].ports[0].containerPort`. */
  path: string;
  message: string;
}

interface RangeRule {
  kinds: string[];
  /** Dotted path; `[]` steps into every item of a list. */
  path: string;
  min: number;
  max: number;
  /** What the number is, for the message: `a port`, `a weight`. */
  what: string;
}

const PORT = { min: 1, max: 65535, what: 'a port (1-65535)' };
const containers = ['containers[]', 'initContainers[]'];
const podPorts = (at: string) =>
  containers.flatMap(c => [
    `${at}.${c}.ports[].containerPort`,
    `${at}.${c}.ports[].hostPort`,
    ...['readinessProbe', 'livenessProbe', 'startupProbe'].flatMap(p => [
      `${at}.${c}.${p}.httpGet.port`,
      `${at}.${c}.${p}.tcpSocket.port`,
      `${at}.${c}.${p}.grpc.port`,
    ]),
  ]);

const RULES: RangeRule[] = [
  ...podPorts('spec.template.spec').map(path => ({
    kinds: ['Deployment'],
    path,
    ...PORT,
  })),
  {
    kinds: ['Deployment'],
    path: 'spec.replicas',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    what: 'a replica count (0 or more)',
  },
  ...['port', 'targetPort'].map(field => ({
    kinds: ['Service'],
    path: `spec.ports[].${field}`,
    ...PORT,
  })),
  {
    kinds: ['Service'],
    path: 'spec.ports[].nodePort',
    min: 30000,
    max: 32767,
    what: 'a node port (the default range 30000-32767)',
  },
  ...['minReplicas', 'maxReplicas'].map(field => ({
    kinds: ['HorizontalPodAutoscaler'],
    path: `spec.${field}`,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    what: 'a replica count (1 or more)',
  })),
  ...['http', 'tcp', 'tls'].flatMap(section => [
    {
      kinds: ['VirtualService'],
      path: `spec.${section}[].route[].weight`,
      min: 0,
      max: 100,
      what: 'a weight (0-100)',
    },
    {
      kinds: ['VirtualService'],
      path: `spec.${section}[].route[].destination.port.number`,
      ...PORT,
    },
  ]),
  { kinds: ['Gateway'], path: 'spec.servers[].port.number', ...PORT },
  {
    kinds: ['DestinationRule'],
    path: 'spec.trafficPolicy.portLevelSettings[].port.number',
    ...PORT,
  },
];

/** Every number at a rule's path, with its concrete path. */
function numbersAt(
  value: unknown,
  steps: string[],
  at: string,
): Array<[string, number]> {
  if (steps.length === 0) {
    return typeof value === 'number' ? [[at, value]] : [];
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const [step, ...rest] = steps;
  const list = step.endsWith('[]');
  const key = list ? step.slice(0, -2) : step;
  const child = (value as Record<string, unknown>)[key];
  const here = at ? `${at}.${key}` : key;
  if (!list) return numbersAt(child, rest, here);
  if (!Array.isArray(child)) return [];
  return child.flatMap((item, i) => numbersAt(item, rest, `${here}[${i}]`));
}

/**
 * The numbers of an object that the API server or Istio would refuse as out
 * of range, each with the range to use instead.
 *
 * @public
 */
export function checkRanges(object: KubeObject): RangeProblem[] {
  const problems: RangeProblem[] = [];
  for (const rule of RULES.filter(r => r.kinds.includes(object.kind))) {
    for (const [path, n] of numbersAt(object, rule.path.split('.'), '')) {
      // A host port of 0 means none.
      if (path.endsWith('.hostPort') && n === 0) continue;
      if (!Number.isInteger(n) || n < rule.min || n > rule.max) {
        problems.push({
          path,
          message: `${n} is out of range; it must be ${rule.what}`,
        });
      }
    }
  }
  const spec = (object as { spec?: any }).spec;
  if (
    object.kind === 'HorizontalPodAutoscaler' &&
    typeof spec?.minReplicas === 'number' &&
    typeof spec?.maxReplicas === 'number' &&
    spec.minReplicas > spec.maxReplicas
  ) {
    problems.push({
      path: 'spec.maxReplicas',
      message: `${spec.maxReplicas} is below minReplicas ${spec.minReplicas}; make maxReplicas at least minReplicas`,
    });
  }
  return problems;
}
