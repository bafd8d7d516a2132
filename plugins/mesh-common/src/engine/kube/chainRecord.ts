/*
 * What of each kind the chain engine reads: the fields its resolvers, its
 * diagnostics and the chain answer use (`resolve/`, `diagnostics/`), as a
 * record shaped as a (smaller) Kubernetes object. The mesh backend's watch
 * caches keep only these records; the engine reads them as it reads full
 * objects, so it knows nothing of them.
 *
 * When the engine starts reading a field, add it here: `chainRecord.test.ts`
 * resolves every fixture chain and every rule case from full objects and
 * from their records and expects the same answer.
 */
import { isJsonObject } from '../../json';
import type { KubeObject } from './KubeObject';
import type { WatchedKind } from './watchedKinds';

/**
 * What of a value is kept: all of it (`true`), the listed keys of an
 * object (each kept as its own pattern says), each element of a list
 * (`[pattern]`), or what a function makes of it (`undefined`: nothing).
 *
 * @public
 */
export type ChainFieldPattern =
  | true
  | { readonly [key: string]: ChainFieldPattern }
  | readonly [ChainFieldPattern]
  | ((value: unknown) => unknown);

/**
 * What the chain reads of one kind's `metadata`, `spec` and `status`.
 *
 * @public
 */
export interface ChainKindFields {
  metadata: ChainFieldPattern;
  spec?: ChainFieldPattern;
  status?: ChainFieldPattern;
}

/**
 * The part of `value` that `keep` describes: new objects and arrays, with
 * the original leaf values (and the original value where the pattern is
 * `true`); `undefined` when the value has not the shape the pattern
 * expects (an object where a list is expected, say).
 */
function project(value: unknown, keep: ChainFieldPattern): unknown {
  if (keep === true) {
    return value;
  }
  if (typeof keep === 'function') {
    return keep(value);
  }
  if (Array.isArray(keep)) {
    return Array.isArray(value)
      ? value
          .map(element => project(element, keep[0]))
          .filter(element => element !== undefined)
      : undefined;
  }
  if (!isJsonObject(value)) {
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(keep)) {
    const kept =
      value[key] === undefined
        ? undefined
        : project(value[key], (keep as Record<string, ChainFieldPattern>)[key]);
    if (kept !== undefined) {
      out[key] = kept;
    }
  }
  return out;
}

/** `metadata` of every kind: `refOf`, `baseOf` and the label indexes. */
const METADATA = {
  name: true,
  namespace: true,
  // ObjectStore: an event at the same resourceVersion changes nothing.
  resourceVersion: true,
  creationTimestamp: true,
  labels: true,
} as const;

/** `ownerName` (workloads.ts): pod -> ReplicaSet -> Deployment. */
const OWNER_REFERENCES = [
  { apiVersion: true, kind: true, name: true },
] as const;

/** Container ports: `podInfo`, named targetPorts, MESH-4002/4007. */
const CONTAINER_PORTS = [
  { name: true, containerPort: true, protocol: true },
] as const;

/** Only the `Ready` condition of a pod is read (`isPodReady`). */
function readyCondition(value: unknown): unknown {
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value
    .filter(c => isJsonObject(c) && c.type === 'Ready')
    .map(c => ({ type: c.type, status: c.status }));
}

/** Conditions as `conditionsOf` reads them (and the answer shows them). */
const CONDITIONS = [
  {
    type: true,
    status: true,
    reason: true,
    message: true,
    lastTransitionTime: true,
  },
] as const;

const POD: ChainKindFields = {
  metadata: { ...METADATA, ownerReferences: OWNER_REFERENCES },
  spec: {
    nodeName: true,
    containers: [{ name: true, image: true, ports: CONTAINER_PORTS }],
  },
  status: {
    phase: true,
    podIP: true,
    conditions: readyCondition,
    containerStatuses: [
      {
        name: true,
        ready: true,
        restartCount: true,
        // `containerState`: running, or waiting / terminated and why.
        state: {
          running: {},
          waiting: { reason: true },
          terminated: { reason: true },
        },
      },
    ],
  },
};

/** A ReplicaSet links a pod to its Deployment, and is found by labels. */
const REPLICA_SET: ChainKindFields = {
  metadata: {
    name: true,
    namespace: true,
    resourceVersion: true,
    labels: true,
    ownerReferences: OWNER_REFERENCES,
  },
};

const DEPLOYMENT: ChainKindFields = {
  // `generation` against `status.observedGeneration`: rolled out or not.
  metadata: { ...METADATA, generation: true },
  spec: {
    replicas: true,
    paused: true,
    selector: true,
    strategy: {
      type: true,
      rollingUpdate: { maxSurge: true, maxUnavailable: true },
    },
    template: {
      metadata: { labels: true },
      spec: {
        containers: [
          {
            name: true,
            image: true,
            ports: CONTAINER_PORTS,
            // MESH-6003: a utilization target without a request.
            resources: { requests: true },
          },
        ],
      },
    },
  },
  status: {
    replicas: true,
    updatedReplicas: true,
    readyReplicas: true,
    availableReplicas: true,
    unavailableReplicas: true,
    observedGeneration: true,
    conditions: CONDITIONS,
  },
};

const SERVICE: ChainKindFields = {
  metadata: METADATA,
  spec: {
    type: true,
    clusterIP: true,
    selector: true,
    ports: true,
    externalIPs: true,
    externalName: true,
  },
  status: { loadBalancer: { ingress: [{ ip: true, hostname: true }] } },
};

/** HPAs and the Istio and Gateway API objects: spec and status are read whole. */
const WHOLE: ChainKindFields = { metadata: METADATA, spec: true, status: true };

/**
 * What the chain reads, by kind.
 *
 * @public
 */
export const CHAIN_FIELDS: Record<WatchedKind, ChainKindFields> = {
  pods: POD,
  replicasets: REPLICA_SET,
  deployments: DEPLOYMENT,
  services: SERVICE,
  horizontalpodautoscalers: WHOLE,
  gateways: WHOLE,
  virtualservices: WHOLE,
  destinationrules: WHOLE,
  k8sgateways: WHOLE,
  httproutes: WHOLE,
};

/**
 * The record of an object of a watched kind: only the fields the chain
 * engine reads (`CHAIN_FIELDS`), shaped as a Kubernetes object. It shares
 * leaf values (and subtrees kept whole) with the object; the chain
 * resolved from records is the chain resolved from the objects.
 *
 * @public
 */
export function chainRecordOf(
  kind: WatchedKind,
  object: KubeObject,
): KubeObject {
  const fields = CHAIN_FIELDS[kind];
  const spec =
    fields.spec && object.spec !== undefined
      ? project(object.spec, fields.spec)
      : undefined;
  const status =
    fields.status && object.status !== undefined
      ? project(object.status, fields.status)
      : undefined;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: project(
      object.metadata,
      fields.metadata,
    ) as KubeObject['metadata'],
    ...(spec !== undefined && { spec }),
    ...(status !== undefined && { status }),
  };
}
