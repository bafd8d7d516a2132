/*
 * "Where does this request go?" over a resolved chain: the Gateway server
 * that accepts it, the VirtualService (or HTTPRoute) and route that match,
 * the weighted destinations, and the Service port -> targetPort -> pods.
 */
import type {
  ClusterChain,
  GatewayInfo,
  GatewayServer,
  ObjectRef,
  RouteInfo,
  RouteMatch,
  RouteSimulationRequest,
  RouteSimulationResult,
  ServiceInfo,
  SimulatedDestination,
  SimulationStep,
  VirtualServiceInfo,
} from '../types';
import { objectKey } from '../types';
import {
  DEFAULT_CLUSTER_DOMAIN,
  expandHost,
  gatewayServerAdmits,
  hostMatches,
  hostSpecificity,
  kubernetesServiceOf,
  normalizeGatewayRef,
  parseGatewayServerHost,
} from './hosts';
import {
  matchLabelsMatch,
  serviceSelectorMatches,
} from '../engine/kube/labelSelector';
import {
  findMatchingHttpRoute,
  parseRequest,
  RequestFacts,
  RouteEvaluation,
} from './match';
import { trafficShares } from './weights';

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);
const PASSTHROUGH = new Set(['PASSTHROUGH', 'AUTO_PASSTHROUGH', 'Passthrough']);

function refName(ref: ObjectRef): string {
  return `${ref.namespace ?? ''}/${ref.name}`;
}

function sameRef(a: ObjectRef | undefined, b: ObjectRef | undefined): boolean {
  return !!a && !!b && objectKey(a) === objectKey(b);
}

function clusterDomainOf(chain: ClusterChain): string {
  for (const s of chain.services) {
    const m = /^[^.]+\.[^.]+\.svc\.(.+)$/.exec(s.fqdn);
    if (m) {
      return m[1];
    }
  }
  return DEFAULT_CLUSTER_DOMAIN;
}

/** Ports on which a gateway server can be reached from outside. */
function externalPorts(gw: GatewayInfo, server: GatewayServer): number[] {
  const ports = [server.port];
  const sp = gw.workload.servicePorts[String(server.port)];
  if (sp !== undefined) {
    ports.push(sp);
  }
  const np = gw.workload.nodePorts[String(server.port)];
  if (np !== undefined) {
    ports.push(np);
  }
  return ports;
}

interface AcceptedServer {
  gateway: GatewayInfo;
  server: GatewayServer;
  /** How specific the server host that matched is. */
  specificity: number;
  passthrough: boolean;
}

function serverHosts(server: GatewayServer): string[] {
  return server.hosts.length > 0 ? server.hosts : ['*'];
}

function acceptingServers(
  chain: ClusterChain,
  req: RequestFacts,
  reasons: string[],
): AcceptedServer[] {
  const accepted: AcceptedServer[] = [];
  for (const gw of chain.gateways) {
    if (!gw.servers.some(s => externalPorts(gw, s).includes(req.port))) {
      reasons.push(
        `Gateway ${refName(gw.ref)} has no server on port ${req.port} (ports: ${
          gw.servers.map(s => s.port).join(', ') || 'none'
        })`,
      );
    }
    for (const server of gw.servers) {
      const label = `Gateway ${refName(gw.ref)} server ${
        server.name ?? `${server.protocol}:${server.port}`
      }`;
      if (!externalPorts(gw, server).includes(req.port)) {
        continue;
      }
      const protocol = server.protocol.toUpperCase();
      const tlsMode = server.tls?.mode;
      const passthrough =
        (protocol === 'TLS' || protocol === 'HTTPS') &&
        !!tlsMode &&
        PASSTHROUGH.has(tlsMode);
      const terminatesTls = protocol === 'HTTPS' && !passthrough;
      if (req.scheme === 'https' && !terminatesTls && !passthrough) {
        reasons.push(
          `${label} on port ${server.port} speaks ${protocol}, not TLS: an https request fails the handshake`,
        );
        continue;
      }
      if (
        req.scheme === 'http' &&
        !HTTP_PROTOCOLS.has(protocol) &&
        protocol !== 'TCP'
      ) {
        reasons.push(
          `${label} on port ${server.port} expects ${protocol}: a plain http request is refused`,
        );
        continue;
      }
      const hosts = serverHosts(server)
        .map(h => parseGatewayServerHost(h).host)
        .filter(h => hostMatches(h, req.host));
      if (hosts.length === 0) {
        reasons.push(
          `${label} on port ${server.port} does not serve host ${
            req.host
          } (hosts: ${serverHosts(server).join(', ')})`,
        );
        continue;
      }
      accepted.push({
        gateway: gw,
        server,
        specificity: Math.max(...hosts.map(hostSpecificity)),
        passthrough,
      });
    }
  }
  return accepted.sort((a, b) => b.specificity - a.specificity);
}

