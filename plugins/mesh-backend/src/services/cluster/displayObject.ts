/*
 * What "show YAML" shows of an object read from the cluster (the drawer's
 * object endpoint, `ChainObjects.ts`). Everywhere: no `managedFields`, no
 * `kubectl.kubernetes.io/last-applied-configuration`. Pods show their
 * containers' names, images and ports, their status (phase, conditions and
 * container states without timestamps, restarts, pod IP) and annotations
 * up to 256 characters; Deployments show the pod template's labels,
 * annotations and containers; neither shows env (its values can hold
 * secrets), volumes or probes. ReplicaSets show their replicas and
 * selector. Services, HPAs and the Istio and Gateway API objects are
 * shown whole. Then, for every kind, the size limits of `limits.ts` apply:
 * over-long strings are cut (saying so), and an object over the
 * per-object budget loses its annotations, then its spec and status.
 */

import {
  isJsonObject,
  type KubeObject,
  type WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import { boundObject } from './limits';
import { checkObject, TrimmedObject } from './objectChecks';

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
  return value.filter(isJsonObject).map(c => pick(c, fields));
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

/** Conditions without timestamps and messages. */
function conditionFields(value: unknown): unknown {
  return Array.isArray(value)
    ? value.filter(isJsonObject).map(c => pick(c, ['type', 'status', 'reason']))
    : undefined;
}

/** A container state without timestamps or container ids. */
function stateFields(value: unknown): unknown {
  if (!isJsonObject(value)) {
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, detail] of Object.entries(value)) {
    out[key] = isJsonObject(detail) ? pick(detail, ['reason', 'exitCode']) : {};
  }
  return out;
}

function containerStatusFields(value: unknown): unknown {
  return Array.isArray(value)
    ? value.filter(isJsonObject).map(c => ({
        ...pick(c, ['name', 'ready', 'started', 'restartCount', 'image']),
        ...(c.state !== undefined && { state: stateFields(c.state) }),
      }))
    : undefined;
}

/** Longest annotation value kept on a pod (Istio's sidecar status is kilobytes). */
const POD_ANNOTATION_LIMIT = 256;

function shownFieldsOfKind(
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
      const template = isJsonObject(spec.template) ? spec.template : {};
      const templateMeta = isJsonObject(template.metadata)
        ? template.metadata
        : {};
      return {
        spec: {
          ...spec,
          template: {
            metadata: pick(templateMeta, ['labels', 'annotations']),
            spec: isJsonObject(template.spec)
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
 * One object of a watched kind as "show YAML" shows it (see above), within
 * the size limits. `apiVersion` and `kind` are filled in when the API
 * server leaves them out.
 */
export function displayObject(
  kind: WatchedKind,
  raw: unknown,
  defaults: { apiVersion: string; kind: string },
): TrimmedObject {
  const checked = checkObject(raw, defaults);
  if ('problem' in checked) {
    return checked;
  }
  const { metadata, labels, annotations, problems } = checked;
  if (annotations && kind === 'pods') {
    for (const [key, value] of Object.entries(annotations)) {
      if (value.length > POD_ANNOTATION_LIMIT) {
        delete annotations[key];
      }
    }
  }
  const fields = shownFieldsOfKind(kind, checked.spec, checked.status);
  const object: KubeObject = {
    apiVersion: checked.apiVersion,
    kind: checked.kind,
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
          .filter(isJsonObject)
          .map(o =>
            pick(o, ['apiVersion', 'kind', 'name', 'uid', 'controller']),
          ),
      }),
    },
    ...(fields.spec !== undefined && { spec: fields.spec }),
    ...(fields.status !== undefined && { status: fields.status }),
  };
  problems.push(...boundObject(object));
  return problems.length
    ? { object, problem: problems.join(', ') }
    : { object };
}
