/*
 * The catalogue of every diagnostic the mesh backend reports. Codes are
 * stable: a code is never reused for another meaning. docs/diagnostics.md is
 * generated from this catalogue (`renderDiagnosticsMarkdown`) and a test
 * keeps the two identical.
 */
import type { Severity } from './types';

/** @public */
export type DiagnosticCategory =
  | 'routing'
  | 'gateway'
  | 'destination-rule'
  | 'service'
  | 'workload'
  | 'autoscaling'
  | 'traffic';

/** One entry of the catalogue. @public */
export interface DiagnosticDefinition {
  /** Stable code, `MESH-<4 digits>`. */
  code: string;
  title: string;
  severity: Severity;
  category: DiagnosticCategory;
  /** What it means for traffic, in plain words. */
  meaning: string;
  /** How to fix it. */
  fix: string;
  /** Equivalent `istioctl analyze` codes, if any. */
  istioctl?: string[];
  /** Equivalent Kiali validation codes, if any. */
  kiali?: string[];
  /**
   * What the rule reads besides the configuration of the objects it names,
   * that is, what a check of manifests before they are applied may not have
   * (see `checkManifests`):
   *
   * - `status`: object status and pod state, which only a running cluster
   *   shows. A check of manifests alone leaves these codes out; against a
   *   cluster it takes them from the cluster as it is.
   * - `gateway-workload`: the ingress gateway's pods, usually installed apart
   *   from an application's manifests. Left out of a check of manifests alone.
   * - `referenced-objects`: that an object the chain refers to (a Gateway,
   *   a Service, a Deployment, pods) is absent. Found from manifests that
   *   hold everything (a repository: `mesh-chain check -f`) or against a
   *   cluster; left out when the manifests are only part of what the cluster
   *   will hold (one component, as a template renders it) and the cluster is
   *   not at hand.
   * - `traffic`: Istio's metrics in Prometheus (`mesh.telemetry`); only the
   *   Service Mesh tab reports these codes.
   *
   * Absent: the objects' configuration alone, found from manifests.
   */
  needs?: DiagnosticNeeds;
}

/**
 * See {@link DiagnosticDefinition.needs}.
 *
 * @public
 */
export type DiagnosticNeeds =
  | 'status'
  | 'gateway-workload'
  | 'referenced-objects'
  | 'traffic';

const d = (def: DiagnosticDefinition) => def;

/** What the documentation says of a code only a running cluster can show. */
const NEEDS_NOTES: Record<
  NonNullable<DiagnosticDefinition['needs']>,
  string
> = {
  status:
    'Read from the cluster as it runs (object status, pod state): `mesh-chain check` on manifests alone does not report it, and against a cluster reports it as the cluster has it.',
  'gateway-workload':
    'Read from the pods of the ingress gateway, which are usually installed apart from an application: `mesh-chain check` on manifests alone does not report it.',
  'referenced-objects':
    'Reports an object the chain refers to as absent: found from manifests that hold the whole chain (`mesh-chain check -f`) or against a cluster; the scaffolder’s check of one component’s manifests finds it only against the target cluster.',
  traffic:
    'Read from the traffic Istio reports to Prometheus (`mesh.telemetry`): only the Service Mesh tab reports it; `mesh-chain check` and the template do not.',
};

/**
 * Every diagnostic code, in catalogue order.
 *
 * @public
 */