/** The VirtualServices/HTTPRoutes of the chain, by object key. */
function routeSources(chain: ClusterChain): Map<string, VirtualServiceInfo> {
  const m = new Map<string, VirtualServiceInfo>();
  for (const vs of [...chain.virtualServices, ...chain.httpRoutes]) {
    m.set(objectKey(vs.ref), vs);
  }
  return m;
}

/** Orders the routes of the VirtualServices that best match `host`. */
function routesForHost(
  chain: ClusterChain,
  sources: VirtualServiceInfo[],
  host: string,
  protocol: RouteInfo['protocol'],
): { routes: RouteInfo[]; chosen: VirtualServiceInfo[] } {
  let best = -1;
  let chosen: VirtualServiceInfo[] = [];
  for (const vs of sources) {
    const hosts = vs.hosts.length > 0 ? vs.hosts : ['*'];
    const spec = Math.max(
      -1,
      ...hosts.filter(h => hostMatches(h, host)).map(hostSpecificity),
    );
    if (spec < 0) {
      continue;
    }
    if (spec > best) {
      best = spec;
      chosen = [vs];
    } else if (spec === best) {
      chosen.push(vs);
    }
  }
  // Istio merges several VirtualServices for one host in creation order.
  chosen.sort((a, b) =>
    (a.creationTimestamp ?? '').localeCompare(b.creationTimestamp ?? ''),
  );
  const byId = new Map(chain.routes.map(r => [r.id, r]));
  const routes = chosen.flatMap(vs =>
    vs.routeIds
      .map(id => byId.get(id))
      .filter((r): r is RouteInfo => !!r && r.protocol === protocol),
  );
  return { routes, chosen };
}

/** Gateway API precedence: exact path, longest prefix, method, headers, query. */
function gatewayApiOrder(routes: RouteInfo[]): RouteInfo[] {
  const entries: Array<{ route: RouteInfo; match?: RouteMatch; ts: string }> =
    [];
  for (const r of routes) {
    if (r.match.length === 0) {
      entries.push({ route: r, ts: '' });
    }
    for (const m of r.match) {
      entries.push({ route: { ...r, match: [m] }, match: m, ts: '' });
    }
  }
  const score = (m?: RouteMatch): number[] => [
    m?.uri?.exact !== undefined ? 1 : 0,
    m?.uri?.exact?.length ??
      m?.uri?.prefix?.length ??
      m?.uri?.regex?.length ??
      0,
    m?.method ? 1 : 0,
    Object.keys(m?.headers ?? {}).length,
    Object.keys(m?.queryParams ?? {}).length,
  ];
  return entries
    .map((e, i) => ({ ...e, i, s: score(e.match) }))
    .sort((a, b) => {
      for (let k = 0; k < a.s.length; k++) {
        if (a.s[k] !== b.s[k]) {
          return b.s[k] - a.s[k];
        }
      }
      return a.i - b.i;
    })
    .map(e => e.route);
}

