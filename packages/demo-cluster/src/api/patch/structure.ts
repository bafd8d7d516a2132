/*
 * How lists merge: the `x-kubernetes-list-type` / `patchMergeKey` metadata of
 * the built-in kinds this simulator serves. Custom resources (Istio, Gateway
 * API) have no such metadata in their CRD schemas, so their lists are atomic.
 */

/** How a list at some path merges. */
export type ListType =
  | { type: 'map'; keys: string[]; patchKey: string }
  | { type: 'set' }
  | { type: 'atomic' };

const ATOMIC: ListType = { type: 'atomic' };

function map(keys: string[], patchKey = keys[0]): ListType {
  return { type: 'map', keys, patchKey };
}

const POD_SPEC_LISTS: Record<string, ListType> = {
  containers: map(['name']),
  initContainers: map(['name']),
  ephemeralContainers: map(['name']),
  volumes: map(['name']),
  imagePullSecrets: map(['name']),
  hostAliases: map(['ip']),
  topologySpreadConstraints: map(
    ['topologyKey', 'whenUnsatisfiable'],
    'topologyKey',
  ),
  resourceClaims: map(['name']),
  schedulingGates: map(['name']),
};

const CONTAINER_LISTS: Record<string, ListType> = {
  ports: map(['containerPort', 'protocol'], 'containerPort'),
  env: map(['name']),
  volumeMounts: map(['mountPath']),
  volumeDevices: map(['devicePath']),
  resizePolicy: map(['resourceName']),
};

const CONTAINER_LIST_NAMES = new Set([
  'containers',
  'initContainers',
  'ephemeralContainers',
]);

const WORKLOADS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
]);

/** Where pod specs live in each built-in kind. */
function isPodSpecPath(kind: string, path: string[]): boolean {
  if (kind === 'Pod') return path.length === 1 && path[0] === 'spec';
  const at = (...want: string[]) =>
    path.length === want.length && want.every((w, i) => path[i] === w);
  if (kind === 'CronJob')
    return at('spec', 'jobTemplate', 'spec', 'template', 'spec');
  if (WORKLOADS.has(kind)) return at('spec', 'template', 'spec');
  return false;
}

/**
 * The list type of the field at `path` (object keys only; list items are
 * not part of the path) in an object of `kind`.
 */
export function listTypeAt(
  kind: string,
  builtin: boolean,
  path: string[],
): ListType {
  const field = path[path.length - 1];
  const parent = path.slice(0, -1);
  // metadata is the same for every kind, custom resources included.
  if (parent.length === 1 && parent[0] === 'metadata') {
    if (field === 'ownerReferences') return map(['uid']);
    if (field === 'finalizers') return { type: 'set' };
    return ATOMIC;
  }
  if (!builtin) return ATOMIC;
  if (field === 'conditions' && parent[parent.length - 1] === 'status') {
    return map(['type']);
  }
  if (isPodSpecPath(kind, parent) && POD_SPEC_LISTS[field]) {
    return POD_SPEC_LISTS[field];
  }
  if (
    parent.length >= 2 &&
    CONTAINER_LIST_NAMES.has(parent[parent.length - 1]) &&
    isPodSpecPath(kind, parent.slice(0, -1)) &&
    CONTAINER_LISTS[field]
  ) {
    return CONTAINER_LISTS[field];
  }
  if (kind === 'Service' && parent.length === 1 && parent[0] === 'spec') {
    if (field === 'ports') return map(['port', 'protocol'], 'port');
    if (field === 'externalIPs') return { type: 'set' };
  }
  return ATOMIC;
}

/** Fields never tracked in managed fields (identity and bookkeeping). */
export const UNMANAGED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** A list item's key for a map list: the key fields in schema order. */
export function itemKey(
  item: unknown,
  keys: string[],
): Record<string, unknown> | undefined {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    let v = (item as Record<string, unknown>)[k];
    // protocol defaults to TCP on ports; compare with the default applied.
    if (v === undefined && k === 'protocol') v = 'TCP';
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Whether two list items have the same key. */
export function sameKey(a: unknown, b: unknown, keys: string[]): boolean {
  const ka = itemKey(a, keys);
  const kb = itemKey(b, keys);
  if (!ka || !kb) return false;
  return keys.every(k => ka[k] === kb[k]);
}

export function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
