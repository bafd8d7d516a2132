/*
 * The resource types the simulator serves, with the discovery data a real
 * API server publishes for them (names, kinds, verbs, short names,
 * categories) and the per-type behaviour the REST layer needs.
 */

/** One resource type (e.g. `deployments.apps`). @public */
export interface ResourceType {
  /** API group; '' for the core group. */
  group: string;
  /** Served versions, preferred (and storage) version first. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served, e.g. `status`, `scale`, `log`. */
  subresources: string[];
  /** Built-in kinds take strategic merge patches; custom resources do not. */
  builtin: boolean;
  /** Whether `metadata.generation` is maintained (bumped on spec changes). */
  generation: boolean;
  /** Whether `status` can only be written through the status subresource. */
  statusSubresource: boolean;
  /** Custom resources are served read/write only while "installed". */
  crd?: 'istio' | 'gateway-api';
  /** Computed on request, never stored (the metrics API, access reviews). */
  virtual?: boolean;
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function rt(
  t: Omit<
    ResourceType,
    | 'verbs'
    | 'categories'
    | 'shortNames'
    | 'subresources'
    | 'builtin'
    | 'generation'
    | 'statusSubresource'
  > &
    Partial<ResourceType>,
): ResourceType {
  return {
    verbs: ALL_VERBS,
    categories: [],
    shortNames: [],
    subresources: [],
    builtin: true,
    generation: false,
    statusSubresource: false,
    ...t,
  };
}

const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];
const ISTIO_CATEGORIES = ['istio-io', 'networking-istio-io'];

/** Every resource type served, in discovery order. @public */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  rt({
    group: '',
    versions: ['v1'],
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
    statusSubresource: true,
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
    statusSubresource: true,
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'limitranges',
    singular: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log'],
    statusSubresource: true,
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'resourcequotas',
    singular: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    subresources: ['status'],
    statusSubresource: true,
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
  }),
  rt({
    group: '',
    versions: ['v1'],
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    statusSubresource: true,
  }),
  rt({
    group: 'apps',
    versions: ['v1'],
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
    statusSubresource: true,
  }),
  rt({
    group: 'apps',
    versions: ['v1'],
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
    statusSubresource: true,
  }),
  rt({
    group: 'apps',
    versions: ['v1'],
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
    statusSubresource: true,
  }),
  rt({
    group: 'apps',
    versions: ['v1'],
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
    generation: true,
    statusSubresource: true,
  }),
  rt({
    group: 'autoscaling',
    versions: ['v2'],
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
    generation: true,
    statusSubresource: true,
  }),
  rt({
    group: 'batch',
    versions: ['v1'],
    plural: 'jobs',
    singular: 'job',
    kind: 'Job',
    namespaced: true,
    categories: ['all'],
    subresources: ['status'],
    generation: true,
    statusSubresource: true,
  }),
  rt({
    group: 'batch',
    versions: ['v1'],
    plural: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
    generation: true,
    statusSubresource: true,
  }),
  rt({
    group: 'networking.k8s.io',
    versions: ['v1'],
    plural: 'ingresses',
    singular: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
    subresources: ['status'],
    generation: true,
    statusSubresource: true,
  }),
  rt({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    plural: 'clusterroles',
    singular: 'clusterrole',
    kind: 'ClusterRole',
    namespaced: false,
  }),
  rt({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  }),
  rt({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    plural: 'roles',
    singular: 'role',
    kind: 'Role',
    namespaced: true,
  }),
  rt({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1'],
    plural: 'rolebindings',
    singular: 'rolebinding',
    kind: 'RoleBinding',
    namespaced: true,
  }),
  rt({
    group: 'authorization.k8s.io',
    versions: ['v1'],
    plural: 'selfsubjectaccessreviews',
    singular: '',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  }),
  rt({
    group: 'metrics.k8s.io',
    versions: ['v1beta1'],
    plural: 'nodes',
    singular: '',
    kind: 'NodeMetrics',
    namespaced: false,
    verbs: ['get', 'list'],
    builtin: false,
    virtual: true,
  }),
  rt({
    group: 'metrics.k8s.io',
    versions: ['v1beta1'],
    plural: 'pods',
    singular: '',
    kind: 'PodMetrics',
    namespaced: true,
    verbs: ['get', 'list'],
    builtin: false,
    virtual: true,
  }),
  rt({
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    plural: 'gateways',
    singular: 'gateway',
    kind: 'Gateway',
    namespaced: true,
    shortNames: ['gw'],
    categories: ISTIO_CATEGORIES,
    subresources: ['status'],
    builtin: false,
    generation: true,
    statusSubresource: true,
    crd: 'istio',
  }),
  rt({
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    plural: 'virtualservices',
    singular: 'virtualservice',
    kind: 'VirtualService',
    namespaced: true,
    shortNames: ['vs'],
    categories: ISTIO_CATEGORIES,
    subresources: ['status'],
    builtin: false,
    generation: true,
    statusSubresource: true,
    crd: 'istio',
  }),
  rt({
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    plural: 'destinationrules',
    singular: 'destinationrule',
    kind: 'DestinationRule',
    namespaced: true,
    shortNames: ['dr'],
    categories: ISTIO_CATEGORIES,
    subresources: ['status'],
    builtin: false,
    generation: true,
    statusSubresource: true,
    crd: 'istio',
  }),
  rt({
    group: 'gateway.networking.k8s.io',
    versions: ['v1'],
    plural: 'gatewayclasses',
    singular: 'gatewayclass',
    kind: 'GatewayClass',
    namespaced: false,
    shortNames: ['gc'],
    categories: ['gateway-api'],
    subresources: ['status'],
    builtin: false,
    generation: true,
    statusSubresource: true,
    crd: 'gateway-api',
  }),
  rt({
    group: 'gateway.networking.k8s.io',
    versions: ['v1'],
    plural: 'gateways',
    singular: 'gateway',
    kind: 'Gateway',
    namespaced: true,
    shortNames: ['gtw'],
    categories: ['gateway-api'],
    subresources: ['status'],
    builtin: false,
    generation: true,
    statusSubresource: true,
    crd: 'gateway-api',
  }),
  rt({
    group: 'gateway.networking.k8s.io',
    versions: ['v1'],
    plural: 'httproutes',
    singular: 'httproute',
    kind: 'HTTPRoute',
    namespaced: true,
    categories: ['gateway-api'],
    subresources: ['status'],
    builtin: false,
    generation: true,
    statusSubresource: true,
    crd: 'gateway-api',
  }),
];