function describeFailures(ev: RouteEvaluation): string {
  const name = ev.route.name ? ` "${ev.route.name}"` : '';
  const where = `${ev.route.source.kind} ${refName(ev.route.source)} ${
    ev.route.protocol
  }[${ev.route.index}]${name}`;
  const blocks = ev.failures
    .map(
      (f, i) => (ev.failures.length > 1 ? `match[${i}]: ` : '') + f.join('; '),
    )
    .join(' | ');
  return `${where} skipped: ${blocks}`;
}

function serviceOfDestination(
  chain: ClusterChain,
  ref: ObjectRef | undefined,
): ServiceInfo | undefined {
  return ref ? chain.services.find(s => sameRef(s.ref, ref)) : undefined;
}

/** Destinations whose pods are ready but will not accept the connection. */
const unreachable = new WeakSet<SimulatedDestination>();

function resolveDestinations(
  chain: ClusterChain,
  route: RouteInfo,
  req: RequestFacts,
  fromMesh: boolean,
  steps: SimulationStep[],
  reasons: string[],
): SimulatedDestination[] {
  const shares = trafficShares(route.destinations.map(d => d.weight));
  return route.destinations.map((d, i) => {
    const weight = shares[i];
    const svc = serviceOfDestination(chain, d.service);
    const result: SimulatedDestination = {
      host: d.host,
      ...(d.subset && { subset: d.subset }),
      weight,
      ...(d.service && { service: d.service }),
      pods: [],
      readyPods: 0,
    };
    steps.push({
      kind: 'destination',
      ...(d.service && { resource: d.service }),
      detail: `${weight}% to ${d.fqdn}${d.subset ? ` subset ${d.subset}` : ''}${
        d.port ? ` port ${d.port}` : ''
      }`,
      ok: weight > 0,
    });
    if (!svc) {
      const why = d.service
        ? `${d.fqdn} is Service ${refName(
            d.service,
          )}, which is not part of this component's chain: its pods are not shown`
        : `${d.fqdn} matches no Service in the cluster: the proxy answers 503 (no healthy upstream / cluster not found)`;
      steps.push({ kind: 'service', detail: why, ok: !!d.service });
      if (!d.service && weight > 0) {
        reasons.push(
          `${weight}% of requests go to ${d.fqdn}, which does not exist`,
        );
      }
      return result;
    }
    let port = d.port;
    if (port === undefined && svc.ports.length === 1) {
      port = svc.ports[0].port;
    }
    if (port === undefined && fromMesh) {
      port = svc.ports.find(p => p.port === req.port)?.port;
    }
    const sp =
      port !== undefined ? svc.ports.find(p => p.port === port) : undefined;
    if (!sp) {
      const why =
        port === undefined
          ? `Service ${refName(svc.ref)} has ${
              svc.ports.length
            } ports and the route names none`
          : `Service ${refName(svc.ref)} has no port ${port}`;
      steps.push({
        kind: 'service',
        resource: svc.ref,
        detail: why,
        ok: false,
      });
      if (weight > 0) {
        reasons.push(why);
      }
      return result;
    }
    result.servicePort = sp.port;
    result.targetPort = sp.resolvedTargetPort ?? sp.targetPort;
    steps.push({
      kind: 'service',
      resource: svc.ref,
      detail: `Service ${refName(svc.ref)} port ${sp.port}${
        sp.name ? ` (${sp.name})` : ''
      } -> targetPort ${sp.targetPort}${
        sp.resolvedTargetPort !== undefined &&
        String(sp.resolvedTargetPort) !== String(sp.targetPort)
          ? ` (container port ${sp.resolvedTargetPort})`
          : ''
      }`,
      ok: true,
    });
    let subsetLabels: Record<string, string> | undefined;
    if (d.subset) {
      const dr = chain.destinationRules.find(r =>
        sameRef(r.ref, d.destinationRule),
      );
      const subset = dr?.subsets.find(s => s.name === d.subset);
      if (!subset) {
        const why = `subset ${d.subset} of ${d.fqdn} is defined by no DestinationRule: the proxy answers 503 (no cluster)`;
        steps.push({ kind: 'pods', detail: why, ok: false });
        if (weight > 0) {
          reasons.push(why);
        }
        return result;
      }
      subsetLabels = subset.labels;
    }
    const pods = chain.pods.filter(
      p =>
        p.ref.namespace === svc.ref.namespace &&
        serviceSelectorMatches(svc.selector, p.labels) &&
        matchLabelsMatch(subsetLabels, p.labels),
    );
    const ready = pods.filter(p => p.ready);
    result.pods = ready.map(p => p.ref.name);
    result.readyPods = ready.length;
    const selector = Object.entries({ ...svc.selector, ...subsetLabels })
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const podDetail =
      pods.length === 0
        ? `no pod carries ${selector}`
        : `${ready.length} of ${pods.length} pods with ${selector} are ready`;
    steps.push({
      kind: 'pods',
      resource: svc.ref,
      detail: podDetail,
      ok: ready.length > 0,
    });
    if (ready.length === 0 && weight > 0) {
      reasons.push(
        `${weight}% of requests go to ${d.fqdn}${
          d.subset ? ` subset ${d.subset}` : ''
        }, where ${podDetail}: 503 no healthy upstream`,
      );
    }
    // The port the connection lands on: a named targetPort the pods do
    // not declare has no endpoint; a number they do not declare is
    // most likely not listened on.
    const declared = [
      ...new Set(
        ready.flatMap(p =>
          p.containers.flatMap(c => c.ports.map(x => x.containerPort)),
        ),
      ),
    ];
    const target = sp.resolvedTargetPort;
    let portProblem: string | undefined;
    if (ready.length > 0 && target === undefined) {
      portProblem = `no container of the pods has a port named "${sp.targetPort}": the Service has no endpoint for port ${sp.port}`;
    } else if (
      ready.length > 0 &&
      target !== undefined &&
      declared.length > 0 &&
      !declared.includes(target)
    ) {
      portProblem = `the pods' containers declare ${declared.join(
        ', ',
      )}, not targetPort ${target}: connections are most likely refused`;
    }
    if (portProblem) {
      unreachable.add(result);
      result.portProblem = portProblem;
      steps.push({
        kind: 'pods',
        resource: svc.ref,
        detail: portProblem,
        ok: false,
      });
      if (weight > 0) {
        reasons.push(
          `${weight}% of requests go to ${d.fqdn}, but ${portProblem}`,
        );
      }
    }
    return result;
  });
}

