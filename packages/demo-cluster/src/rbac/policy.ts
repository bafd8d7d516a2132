/*
 * The RBAC objects a demo cluster starts with: the default roles every
 * cluster has (cluster-admin, discovery, self access reviews) and the
 * demo's identities, least privilege each:
 *
 * - mesh-viewer (ServiceAccount backstage/mesh-viewer, and group
 *   demo:viewers): get/list/watch on exactly what the mesh plugin and the
 *   stock Kubernetes plugin read, cluster-wide. The portal's credential.
 * - mesh-scaffolder (ServiceAccount backstage/mesh-scaffolder): writes the
 *   chain's kinds only in the namespaces it is given, through one RoleBinding
 *   each. The template's credential.
 * - mesh-changes (ServiceAccount backstage/mesh-changes): patches the
 *   objects owners change from the Service Mesh tab (VirtualServices, HPAs,
 *   Deployments), only in the namespaces it is given. The changes' credential.
 * - demo:team (demo-restricted-token): edits every app namespace except
 *   finance, through RoleBindings only (so no cluster-wide lists).
 * - system:masters (demo-admin-token): cluster-admin, for kubectl.
 *
 * They are plain objects in the store: `kubectl get clusterroles`, edit
 * them, or add your own bindings; bootstrap objects marked
 * `rbac.authorization.kubernetes.io/autoupdate: "true"` are put back as
 * defined here on every start, as kube-apiserver reconciles its defaults.
 */
import type { KubeObject } from '../types';
import type { PolicyRule, Subject } from './authorizer';
import {
  CHANGES_SERVICE_ACCOUNT,
  DEMO_SERVICE_ACCOUNT_NAMESPACE,
  RESTRICTED_NAMESPACE,
  SCAFFOLDER_SERVICE_ACCOUNT,
  TEAM_GROUP,
  VIEWER_SERVICE_ACCOUNT,
  VIEWERS_GROUP,
} from './identities';

const RBAC = 'rbac.authorization.k8s.io';
const RBAC_V1 = `${RBAC}/v1`;
const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

const READ = ['get', 'list', 'watch'];

/**
 * What the portal reads: the mesh plugin's kinds (Services, Pods,
 * Deployments, ReplicaSets, HPAs, Istio and Gateway API routing), the stock
 * Kubernetes plugin's default objects and pod metrics, and namespaces (the
 * template's apply checks that its namespace exists).
 */
export const VIEWER_RULES: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'services',
      'configmaps',
      'limitranges',
      'resourcequotas',
    ],
    verbs: READ,
  },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
    verbs: READ,
  },
  {
    apiGroups: ['autoscaling'],
    resources: ['horizontalpodautoscalers'],
    verbs: READ,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
  {
    apiGroups: ['networking.istio.io'],
    resources: ['gateways', 'virtualservices', 'destinationrules'],
    verbs: READ,
  },
  {
    apiGroups: ['gateway.networking.k8s.io'],
    resources: ['gateways', 'httproutes'],
    verbs: READ,
  },
  {
    apiGroups: ['metrics.k8s.io'],
    resources: ['pods'],
    verbs: ['get', 'list'],
  },
];

const WRITE = ['get', 'list', 'watch', 'create', 'patch', 'update'];

/**
 * What the template writes, in a namespace it is bound in: the chain's
 * kinds, and its own Namespace object (server-side apply of the Namespace
 * the chain brings, e.g. to add the istio-injection label; a RoleBinding in
 * namespace N covers /api/v1/namespaces/N). It cannot create namespaces,
 * delete anything, read Secrets or touch RBAC.
 */
export const SCAFFOLDER_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'patch'] },
  { apiGroups: [''], resources: ['services'], verbs: WRITE },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: WRITE },
  {
    apiGroups: ['autoscaling'],
    resources: ['horizontalpodautoscalers'],
    verbs: WRITE,
  },
  {
    apiGroups: ['networking.istio.io'],
    resources: ['gateways', 'virtualservices', 'destinationrules'],
    verbs: WRITE,
  },
  {
    apiGroups: ['gateway.networking.k8s.io'],
    resources: ['gateways', 'httproutes'],
    verbs: WRITE,
  },
];

/**
 * What owners' traffic changes write, in a namespace it is bound in:
 * server-side apply (`patch`, dry runs included) of the three kinds a
 * change touches, nothing else. No `create`: an apply to an object that is
 * gone fails instead of creating a partial one. No `get`: the portal reads
 * with the viewer's credential.
 */
export const CHANGES_RULES: PolicyRule[] = [
  {
    apiGroups: ['networking.istio.io'],
    resources: ['virtualservices'],
    verbs: ['patch'],
  },
  {
    apiGroups: ['autoscaling'],
    resources: ['horizontalpodautoscalers'],
    verbs: ['patch'],
  },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] },
];

/** What the team may do in its namespaces: everything but RBAC and Secrets. */
const TEAM_RULES: PolicyRule[] = [
  {
    apiGroups: [
      '',
      'apps',
      'autoscaling',
      'batch',
      'networking.k8s.io',
      'networking.istio.io',
      'gateway.networking.k8s.io',
      'metrics.k8s.io',
    ],
    resources: [
      'pods',
      'pods/log',
      'services',
      'endpoints',
      'events',
      'configmaps',
      'deployments',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'horizontalpodautoscalers',
      'jobs',
      'cronjobs',
      'ingresses',
      'gateways',
      'virtualservices',
      'destinationrules',
      'httproutes',
    ],
    verbs: ['*'],
  },
];

/** Namespaces no app-team binding is made in. */
const SYSTEM_NAMESPACES = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'istio-system',
  DEMO_SERVICE_ACCOUNT_NAMESPACE,
]);

