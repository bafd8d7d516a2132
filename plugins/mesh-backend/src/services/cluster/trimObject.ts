/*
 * Keeping memory bounded: each object is reduced to what the chain reads
 * before it is stored. Everywhere: no `managedFields`, no
 * `kubectl.kubernetes.io/last-applied-configuration`. Pods keep their
 * containers' names, images and ports, their status (phase, conditions and
 * container states without timestamps, restarts, pod IP) and annotations up
 * to 256 characters; Deployments keep the pod
 * template's labels, annotations and containers (no volumes, env, probes);
 * ReplicaSets keep only what links a pod to its Deployment. Services, HPAs
 * and the Istio and Gateway API objects are kept whole. Then, for every
 * kind, the size limits of `limits.ts` apply: over-long strings are cut
 * (saying so), and an object over the per-object budget loses its
 * annotations, then its spec and status (a problem of the object).
 * Repeated strings are shared (`sharedStrings.ts`), and objects of the
 * same shape share one hidden class (`sharedShapes.ts`).
 */

import type { KubeObject, WatchedKind } from '@mesh-chain/plugin-mesh-common';
import { boundObject } from './limits';
import { shareStrings } from './sharedStrings';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** One object from the API server, trimmed to what the chain reads. */
export interface TrimmedObject {
  /** The object to store; absent when it cannot be indexed. */
  object?: KubeObject;
  /** What is wrong with it, when something is. */
  problem?: string;
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(
  value: unknown,
  field: string,
  problems: string[],
  drop?: string,
): Record<string, string> | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isPlainObject(value)) {
    problems.push(`${field} is not a map`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === drop) {
      continue;
    }
    if (typeof v === 'string') {
      out[key] = v;
    } else {
      problems.push(`${field}.${key} is not a string`);
    }
  }
  return out;
}

function pick<T extends Record<string, any>>(obj: T, keys: string[]): any {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (obj[key] !== undefined) {
      out[key] = obj[key];
    }
  }
  return out;
}

const CONTAINER_FIELDS = [
  'name',
  'image',
  'ports',
  'resources',
  'restartPolicy',
];

function containers(value: unknown, fields: string[]): unknown {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.filter(isPlainObject).map(c => pick(c, fields));
}

function podSpecFields(
  spec: Record<string, any>,
  fields: string[] = CONTAINER_FIELDS,
): Record<string, any> {
  return {
    ...pick(spec, ['nodeName', 'serviceAccountName', 'hostNetwork']),
    containers: containers(spec.containers, fields) ?? [],
    ...(spec.initContainers && {
      initContainers: containers(spec.initContainers, fields),
    }),
  };
}

/** Pods: resources matter on the Deployment's template, not on each pod. */
const POD_CONTAINER_FIELDS = CONTAINER_FIELDS.filter(f => f !== 'resources');

/** Conditions without timestamps and messages (the chain reads type and status). */
function conditionFields(value: unknown): unknown {
  return Array.isArray(value)
    ? value
        .filter(isPlainObject)
        .map(c => pick(c, ['type', 'status', 'reason']))
    : undefined;
}

/** A container state without timestamps or container ids. */
function stateFields(value: unknown): unknown {
  if (!isPlainObject(value)) {
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, detail] of Object.entries(value)) {
    out[key] = isPlainObject(detail)
      ? pick(detail, ['reason', 'exitCode'])
      : {};
  }
  return out;
}

function containerStatusFields(value: unknown): unknown {
  return Array.isArray(value)
    ? value.filter(isPlainObject).map(c => ({
        ...pick(c, ['name', 'ready', 'started', 'restartCount', 'image']),
        ...(c.state !== undefined && { state: stateFields(c.state) }),
      }))
    : undefined;
}

/** Longest annotation value kept on a pod (Istio's sidecar status is kilobytes). */
const POD_ANNOTATION_LIMIT = 256;