/**
 * How long the proxy waits and how often it retries on an HTTP route, in
 * the result and as a step.
 */
function patienceStep(
  route: RouteInfo,
  result: RouteSimulationResult,
): SimulationStep {
  if (route.timeout) {
    result.timeout = route.timeout;
  }
  if (route.retries) {
    result.retries = route.retries;
  }
  const r = route.retries;
  let retries: string;
  if (!r) {
    retries = 'retries twice (Istio default)';
  } else if (r.attempts === 0) {
    retries = 'does not retry';
  } else {
    retries = `retries ${r.attempts === 1 ? 'once' : `${r.attempts} times`}${
      r.perTryTimeout ? `, ${r.perTryTimeout} per try` : ''
    }${r.retryOn ? `, on ${r.retryOn}` : ''}`;
  }
  return {
    kind: 'route',
    ...(route.source && { resource: route.source }),
    detail: `${
      route.timeout
        ? `the proxy waits at most ${route.timeout} for an answer (timeout)`
        : 'no timeout (Istio default)'
    }; ${retries}`,
    ok: true,
  };
}

function finishRoute(
  chain: ClusterChain,
  route: RouteInfo,
  req: RequestFacts,
  fromMesh: boolean,
  result: RouteSimulationResult,
): RouteSimulationResult {
  result.routeId = route.id;
  const { steps, reasons } = result;
  if (route.redirect) {
    const r = route.redirect;
    const target = `${r.scheme ?? req.scheme}://${
      r.authority ?? req.authority
    }${r.uri ?? req.path}`;
    steps.push({
      kind: 'route',
      detail: `the route redirects (${r.redirectCode ?? 301}) to ${target}`,
      ok: true,
    });
    reasons.push(`redirected with ${r.redirectCode ?? 301} to ${target}`);
    return result;
  }
  if (route.directResponse) {
    steps.push({
      kind: 'route',
      detail: `the proxy answers ${route.directResponse.status} itself`,
      ok: route.directResponse.status < 400,
    });
    reasons.push(`answered directly with ${route.directResponse.status}`);
    return result;
  }
  if (route.destinations.length === 0) {
    reasons.push('the route has no destination');
    return result;
  }
  if (route.protocol === 'http') {
    steps.push(patienceStep(route, result));
  }
  result.destinations = resolveDestinations(
    chain,
    route,
    req,
    fromMesh,
    steps,
    reasons,
  );
  result.reachable = result.destinations.some(
    d => d.weight > 0 && d.readyPods > 0 && !unreachable.has(d),
  );
  return result;
}