export const MESH_DIAGNOSTICS: readonly DiagnosticDefinition[] = [
  // Routing: VirtualService and HTTPRoute
  d({
    code: 'MESH-1001',
    title: 'VirtualService gateway not found',
    severity: 'error',
    category: 'routing',
    meaning:
      'A VirtualService binds a Gateway (`gateways: [ns/name]`, or a bare name meaning its own namespace) that does not exist. No gateway serves its routes, so requests from outside the mesh get 404.',
    fix: 'Correct the `gateways` entry to `<gateway namespace>/<gateway name>` of an existing Gateway, or create the Gateway.',
    istioctl: ['IST0101'],
    kiali: ['KIA1102'],
    needs: 'referenced-objects',
  }),
  d({
    code: 'MESH-1002',
    title: 'Route destination host not found',
    severity: 'error',
    category: 'routing',
    meaning:
      'A route sends traffic to a host that matches no Service in the cluster. Short names are read in the VirtualService namespace, not the Service namespace. That share of requests fails with 503.',
    fix: 'Point `destination.host` at an existing Service, preferably by its FQDN `<name>.<namespace>.svc.<cluster domain>`, or create the Service.',
    istioctl: ['IST0101'],
    kiali: ['KIA1101'],
    needs: 'referenced-objects',
  }),
  d({
    code: 'MESH-1003',
    title: 'Route destination subset not found',
    severity: 'error',
    category: 'routing',
    meaning:
      'A route names a subset that no DestinationRule for that host defines. The proxy has no cluster for it and answers 503 (NR).',
    fix: 'Add the subset to the DestinationRule for the host, or remove `subset` from the destination.',
    istioctl: ['IST0101'],
    kiali: ['KIA1107'],
    needs: 'referenced-objects',
  }),
  d({
    code: 'MESH-1004',
    title: 'Destination port required',
    severity: 'error',
    category: 'routing',
    meaning:
      'The destination Service exposes several ports and the route does not choose one, so the proxy cannot tell which port to send to.',
    fix: 'Set `destination.port.number` to one of the Service ports.',
    istioctl: ['IST0112'],
  }),
  d({
    code: 'MESH-1005',
    title: 'Destination port not on the Service',
    severity: 'error',
    category: 'routing',
    meaning:
      'The route sends to a port number that the destination Service does not expose. Requests fail with 503.',
    fix: 'Use one of the Service ports in `destination.port.number`, or add the port to the Service.',
  }),
  d({
    code: 'MESH-1006',
    title: 'VirtualService host not on the bound Gateway',
    severity: 'warning',
    category: 'routing',
    meaning:
      'The VirtualService binds a Gateway, but none of its hosts is among that Gateway’s server hosts (including the `namespace/` restriction). The Gateway ignores it for those hosts.',
    fix: 'Add the host to a server of the Gateway, or change the VirtualService hosts to ones the Gateway serves.',
    istioctl: ['IST0132'],
  }),
  d({
    code: 'MESH-1007',
    title: 'Several VirtualServices for one host',
    severity: 'warning',
    category: 'routing',
    meaning:
      'More than one VirtualService defines the same host on the same gateway (or on `mesh`). Istio merges them only partly and in creation order, so which route wins is hard to predict.',
    fix: 'Merge the routes into one VirtualService per host and gateway, or give each a distinct host.',
    istioctl: ['IST0109'],
    kiali: ['KIA1106'],
  }),
  d({
    code: 'MESH-1008',
    title: 'Route weights do not sum to 100',
    severity: 'warning',
    category: 'routing',
    meaning:
      'The weights of a route’s destinations do not add up to 100. Istio documents a sum of 100; proxies split in proportion to the weights, so the real shares differ from the numbers written (older Istio versions reject the VirtualService).',
    fix: 'Adjust the weights so that they add up to exactly 100.',
    istioctl: ['IST0106'],
  }),
  d({
    code: 'MESH-1009',
    title: 'Invalid regular expression',
    severity: 'error',
    category: 'routing',
    meaning:
      'A regex in a match (or a `uriRegexRewrite`) is not valid RE2 as Istio checks it: backreferences, lookahead and lookbehind, atomic groups, possessive quantifiers, malformed patterns and patterns longer than 1024 characters are refused. Istio rejects the object, or the proxy refuses the configuration.',
    fix: 'Rewrite the pattern in RE2 syntax as the message says; remember that it must match the whole value.',
    istioctl: ['IST0122'],
  }),
  d({
    code: 'MESH-1010',
    title: 'Destination host is not fully qualified',
    severity: 'warning',
    category: 'routing',
    meaning:
      'A destination host is written as `name.namespace` or `name.namespace.svc`. Kubernetes DNS resolves these, but Istio takes destination hosts literally and has no service of that name, so requests fail with 503.',
    fix: 'Write the host as `<name>.<namespace>.svc.<cluster domain>` (or the short name when the Service is in the VirtualService namespace).',
  }),
  d({
    code: 'MESH-1011',
    title: 'Unreachable route',
    severity: 'warning',
    category: 'routing',
    meaning:
      'An earlier route matches every request (no match conditions, or only `prefix: /`), so this route and those after it never receive traffic; or an earlier route’s paths take every request this route’s paths would (`prefix: /api` before `prefix: /api/v1`), so this route never does.',
    fix: 'Move the catch-all route to the end of the list, or give it match conditions; list more specific paths before the paths that cover them.',
    istioctl: ['IST0130'],
  }),
  d({
    code: 'MESH-1012',
    title: 'Single destination with a weight other than 100',
    severity: 'info',
    category: 'routing',
    meaning:
      'A route has one destination with a weight that is not 100. It receives all traffic anyway; the weight is misleading.',
    fix: 'Remove the weight, or set it to 100.',
    kiali: ['KIA1104'],
  }),
  d({
    code: 'MESH-1013',
    title: 'Duplicate destination in a route',
    severity: 'warning',
    category: 'routing',
    meaning:
      'The same host and subset appear more than once among a route’s destinations, so the split is not what it looks like.',
    fix: 'Keep one entry per host and subset and add up their weights.',
    kiali: ['KIA1105'],
  }),
  d({
    code: 'MESH-1014',
    title: 'HTTPRoute parent Gateway not found',
    severity: 'error',
    category: 'routing',
    meaning:
      'An HTTPRoute attaches to a Gateway (`parentRefs`) that does not exist, so no gateway serves it.',
    fix: 'Correct `parentRefs` to an existing Gateway (name and namespace), or create it.',
    istioctl: ['IST0101'],
    needs: 'referenced-objects',
  }),
  d({
    code: 'MESH-1015',
    title: 'HTTPRoute backend not found',
    severity: 'error',
    category: 'routing',
    meaning:
      'An HTTPRoute rule sends traffic to a backend Service that does not exist. Requests for that share fail with 500/503.',
    fix: 'Correct `backendRefs` to an existing Service and port, or create the Service.',
    istioctl: ['IST0101'],
    needs: 'referenced-objects',
  }),
  d({
    code: 'MESH-1016',
    title: 'VirtualService not exported to its gateway',
    severity: 'error',
    category: 'routing',
    meaning:
      'The VirtualService binds a Gateway, but its `exportTo` hides it from the namespace where that gateway’s proxies run, so the gateway never receives its routes.',
    fix: 'Add the gateway workload’s namespace (or `*`) to `exportTo`, or remove `exportTo`.',
  }),
  d({
    code: 'MESH-1017',
    title: 'HTTPRoute not allowed by its Gateway',
    severity: 'error',
    category: 'routing',
    meaning:
      'The HTTPRoute attaches to a Gateway whose listeners do not accept it: the Gateway reports it not accepted, no listener allows routes from the route’s namespace (`allowedRoutes` defaults to the same namespace), or no listener hostname intersects the route’s hostnames.',
    fix: 'Set `allowedRoutes.namespaces.from` on the listener (`All`, or `Selector`), put the route in the Gateway’s namespace, or align the hostnames.',
  }),
  // Gateways
  d({
    code: 'MESH-2001',
    title: 'Gateway selects no workload',
    severity: 'error',
    category: 'gateway',
    meaning:
      'No pod in the cluster carries the labels of the Gateway’s `selector`, so no gateway proxy serves its servers and nothing from outside reaches the routes bound to it.',
    fix: 'Set `spec.selector` to the labels of the ingress gateway pods (for example `istio: ingressgateway`), or deploy the gateway.',
    istioctl: ['IST0127'],
    kiali: ['KIA0302'],
    needs: 'gateway-workload',
  }),
  d({
    code: 'MESH-2002',
    title: 'Conflicting Gateways',
    severity: 'error',
    category: 'gateway',
    meaning:
      'Two Gateways select the same gateway workload and declare the same host on the same port. The proxy keeps only one of the two servers, so routes bound to the other Gateway for that host are ignored. (A wildcard beside a specific host is not a conflict: the most specific host wins.)',
    fix: 'Give each Gateway distinct hosts on that port, or merge the servers into one Gateway.',
    istioctl: ['IST0145'],
    kiali: ['KIA0301'],
  }),
  d({
    code: 'MESH-2003',
    title: 'Gateway port not exposed by the gateway Service',
    severity: 'warning',
    category: 'gateway',
    meaning:
      'A Gateway server declares a port that the Service in front of the gateway workload does not expose (Istio reads the server port as that Service’s port), so traffic from outside cannot reach that server.',
    fix: 'Use a port the gateway Service exposes (for the default ingress gateway: 80 or 443), or add the port to the Service.',
    istioctl: ['IST0162'],
  }),
  d({
    code: 'MESH-2004',
    title: 'Gateway workload has no ready pod',
    severity: 'error',
    category: 'gateway',
    meaning:
      'The Gateway selects gateway pods, but none of them is ready, so requests from outside are refused.',
    fix: 'Check the gateway Deployment (events, logs, readiness) and bring its pods back.',
    needs: 'status',
  }),
  d({
    code: 'MESH-2005',
    title: 'Gateway API Gateway not accepted or not programmed',
    severity: 'error',
    category: 'gateway',
    meaning:
      'The Gateway’s status reports Accepted or Programmed as False: its controller (for example Istio, for class `istio`) rejected it or could not deploy it, so its listeners serve nothing.',
    fix: 'Read the condition’s reason and message; check that the GatewayClass exists and that its controller runs.',
    needs: 'status',
  }),
  // DestinationRules
  d({
    code: 'MESH-3001',
    title: 'DestinationRule host matches no Service',
    severity: 'warning',
    category: 'destination-rule',
    meaning:
      'The DestinationRule’s host (short names read in its own namespace) matches no Service, so its traffic policy and subsets apply to nothing.',
    fix: 'Set `spec.host` to the Service FQDN `<name>.<namespace>.svc.<cluster domain>`.',
    istioctl: ['IST0174'],
    kiali: ['KIA0202'],
    needs: 'referenced-objects',
  }),
  d({
    code: 'MESH-3002',
    title: 'DestinationRule subset selects no pods',
    severity: 'warning',
    category: 'destination-rule',
    meaning:
      'No pod of the host’s Service carries the subset’s labels. Traffic routed to the subset fails with 503 (no healthy upstream).',
    fix: 'Fix the subset `labels` to match the pods’ labels, or deploy the version the subset names.',
    istioctl: ['IST0173'],
    kiali: ['KIA0203'],
    needs: 'referenced-objects',
  }),
  d({
    code: 'MESH-3003',
    title: 'Duplicate DestinationRule subset',
    severity: 'warning',
    category: 'destination-rule',
    meaning:
      'Several DestinationRules (or one rule twice) define the same subset for the same host. Only one definition is used.',
    fix: 'Keep one DestinationRule per host and one subset per name.',
    kiali: ['KIA0201'],
  }),
  d({
    code: 'MESH-3004',
    title: 'DestinationRule subset without labels',
    severity: 'warning',
    category: 'destination-rule',
    meaning:
      'A subset with no `labels` selects every pod of the host’s Service, whatever its version. Traffic routed to it is spread over all versions, so a route that means to pin a version (or a weighted split between subsets) does not do what it says.',
    fix: 'Give the subset the labels of the pods it stands for, e.g. `labels: { version: v2 }`, and put the same label on that Deployment’s pod template; to send traffic to every pod, route to the host without a subset instead.',
  }),
  // Services
  d({
    code: 'MESH-4001',
    title: 'Service selector selects no pods',
    severity: 'error',
    category: 'service',
    meaning:
      'No pod in the Service’s namespace carries all the labels of its selector, so the Service has no endpoints and every request to it fails.',
    fix: 'Make the selector equal to labels of the pod template, or fix the pod labels.',
    needs: 'referenced-objects',
  }),
  d({
    code: 'MESH-4002',
    title: 'targetPort not exposed by any container',
    severity: 'warning',
    category: 'service',
    meaning:
      'The Service’s numeric targetPort is not among the container ports that the selected pods declare. Kubernetes still sends traffic there, so unless the process listens on an undeclared port, connections are refused.',
    fix: 'Set targetPort to the `containerPort` the application listens on, or declare that port in the container.',
    kiali: ['KIA0701'],
  }),
  d({
    code: 'MESH-4003',
    title: 'Port name not under the Istio naming convention',
    severity: 'info',
    category: 'service',
    meaning:
      'The Service port has neither `appProtocol` nor a name of the form `<protocol>[-suffix]` (http, http2, https, grpc, grpc-web, tcp, tls, mongo, mysql, redis, udp), so Istio has to guess the protocol and may treat HTTP as opaque TCP.',
    fix: 'Name the port `http-<suffix>` (or the right protocol), or set `appProtocol`.',
    istioctl: ['IST0118'],
    kiali: ['KIA0601', 'KIA0602'],
  }),
  d({
    code: 'MESH-4004',
    title: 'NodePort out of range',
    severity: 'error',
    category: 'service',
    meaning:
      'A nodePort is outside the default node port range 30000-32767; the API server rejects it unless the cluster was configured with another range.',
    fix: 'Pick a nodePort between 30000 and 32767, or leave it empty to get one assigned.',
  }),
  d({
    code: 'MESH-4005',
    title: 'LoadBalancer has no address yet',
    severity: 'warning',
    category: 'service',
    meaning:
      'A LoadBalancer Service has no ingress IP or hostname yet, so it cannot be reached from outside the cluster.',
    fix: 'Check that the cluster has a load balancer controller and quota; see the Service events.',
    needs: 'status',
  }),
  d({
    code: 'MESH-4006',
    title: 'Service has no ready pod',
    severity: 'error',
    category: 'service',
    meaning:
      'The Service selects pods, but none of them is ready, so requests fail with 503.',
    fix: 'Look at the pods’ events, logs and readiness probes.',
    needs: 'status',
  }),
  d({
    code: 'MESH-4007',
    title: 'Named targetPort not found',
    severity: 'error',
    category: 'service',
    meaning:
      'The Service’s targetPort is a port name, and no container of the pods it selects declares a port of that name, so the Service has no endpoint for that port and requests fail.',
    fix: 'Name the container port as the targetPort says, or set targetPort to the container port number.',
    kiali: ['KIA0701'],
  }),
  // Workloads
  d({
    code: 'MESH-5001',
    title: 'Deployment not at desired replicas',
    severity: 'warning',
    category: 'workload',
    meaning:
      'Fewer pods are ready or available than the Deployment asks for, so capacity is reduced.',
    fix: 'Look at the pods that are not ready (events, logs, resource quota, scheduling).',
    needs: 'status',
  }),
  d({
    code: 'MESH-5002',
    title: 'Rollout stuck',
    severity: 'error',
    category: 'workload',
    meaning:
      'The Deployment’s Progressing condition reports ProgressDeadlineExceeded: the new ReplicaSet did not become available in time.',
    fix: 'Find why the new pods do not become ready (image, probes, resources), then fix it or roll back.',
    needs: 'status',
  }),
  d({
    code: 'MESH-5003',
    title: 'Pod failing',
    severity: 'error',
    category: 'workload',
    meaning:
      'A pod of the component is crash looping, cannot pull its image, or failed, so it receives no traffic.',
    fix: 'Read the container’s logs and events and fix the cause.',
    needs: 'status',
  }),
  // Autoscaling
  d({
    code: 'MESH-6001',
    title: 'HPA at its maximum',
    severity: 'warning',
    category: 'autoscaling',
    meaning:
      'The HorizontalPodAutoscaler runs at maxReplicas, so load above this level is not absorbed. Not reported when minReplicas equals maxReplicas (a count pinned on purpose) unless the HPA wants more.',
    fix: 'Raise `maxReplicas` if the cluster has room, or make each pod handle more load.',
    needs: 'status',
  }),
  d({
    code: 'MESH-6002',
    title: 'HPA cannot read its metrics',
    severity: 'error',
    category: 'autoscaling',
    meaning:
      'The ScalingActive condition is False: the HPA cannot compute a replica count (metrics missing, metrics server down, or no resource requests), so it does not scale.',
    fix: 'Check the metrics pipeline (metrics-server, adapters) and the condition message.',
    needs: 'status',
  }),
  d({
    code: 'MESH-6003',
    title: 'Utilization target without resource requests',
    severity: 'error',
    category: 'autoscaling',
    meaning:
      'The HPA scales on utilization of a resource, but a container of the target has no request for it; utilization is a percentage of the request, so the HPA cannot compute it.',
    fix: 'Set `resources.requests` for that resource on every container, or use an AverageValue target.',
  }),
  d({
    code: 'MESH-6004',
    title: 'HPA unable to scale',
    severity: 'error',
    category: 'autoscaling',
    meaning:
      'The AbleToScale condition is False: the HPA cannot read or update the scale of its target.',
    fix: 'Read the condition message; check the target exists and the controller’s permissions.',
    needs: 'status',
  }),
  d({
    code: 'MESH-6005',
    title: 'HPA scale target not found',
    severity: 'error',
    category: 'autoscaling',
    meaning:
      'The HPA’s `scaleTargetRef` names a Deployment that does not exist in its namespace, so nothing is scaled (the autoscaler reports FailedGetScale).',
    fix: 'Set `spec.scaleTargetRef.name` to the Deployment to scale, or create that Deployment.',
    needs: 'referenced-objects',
  }),
  // Traffic: only what the requests themselves show (needs Prometheus)
  d({
    code: 'MESH-7001',
    title: 'Observed split far from the configured weights',
    severity: 'warning',
    category: 'traffic',
    needs: 'traffic',
    meaning:
      'The requests a route served split between its destinations differently from the weights it configures, by more than 10 points (and by more than random variation explains). Another VirtualService for the same host, clients that bypass the route (calling a Service directly), sticky sessions (consistentHash) or a subset without ready pods take the difference.',
    fix: 'Check for other routes to the same host (MESH-1007) and for clients calling the Service directly; compare the weights with what the rollout expects.',
  }),
  d({
    code: 'MESH-7002',
    title: 'Route failing above its tolerance',
    severity: 'error',
    category: 'traffic',
    needs: 'traffic',
    meaning:
      'A share of a route’s (or one destination’s) requests fails above the failure tolerance (by default more than 10% 5xx or 20% 4xx, Kiali’s defaults, `mesh.telemetry.tolerances`). The response flags say why: `UH` no healthy upstream (a subset or Service without ready pods), `NC` no such cluster (a destination host that does not exist), `UF` connection failure (nothing listens on the target port), `UT` timeout, `FI` injected fault.',
    fix: 'Read the response flags on the route: fix the destination that fails (subset labels, Service selector or targetPort, the workload itself), or remove the fault injection.',
  }),
  d({
    code: 'MESH-7003',
    title: 'Requests for a host no route serves',
    severity: 'error',
    category: 'traffic',
    needs: 'traffic',
    meaning:
      'Requests arrive at the ingress gateway for a host of this chain, and the gateway answers 404 with the `NR` flag (no route): no VirtualService bound to a Gateway that accepts the request serves that host. Clients are calling it and failing.',
    fix: 'Bind the VirtualService to the Gateway the host’s DNS points at (`gateways: [<ns>/<gateway>]`, see MESH-1001 and MESH-1006), or stop sending clients to the host.',
  }),
  d({
    code: 'MESH-7004',
    title: 'Autoscaler at its maximum above target',
    severity: 'warning',
    category: 'traffic',
    needs: 'traffic',
    meaning:
      'Prometheus sees the HPA at maxReplicas while its metric stays above the target by more than the HPA’s 10% tolerance: the load needs more pods than it may add, so each pod runs hotter than planned and latency grows with the load.',
    fix: 'Raise maxReplicas (and check the cluster has room), make each pod cheaper, or lower the load; the chart of the autoscaler shows how long it has been pinned.',
  }),
];