function chainFieldsOfKind(
  kind: WatchedKind,
  spec: Record<string, any> | undefined,
  status: Record<string, any> | undefined,
): { spec?: any; status?: any } {
  switch (kind) {
    case 'pods':
      return {
        spec: spec && podSpecFields(spec, POD_CONTAINER_FIELDS),
        status: status && {
          ...pick(status, ['phase', 'reason', 'message', 'podIP', 'startTime']),
          ...(status.conditions && {
            conditions: conditionFields(status.conditions),
          }),
          ...(status.containerStatuses && {
            containerStatuses: containerStatusFields(status.containerStatuses),
          }),
          ...(status.initContainerStatuses && {
            initContainerStatuses: containerStatusFields(
              status.initContainerStatuses,
            ),
          }),
        },
      };
    case 'deployments': {
      if (!spec) {
        return { status };
      }
      const template = isPlainObject(spec.template) ? spec.template : {};
      const templateMeta = isPlainObject(template.metadata)
        ? template.metadata
        : {};
      return {
        spec: {
          ...spec,
          template: {
            metadata: pick(templateMeta, ['labels', 'annotations']),
            spec: isPlainObject(template.spec)
              ? podSpecFields(template.spec)
              : { containers: [] },
          },
        },
        status,
      };
    }
    case 'replicasets':
      return {
        spec: spec && pick(spec, ['replicas', 'selector']),
        status: status && pick(status, ['replicas', 'readyReplicas']),
      };
    default:
      return { spec, status };
  }
}

/**
 * Validates one object of a watched kind and keeps the fields the chain
 * reads (see above), within the size limits. `apiVersion` and `kind`
 * are filled in when the API server leaves them out (list items).
 */
export function keepChainFields(
  kind: WatchedKind,
  raw: unknown,
  defaults: { apiVersion: string; kind: string },
): TrimmedObject {
  if (!isPlainObject(raw)) {
    return { problem: 'not a JSON object' };
  }
  const metadata = raw.metadata;
  if (!isPlainObject(metadata) || typeof metadata.name !== 'string') {
    return { problem: 'has no metadata.name' };
  }
  if (
    metadata.namespace !== undefined &&
    typeof metadata.namespace !== 'string'
  ) {
    return { problem: 'metadata.namespace is not a string' };
  }
  const problems: string[] = [];
  const spec = raw.spec;
  const status = raw.status;
  if (spec !== undefined && !isPlainObject(spec)) {
    problems.push('spec is not an object');
  }
  if (status !== undefined && !isPlainObject(status)) {
    problems.push('status is not an object');
  }
  const labels = stringMap(metadata.labels, 'metadata.labels', problems);
  const annotations = stringMap(
    metadata.annotations,
    'metadata.annotations',
    problems,
    LAST_APPLIED,
  );
  if (annotations && kind === 'pods') {
    for (const [key, value] of Object.entries(annotations)) {
      if (value.length > POD_ANNOTATION_LIMIT) {
        delete annotations[key];
      }
    }
  }
  const fields = chainFieldsOfKind(
    kind,
    isPlainObject(spec) ? spec : undefined,
    isPlainObject(status) ? status : undefined,
  );
  const trimmed: KubeObject = {
    apiVersion:
      typeof raw.apiVersion === 'string' ? raw.apiVersion : defaults.apiVersion,
    kind: typeof raw.kind === 'string' ? raw.kind : defaults.kind,
    metadata: {
      ...pick(metadata, [
        'name',
        'namespace',
        'uid',
        'resourceVersion',
        'generation',
        'creationTimestamp',
        'deletionTimestamp',
      ]),
      ...(labels && { labels }),
      ...(annotations &&
        Object.keys(annotations).length > 0 && { annotations }),
      ...(Array.isArray(metadata.ownerReferences) && {
        ownerReferences: metadata.ownerReferences
          .filter(isPlainObject)
          .map(o =>
            pick(o, ['apiVersion', 'kind', 'name', 'uid', 'controller']),
          ),
      }),
    },
    ...(fields.spec !== undefined && { spec: fields.spec }),
    ...(fields.status !== undefined && { status: fields.status }),
  };
  problems.push(...boundObject(trimmed));
  const object: KubeObject = shareStrings(trimmed);
  return problems.length
    ? { object, problem: problems.join(', ') }
    : { object };
}