function emptyResult(chain: ClusterChain): RouteSimulationResult {
  return {
    cluster: chain.cluster.name,
    reachable: false,
    destinations: [],
    steps: [],
    reasons: [],
  };
}

function simulateFromGateway(
  chain: ClusterChain,
  req: RequestFacts,
): RouteSimulationResult {
  const result = emptyResult(chain);
  const rejections: string[] = [];
  const accepted = acceptingServers(chain, req, rejections);
  if (accepted.length === 0) {
    result.reasons.push(
      chain.gateways.length === 0
        ? 'No Gateway exposes this component'
        : `No Gateway server of this component accepts ${req.scheme}://${req.host}:${req.port}`,
      ...rejections,
    );
    return result;
  }
  const sources = routeSources(chain);
  const tried: string[] = [];
  for (const { gateway, server, passthrough } of accepted) {
    const gwKey = refName(gateway.ref);
    const gwStep: SimulationStep = {
      kind: 'gateway',
      resource: gateway.ref,
      detail: `Gateway ${gwKey} server ${server.protocol}:${
        server.port
      } (${serverHosts(server).join(', ')}) accepts the request`,
      ok: true,
    };
    if (server.tls?.httpsRedirect && req.scheme === 'http') {
      result.gateway = { ref: gateway.ref, server };
      result.steps.push(gwStep, {
        kind: 'route',
        detail: `the server redirects to https://${req.host}${req.path} (301)`,
        ok: true,
      });
      result.reasons.push(
        `The Gateway answers 301 and redirects to https://${req.host}${req.path}`,
      );
      return result;
    }
    const bound = [...sources.values()].filter(vs => {
      const istio = vs.ref.kind === 'VirtualService';
      if (istio !== (gateway.flavor === 'istio')) {
        return false;
      }
      const ns = vs.ref.namespace ?? '';
      if (!vs.gateways.map(g => normalizeGatewayRef(g, ns)).includes(gwKey)) {
        return false;
      }
      const hosts = vs.hosts.length > 0 ? vs.hosts : ['*'];
      return hosts.some(h =>
        serverHosts(server).some(sh =>
          gatewayServerAdmits(sh, gateway.ref.namespace ?? '', h, ns),
        ),
      );
    });
    const protocol: RouteInfo['protocol'] = passthrough ? 'tls' : 'http';
    const { routes, chosen } = routesForHost(chain, bound, req.host, protocol);
    if (chosen.length === 0) {
      tried.push(
        `Gateway ${gwKey} accepts the request, but no ${
          gateway.flavor === 'istio' ? 'VirtualService' : 'HTTPRoute'
        } of this component bound to it serves host ${
          req.host
        }: the gateway answers 404`,
      );
      continue;
    }
    if (protocol === 'tls') {
      const route = routes.find(
        r =>
          r.match.length === 0 ||
          r.match.some(
            m =>
              (!m.port || m.port === server.port) &&
              (m.sniHosts ?? []).some(h => hostMatches(h, req.host)),
          ),
      );
      if (!route) {
        tried.push(
          `No TLS route of ${chosen
            .map(v => refName(v.ref))
            .join(', ')} matches SNI ${req.host}`,
        );
        continue;
      }
      result.gateway = { ref: gateway.ref, server };
      result.virtualService = route.source;
      result.steps.push(gwStep, {
        kind: 'virtualService',
        resource: route.source,
        detail: `${route.source.kind} ${refName(route.source)} routes SNI ${
          req.host
        } (TLS passthrough)`,
        ok: true,
      });
      return finishRoute(chain, route, req, false, result);
    }
    const ordered =
      gateway.flavor === 'gateway-api' ? gatewayApiOrder(routes) : routes;
    const { winner, evaluated } = findMatchingHttpRoute(ordered, req, {
      gateway: gwKey,
    });
    if (!winner) {
      tried.push(
        `No route of ${chosen
          .map(v => `${v.ref.kind} ${refName(v.ref)}`)
          .join(', ')} matches ${req.method} ${
          req.path
        }: the gateway answers 404`,
        ...evaluated.map(describeFailures),
      );
      continue;
    }
    result.gateway = { ref: gateway.ref, server };
    result.virtualService = winner.route.source;
    const original = routes.find(r => r.id === winner.route.id);
    const matchIndex =
      original && original.match.length > 0 && winner.route.match.length > 0
        ? original.match.indexOf(winner.route.match[0])
        : winner.matchIndex;
    if (matchIndex !== undefined) {
      result.matchIndex = matchIndex;
    }
    result.steps.push(gwStep, {
      kind: 'virtualService',
      resource: winner.route.source,
      detail: `${winner.route.source.kind} ${refName(
        winner.route.source,
      )} serves host ${req.host} on ${gwKey}`,
      ok: true,
    });
    for (const skipped of evaluated.slice(0, -1)) {
      result.steps.push({
        kind: 'route',
        resource: skipped.route.source,
        detail: describeFailures(skipped),
        ok: false,
      });
    }
    result.steps.push({
      kind: 'route',
      resource: winner.route.source,
      detail: `${winner.route.protocol}[${winner.route.index}]${
        winner.route.name ? ` "${winner.route.name}"` : ''
      } matches${
        matchIndex !== undefined
          ? ` (match[${matchIndex}])`
          : ' (no conditions)'
      }`,
      ok: true,
    });
    return finishRoute(chain, original ?? winner.route, req, false, result);
  }
  result.reasons.push(...tried);
  return result;
}