const BY_CODE = new Map(MESH_DIAGNOSTICS.map(x => [x.code, x]));

/**
 * The catalogue entry for a code; throws for an unknown code so a typo
 * cannot ship.
 *
 * @public
 */
export function getDiagnosticDefinition(code: string): DiagnosticDefinition {
  const def = BY_CODE.get(code);
  if (!def) {
    throw new Error(`Unknown diagnostic code ${code}`);
  }
  return def;
}

const CATEGORY_TITLES: Record<DiagnosticCategory, string> = {
  routing: 'Routing (VirtualService, HTTPRoute)',
  gateway: 'Gateways',
  'destination-rule': 'DestinationRules',
  service: 'Services',
  workload: 'Workloads',
  autoscaling: 'Autoscaling',
  traffic: 'Traffic (from Prometheus)',
};

/** A Markdown table with padded columns, as prettier writes it. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.max(3, h.length, ...rows.map(r => r[i].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(header),
    line(widths.map(w => '-'.repeat(w))),
    ...rows.map(line),
  ];
}

/**
 * The user documentation of the catalogue, as Markdown
 * (`docs/diagnostics.md`).
 *
 * @public
 */
export function renderDiagnosticsMarkdown(): string {
  const lines: string[] = [
    '# Mesh diagnostics',
    '',
    '<!-- Generated from plugins/mesh-common/src/diagnostics.ts; a test keeps this file in sync. -->',
    '',
    'The mesh backend checks each component’s chain (Gateway, VirtualService or HTTPRoute, DestinationRule, Service, Deployment, HPA, Pods) and reports these diagnostics. Codes are stable. Checks for conflicts (several VirtualServices for one host, conflicting Gateways) look at the whole cluster; all other checks look only at the resources in the component’s chain.',
    '',
    ...table(
      ['Code', 'Severity', 'Title', 'istioctl', 'Kiali'],
      MESH_DIAGNOSTICS.map(x => [
        `[${x.code}](#${x.code.toLowerCase()})`,
        x.severity,
        x.title,
        x.istioctl?.join(', ') ?? '',
        x.kiali?.join(', ') ?? '',
      ]),
    ),
  ];
  for (const category of Object.keys(CATEGORY_TITLES) as DiagnosticCategory[]) {
    lines.push('', `## ${CATEGORY_TITLES[category]}`);
    for (const x of MESH_DIAGNOSTICS.filter(y => y.category === category)) {
      const equivalents = [
        ...(x.istioctl ?? []).map(c => `istioctl ${c}`),
        ...(x.kiali ?? []).map(c => `Kiali ${c}`),
      ];
      lines.push(
        '',
        `### ${x.code}`,
        '',
        `**${x.title}** (${x.severity})`,
        '',
        x.meaning,
        '',
        `Fix: ${x.fix}`,
      );
      if (equivalents.length > 0) {
        lines.push('', `Equivalent: ${equivalents.join(', ')}.`);
      }
      if (x.needs) {
        lines.push('', NEEDS_NOTES[x.needs]);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