function meta(
  name: string,
  namespace?: string,
  bootstrap = false,
): KubeObject['metadata'] {
  return {
    name,
    ...(namespace && { namespace }),
    labels: {
      [bootstrap ? 'kubernetes.io/bootstrapping' : 'app.kubernetes.io/part-of']:
        bootstrap ? 'rbac-defaults' : 'mesh-chain-demo',
    },
    annotations: { [AUTOUPDATE]: 'true' },
  };
}

function clusterRole(
  name: string,
  rules: PolicyRule[],
  bootstrap = false,
): KubeObject {
  return {
    apiVersion: RBAC_V1,
    kind: 'ClusterRole',
    metadata: meta(name, undefined, bootstrap),
    rules,
  };
}

function group(name: string): Subject {
  return { kind: 'Group', apiGroup: RBAC, name };
}

function serviceAccount(name: string): Subject {
  return {
    kind: 'ServiceAccount',
    name,
    namespace: DEMO_SERVICE_ACCOUNT_NAMESPACE,
  };
}

function clusterRoleBinding(
  name: string,
  role: string,
  subjects: Subject[],
  bootstrap = false,
): KubeObject {
  return {
    apiVersion: RBAC_V1,
    kind: 'ClusterRoleBinding',
    metadata: meta(name, undefined, bootstrap),
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects,
  };
}

function roleBinding(
  name: string,
  namespace: string,
  role: string,
  subjects: Subject[],
): KubeObject {
  return {
    apiVersion: RBAC_V1,
    kind: 'RoleBinding',
    metadata: meta(name, namespace),
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects,
  };
}

/** The roles and bindings of every Kubernetes cluster that matter here. */
function defaultRoles(): KubeObject[] {
  return [
    clusterRole(
      'cluster-admin',
      [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
      true,
    ),
    clusterRoleBinding(
      'cluster-admin',
      'cluster-admin',
      [group('system:masters')],
      true,
    ),
    clusterRole(
      'system:discovery',
      [
        {
          nonResourceURLs: [
            '/api',
            '/api/*',
            '/apis',
            '/apis/*',
            '/healthz',
            '/livez',
            '/openapi',
            '/openapi/*',
            '/readyz',
            '/version',
            '/version/',
          ],
          verbs: ['get'],
        },
      ],
      true,
    ),
    clusterRoleBinding(
      'system:discovery',
      'system:discovery',
      [group('system:authenticated')],
      true,
    ),
    clusterRole(
      'system:basic-user',
      [
        {
          apiGroups: ['authorization.k8s.io'],
          resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
          verbs: ['create'],
        },
      ],
      true,
    ),
    clusterRoleBinding(
      'system:basic-user',
      'system:basic-user',
      [group('system:authenticated')],
      true,
    ),
  ];
}

/** Options of {@link bootstrapPolicy}. */
export interface BootstrapPolicyOptions {
  /** Namespaces the cluster holds (app namespaces get the team's binding). */
  namespaces: string[];
  /** Namespaces the scaffolder identity may write to. */
  scaffolderNamespaces: string[];
  /** Namespaces whose objects the changes identity may patch. */
  changesNamespaces?: string[];
}

/**
 * Every RBAC object (and the namespaces and service accounts they refer
 * to) a demo cluster starts with.
 */
export function bootstrapPolicy(options: BootstrapPolicyOptions): KubeObject[] {
  const ns = DEMO_SERVICE_ACCOUNT_NAMESPACE;
  const appNamespaces = options.namespaces.filter(
    n => !SYSTEM_NAMESPACES.has(n) && n !== RESTRICTED_NAMESPACE,
  );
  return [
    ...defaultRoles(),
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    },
    ...[
      VIEWER_SERVICE_ACCOUNT,
      SCAFFOLDER_SERVICE_ACCOUNT,
      CHANGES_SERVICE_ACCOUNT,
    ].map(name => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: ns },
    })),
    clusterRole('mesh-viewer', VIEWER_RULES),
    clusterRoleBinding('mesh-viewer', 'mesh-viewer', [
      serviceAccount(VIEWER_SERVICE_ACCOUNT),
      group(VIEWERS_GROUP),
    ]),
    clusterRole('mesh-scaffolder', SCAFFOLDER_RULES),
    ...options.scaffolderNamespaces.flatMap(n => [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: n, labels: { 'istio-injection': 'enabled' } },
      },
      roleBinding('mesh-scaffolder', n, 'mesh-scaffolder', [
        serviceAccount(SCAFFOLDER_SERVICE_ACCOUNT),
      ]),
    ]),
    clusterRole('mesh-changes', CHANGES_RULES),
    ...(options.changesNamespaces ?? []).flatMap(n => [
      ...(options.namespaces.includes(n) ||
      options.scaffolderNamespaces.includes(n)
        ? []
        : [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } }]),
      roleBinding('mesh-changes', n, 'mesh-changes', [
        serviceAccount(CHANGES_SERVICE_ACCOUNT),
      ]),
    ]),
    clusterRole('demo:team-editor', TEAM_RULES),
    ...appNamespaces.map(n =>
      roleBinding('demo-team', n, 'demo:team-editor', [group(TEAM_GROUP)]),
    ),
  ];
}

/**
 * Whether a bootstrap object that already exists is put back as defined:
 * only while it keeps `rbac.authorization.kubernetes.io/autoupdate: "true"`
 * (set it to "false" to keep your changes), as kube-apiserver does.
 */
export function reconciles(existing: KubeObject): boolean {
  return existing.metadata.annotations?.[AUTOUPDATE] === 'true';
}