function simulateFromMesh(
  chain: ClusterChain,
  req: RequestFacts,
  sourceNamespace: string | undefined,
  clusterDomain: string,
): RouteSimulationResult {
  const result = emptyResult(chain);
  const srcNs =
    sourceNamespace ?? chain.services[0]?.ref.namespace ?? 'default';
  const svcRef = kubernetesServiceOf(req.host, srcNs, clusterDomain);
  const target = svcRef?.fqdn ?? expandHost(req.host, srcNs, clusterDomain);
  const visible = chain.virtualServices.filter(vs => {
    const ns = vs.ref.namespace ?? '';
    const gws = vs.gateways.length > 0 ? vs.gateways : ['mesh'];
    if (!gws.includes('mesh')) {
      return false;
    }
    const exportTo = vs.exportTo ?? ['*'];
    return (
      exportTo.includes('*') ||
      (exportTo.includes('.') && ns === srcNs) ||
      exportTo.includes(srcNs)
    );
  });
  const expanded = visible.map(vs => ({
    ...vs,
    hosts: vs.hosts.map(h =>
      expandHost(h, vs.ref.namespace ?? '', clusterDomain),
    ),
  }));
  const { routes, chosen } = routesForHost(chain, expanded, target, 'http');
  if (chosen.length === 0) {
    const svc = chain.services.find(s => s.fqdn === target);
    if (!svc) {
      result.reasons.push(
        `${req.host} (${target}) is neither a host of this component's VirtualServices for the mesh nor one of its Services`,
      );
      return result;
    }
    result.steps.push({
      kind: 'virtualService',
      detail: `No VirtualService applies to ${target} inside the mesh: the sidecar balances over all pods of the Service`,
      ok: true,
    });
    const route: RouteInfo = {
      id: `${chain.cluster.name}/${svc.ref.namespace}/${svc.ref.name}/default`,
      source: svc.ref,
      protocol: 'http',
      index: 0,
      hosts: [target],
      gateways: ['mesh'],
      externalUrls: [],
      match: [],
      destinations: [
        { host: target, fqdn: target, weight: 100, service: svc.ref },
      ],
    };
    const r = finishRoute(chain, route, req, true, result);
    delete r.routeId;
    return r;
  }
  const { winner, evaluated } = findMatchingHttpRoute(routes, req, {
    gateway: 'mesh',
    sourceNamespace: srcNs,
  });
  if (!winner) {
    result.reasons.push(
      `No route of ${chosen.map(v => refName(v.ref)).join(', ')} matches ${
        req.method
      } ${req.path} from the mesh: the sidecar answers 404`,
      ...evaluated.map(describeFailures),
    );
    return result;
  }
  result.virtualService = winner.route.source;
  if (winner.matchIndex !== undefined) {
    result.matchIndex = winner.matchIndex;
  }
  result.steps.push({
    kind: 'virtualService',
    resource: winner.route.source,
    detail: `VirtualService ${refName(
      winner.route.source,
    )} serves ${target} inside the mesh`,
    ok: true,
  });
  for (const skipped of evaluated.slice(0, -1)) {
    result.steps.push({
      kind: 'route',
      resource: skipped.route.source,
      detail: describeFailures(skipped),
      ok: false,
    });
  }
  result.steps.push({
    kind: 'route',
    resource: winner.route.source,
    detail: `http[${winner.route.index}]${
      winner.route.name ? ` "${winner.route.name}"` : ''
    } matches`,
    ok: true,
  });
  return finishRoute(chain, winner.route, req, true, result);
}