/** Groups in discovery order with their versions. */
export function apiGroups(): Array<{ name: string; versions: string[] }> {
  const groups: Array<{ name: string; versions: string[] }> = [];
  for (const t of RESOURCE_TYPES) {
    if (!t.group) continue;
    let g = groups.find(x => x.name === t.group);
    if (!g) {
      g = { name: t.group, versions: [] };
      groups.push(g);
    }
    for (const v of t.versions) {
      if (!g.versions.includes(v)) g.versions.push(v);
    }
  }
  return groups;
}

/** `deployments.apps`, `pods`: the key objects are stored under. */
export function resourceKey(t: Pick<ResourceType, 'group' | 'plural'>) {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

const byKey = new Map(RESOURCE_TYPES.map(t => [resourceKey(t), t]));

/** Finds a type by group, version and plural (a URL path). */
export function findByPath(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  const t = byKey.get(group ? `${plural}.${group}` : plural);
  return t && t.versions.includes(version) ? t : undefined;
}

/** Finds a type by `apiVersion` and `kind`. */
export function findByKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/', 2)
    : ['', apiVersion];
  return RESOURCE_TYPES.find(
    t => t.group === group && t.kind === kind && t.versions.includes(version),
  );
}

/** `apps/v1` for the preferred version, or the given one. */
export function apiVersionOf(t: ResourceType, version = t.versions[0]) {
  return t.group ? `${t.group}/${version}` : version;
}

/** Looks a type up by its Kubernetes key, throwing a clear error. */
export function mustFindByKind(apiVersion: string, kind: string): ResourceType {
  const t = findByKind(apiVersion, kind);
  if (!t) {
    const known = RESOURCE_TYPES.map(x => `${apiVersionOf(x)} ${x.kind}`).join(
      ', ',
    );
    throw new Error(
      `The demo cluster does not serve kind '${kind}' in '${apiVersion}'; it serves ${known}`,
    );
  }
  return t;
}