/**
 * The objects a request passes, by `objectKey`, in order: Gateway, route,
 * for each destination with a share of the traffic its DestinationRule (for
 * a subset), Service, and the ready pods that receive it with their owners.
 */
function pathOf(chain: ClusterChain, result: RouteSimulationResult): string[] {
  const keys = new Set<string>();
  const add = (ref: ObjectRef | undefined) => ref && keys.add(objectKey(ref));
  add(result.gateway?.ref);
  add(result.virtualService);
  const route = chain.routes.find(r => r.id === result.routeId);
  result.destinations.forEach((d, i) => {
    if (d.weight <= 0) {
      return;
    }
    if (d.subset) {
      add(route?.destinations[i]?.destinationRule);
    }
    add(d.service);
    for (const name of d.pods) {
      const pod = chain.pods.find(
        p => p.ref.name === name && p.ref.namespace === d.service?.namespace,
      );
      add(pod?.owner);
      add(pod?.ref);
    }
  });
  return [...keys];
}

function traceRequest(
  chain: ClusterChain,
  request: RouteSimulationRequest,
  options: { clusterDomain?: string },
): RouteSimulationResult {
  let req: RequestFacts;
  try {
    req = parseRequest(request);
  } catch (e) {
    const result = emptyResult(chain);
    result.reasons.push((e as Error).message);
    return result;
  }
  if (chain.error) {
    const result = emptyResult(chain);
    result.reasons.push(
      `The cluster could not be read: ${chain.error.message}`,
    );
    return result;
  }
  const clusterDomain = options.clusterDomain ?? clusterDomainOf(chain);
  return request.from === 'mesh'
    ? simulateFromMesh(chain, req, request.sourceNamespace, clusterDomain)
    : simulateFromGateway(chain, req);
}

/**
 * Simulates where a request goes in one cluster's chain.
 *
 * @public
 */
export function simulateRoute(
  chain: ClusterChain,
  request: RouteSimulationRequest,
  options: { clusterDomain?: string } = {},
): RouteSimulationResult {
  const result = traceRequest(chain, request, options);
  return { ...result, path: pathOf(chain, result) };
}
