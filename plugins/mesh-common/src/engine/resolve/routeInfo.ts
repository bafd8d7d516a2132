/*
 * VirtualService and HTTPRoute routes -> RouteInfo, with external URLs.
 */
import type {
  GatewayInfo,
  ObjectRef,
  RouteDestination,
  RouteInfo,
  RouteMatch,
  StringMatch,
} from '../../types';
import {
  gatewayServerAdmits,
  hostMatches,
  isWildcardHost,
  normalizeGatewayRef,
  parseGatewayServerHost,
  serviceFqdn,
} from '../../routing/hosts';
import type { KubeObject } from '../kube/KubeObject';
import { destinationKey } from '../reads/ChainIndex';
import { refOf } from './objectInfo';

/** Resolves a destination to the Service and DestinationRule it uses. */
export interface DestinationResolver {
  service(fqdn: string): KubeObject | undefined;
  destinationRule(
    fqdn: string,
    subset: string | undefined,
    clientNamespace: string | undefined,
  ): KubeObject | undefined;
}

function stringMatch(m: any): StringMatch | undefined {
  if (!m || typeof m !== 'object') {
    return undefined;
  }
  if (typeof m.exact === 'string') {
    return { exact: m.exact };
  }
  if (typeof m.prefix === 'string') {
    return { prefix: m.prefix };
  }
  if (typeof m.regex === 'string') {
    return { regex: m.regex };
  }
  return {};
}

function stringMatchMap(
  m: any,
  lowerKeys: boolean,
): Record<string, StringMatch> | undefined {
  if (!m || typeof m !== 'object') {
    return undefined;
  }
  const out: Record<string, StringMatch> = {};
  for (const [k, v] of Object.entries(m)) {
    out[lowerKeys ? k.toLocaleLowerCase('en-US') : k] = stringMatch(v) ?? {};
  }
  return out;
}

function istioMatch(m: any, vsNamespace: string): RouteMatch {
  const out: RouteMatch = {};
  if (m.name) out.name = m.name;
  const uri = stringMatch(m.uri);
  if (uri) out.uri = uri;
  const headers = stringMatchMap(m.headers, true);
  if (headers) out.headers = headers;
  const without = stringMatchMap(m.withoutHeaders, true);
  if (without) out.withoutHeaders = without;
  const method = stringMatch(m.method);
  if (method) out.method = method;
  const authority = stringMatch(m.authority);
  if (authority) out.authority = authority;
  const scheme = stringMatch(m.scheme);
  if (scheme) out.scheme = scheme;
  const query = stringMatchMap(m.queryParams, false);
  if (query) out.queryParams = query;
  if (typeof m.port === 'number') out.port = m.port;
  if (m.ignoreUriCase) out.ignoreUriCase = true;
  if (Array.isArray(m.gateways) && m.gateways.length > 0) {
    out.gateways = m.gateways.map((g: string) =>
      normalizeGatewayRef(g, vsNamespace),
    );
  }
  if (Array.isArray(m.sniHosts)) out.sniHosts = m.sniHosts;
  if (Array.isArray(m.destinationSubnets)) {
    out.destinationSubnets = m.destinationSubnets;
  }
  if (m.sourceNamespace) out.sourceNamespace = m.sourceNamespace;
  if (m.sourceLabels && Object.keys(m.sourceLabels).length > 0) {
    out.sourceLabels = m.sourceLabels;
  }
  return out;
}

/** The gateways a VirtualService applies to, normalized. */
export function vsGateways(vs: KubeObject): string[] {
  const list: unknown[] = Array.isArray(vs.spec?.gateways)
    ? vs.spec.gateways
    : [];
  const gws = list
    .filter((g): g is string => typeof g === 'string')
    .map(g => normalizeGatewayRef(g, vs.metadata.namespace ?? ''));
  return gws.length > 0 ? gws : ['mesh'];
}

function clientNamespaceOf(
  gateways: string[],
  gatewayNamespaces: Map<string, string>,
): string | undefined {
  if (gateways.includes('mesh')) {
    return undefined;
  }
  for (const g of gateways) {
    const ns = gatewayNamespaces.get(g);
    if (ns) {
      return ns;
    }
  }
  return undefined;
}

function destinations(
  list: any[],
  namespace: string,
  clusterDomain: string,
  resolver: DestinationResolver,
  clientNamespace: string | undefined,
): RouteDestination[] {
  const entries = list.filter(rd => rd?.destination?.host);
  return entries.map(rd => {
    const d = rd.destination;
    const key = destinationKey(d.host, namespace, clusterDomain);
    const svc = resolver.service(key.fqdn);
    const dr = resolver.destinationRule(key.fqdn, d.subset, clientNamespace);
    return {
      host: d.host,
      fqdn: key.fqdn,
      ...(d.subset && { subset: d.subset }),
      ...(d.port?.number !== undefined && { port: d.port.number }),
      weight: entries.length === 1 ? 100 : rd.weight ?? 0,
      ...(svc && { service: refOf(svc) }),
      ...(dr && { destinationRule: refOf(dr) }),
    };
  });
}

/**
 * The routes of a VirtualService, in order (http, then tls, then tcp).
 * `gatewayNamespaces` maps `ns/name` of known gateways to the namespace of
 * their workload (the client namespace for DestinationRule look-up).
 */
export function virtualServiceRoutes(
  vs: KubeObject,
  cluster: string,
  clusterDomain: string,
  resolver: DestinationResolver,
  gatewayNamespaces: Map<string, string>,
): RouteInfo[] {
  const namespace = vs.metadata.namespace ?? '';
  const source = refOf(vs);
  const hosts: string[] = Array.isArray(vs.spec?.hosts) ? vs.spec.hosts : [];
  const gateways = vsGateways(vs);
  const client = clientNamespaceOf(gateways, gatewayNamespaces);
  const routes: RouteInfo[] = [];
  for (const protocol of ['http', 'tls', 'tcp'] as const) {
    const list: any[] = Array.isArray(vs.spec?.[protocol])
      ? vs.spec[protocol]
      : [];
    list.forEach((r, index) => {
      if (!r || typeof r !== 'object') {
        return;
      }
      const route: RouteInfo = {
        id: `${cluster}/${namespace}/${vs.metadata.name}/${protocol}/${index}`,
        source,
        protocol,
        ...(r.name && { name: r.name }),
        index,
        hosts,
        gateways,
        externalUrls: [],
        match: (Array.isArray(r.match) ? r.match : [])
          .filter((m: unknown) => m && typeof m === 'object')
          .map((m: any) => istioMatch(m, namespace)),
        destinations: destinations(
          Array.isArray(r.route) ? r.route : [],
          namespace,
          clusterDomain,
          resolver,
          client,
        ),
      };
      if (r.rewrite) {
        route.rewrite = {
          ...(r.rewrite.uri !== undefined && { uri: r.rewrite.uri }),
          ...(r.rewrite.authority && { authority: r.rewrite.authority }),
          ...(r.rewrite.uriRegexRewrite && {
            uriRegex: {
              match: r.rewrite.uriRegexRewrite.match,
              rewrite: r.rewrite.uriRegexRewrite.rewrite,
            },
          }),
        };
      }
      if (r.redirect) {
        route.redirect = {
          ...(r.redirect.uri && { uri: r.redirect.uri }),
          ...(r.redirect.authority && { authority: r.redirect.authority }),
          ...(r.redirect.scheme && { scheme: r.redirect.scheme }),
          ...(r.redirect.redirectCode && {
            redirectCode: r.redirect.redirectCode,
          }),
        };
      }
      if (r.directResponse?.status) {
        route.directResponse = { status: r.directResponse.status };
      }
      if (r.timeout) route.timeout = r.timeout;
      if (r.retries) {
        route.retries = {
          attempts: r.retries.attempts ?? 0,
          ...(r.retries.perTryTimeout && {
            perTryTimeout: r.retries.perTryTimeout,
          }),
          ...(r.retries.retryOn && { retryOn: r.retries.retryOn }),
        };
      }
      if (r.fault) {
        route.fault = {
          ...(r.fault.delay?.fixedDelay && { delay: r.fault.delay.fixedDelay }),
          ...(r.fault.delay?.percentage?.value !== undefined && {
            delayPercent: r.fault.delay.percentage.value,
          }),
          ...(r.fault.abort?.httpStatus && {
            abortStatus: r.fault.abort.httpStatus,
          }),
          ...(r.fault.abort?.percentage?.value !== undefined && {
            abortPercent: r.fault.abort.percentage.value,
          }),
        };
      }
      if (r.mirror?.host) {
        route.mirror = {
          host: r.mirror.host,
          ...(r.mirror.subset && { subset: r.mirror.subset }),
          ...((r.mirrorPercentage?.value ?? r.mirror_percent) !== undefined && {
            percent: r.mirrorPercentage?.value ?? r.mirror_percent,
          }),
        };
      }
      if (r.headers) route.headers = r.headers;
      routes.push(route);
    });
  }
  return routes;
}

/** `ns/name` of the Gateways an HTTPRoute attaches to. */
export function httpRouteParents(route: KubeObject): string[] {
  const refs: any[] = Array.isArray(route.spec?.parentRefs)
    ? route.spec.parentRefs
    : [];
  return refs
    .filter(
      p =>
        p?.name &&
        (p.kind ?? 'Gateway') === 'Gateway' &&
        (p.group ?? 'gateway.networking.k8s.io') ===
          'gateway.networking.k8s.io',
    )
    .map(p => `${p.namespace ?? route.metadata.namespace ?? ''}/${p.name}`);
}

function gatewayApiMatch(m: any): RouteMatch {
  const out: RouteMatch = {};
  const path = m.path;
  if (path) {
    const value = path.value ?? '/';
    if (path.type === 'Exact') {
      out.uri = { exact: value };
    } else if (path.type === 'RegularExpression') {
      out.uri = { regex: value };
    } else {
      out.uri = { prefix: value };
      out.pathSeparatedPrefix = true;
    }
  }
  const toMap = (list: any[], lower: boolean) => {
    const map: Record<string, StringMatch> = {};
    for (const h of list) {
      if (!h?.name) continue;
      const key = lower ? String(h.name).toLocaleLowerCase('en-US') : h.name;
      map[key] =
        h.type === 'RegularExpression'
          ? { regex: h.value }
          : { exact: h.value };
    }
    return map;
  };
  if (Array.isArray(m.headers) && m.headers.length > 0) {
    out.headers = toMap(m.headers, true);
  }
  if (Array.isArray(m.queryParams) && m.queryParams.length > 0) {
    out.queryParams = toMap(m.queryParams, false);
  }
  if (m.method) out.method = { exact: m.method };
  return out;
}

/** The rules of a Gateway API HTTPRoute as routes. */
export function httpRouteRoutes(
  route: KubeObject,
  cluster: string,
  clusterDomain: string,
  resolver: DestinationResolver,
): RouteInfo[] {
  const namespace = route.metadata.namespace ?? '';
  const source = refOf(route);
  const hosts: string[] = Array.isArray(route.spec?.hostnames)
    ? route.spec.hostnames
    : [];
  const gateways = httpRouteParents(route);
  const rules: any[] = Array.isArray(route.spec?.rules) ? route.spec.rules : [];
  return rules.map((rule, index) => {
    const refs: any[] = (
      Array.isArray(rule?.backendRefs) ? rule.backendRefs : []
    ).filter((b: any) => b?.name);
    const dests: RouteDestination[] = refs.map(b => {
      const ns = b.namespace ?? namespace;
      const fqdn = serviceFqdn(b.name, ns, clusterDomain);
      const svc =
        (b.kind ?? 'Service') === 'Service'
          ? resolver.service(fqdn)
          : undefined;
      return {
        host: b.namespace ? `${b.name}.${b.namespace}` : b.name,
        fqdn,
        ...(b.port !== undefined && { port: b.port }),
        weight: refs.length === 1 ? 100 : b.weight ?? 1,
        ...(svc && { service: refOf(svc) }),
      };
    });
    const info: RouteInfo = {
      id: `${cluster}/${namespace}/${route.metadata.name}/http/${index}`,
      source,
      protocol: 'http',
      ...(rule?.name && { name: rule.name }),
      index,
      hosts,
      gateways,
      externalUrls: [],
      match: (Array.isArray(rule?.matches) ? rule.matches : [])
        .filter((m: unknown) => m && typeof m === 'object')
        .map(gatewayApiMatch),
      destinations: dests,
    };
    for (const f of Array.isArray(rule?.filters) ? rule.filters : []) {
      if (f?.type === 'RequestRedirect' && f.requestRedirect) {
        const r = f.requestRedirect;
        info.redirect = {
          ...(r.path?.replaceFullPath && { uri: r.path.replaceFullPath }),
          ...(r.hostname && { authority: r.hostname }),
          ...(r.scheme && { scheme: r.scheme }),
          ...(r.statusCode && { redirectCode: r.statusCode }),
        };
      } else if (f?.type === 'URLRewrite' && f.urlRewrite) {
        const r = f.urlRewrite;
        info.rewrite = {
          ...((r.path?.replaceFullPath ?? r.path?.replacePrefixMatch) !==
            undefined && {
            uri: r.path.replaceFullPath ?? r.path.replacePrefixMatch,
          }),
          ...(r.hostname && { authority: r.hostname }),
        };
      } else if (f?.type === 'RequestHeaderModifier') {
        info.headers = { request: f.requestHeaderModifier };
      }
    }
    if (rule?.timeouts?.request) info.timeout = rule.timeouts.request;
    return info;
  });
}

const HTTP_LIKE = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTPS']);

function externalPort(gw: GatewayInfo, serverPort: number): number {
  const w = gw.workload;
  if (w.serviceType === 'NodePort' && w.nodePorts[String(serverPort)]) {
    return w.nodePorts[String(serverPort)];
  }
  return w.servicePorts[String(serverPort)] ?? serverPort;
}

function pathsOf(route: RouteInfo): string[] {
  if (route.match.length === 0) {
    return ['/'];
  }
  const paths = route.match.map(m => {
    if (m.uri?.exact !== undefined) return m.uri.exact;
    if (m.uri?.prefix !== undefined) return m.uri.prefix;
    if (m.uri?.regex !== undefined) return undefined;
    return '/';
  });
  return [...new Set(paths.filter((p): p is string => p !== undefined))];
}

/**
 * Where a browser reaches a route from outside: for every gateway server
 * that serves it, the scheme, host, port (when not the default) and path.
 */
export function externalUrlsOf(
  route: RouteInfo,
  gateways: Map<string, GatewayInfo>,
): string[] {
  const urls = new Set<string>();
  const ns = route.source.namespace ?? '';
  const gwKeys = new Set(route.gateways);
  for (const m of route.match) {
    for (const g of m.gateways ?? []) gwKeys.add(g);
  }
  const istio = route.source.kind === 'VirtualService';
  for (const key of gwKeys) {
    const gw = gateways.get(`${istio ? 'istio' : 'gateway-api'}:${key}`);
    if (!gw) continue;
    for (const server of gw.servers) {
      const protocol = server.protocol.toUpperCase();
      const passthrough =
        !!server.tls?.mode &&
        ['PASSTHROUGH', 'AUTO_PASSTHROUGH', 'Passthrough'].includes(
          server.tls.mode,
        );
      if (
        route.protocol === 'http' &&
        (!HTTP_LIKE.has(protocol) || passthrough)
      ) {
        continue;
      }
      if (route.protocol === 'tls' && !passthrough) continue;
      if (route.protocol === 'tcp') continue;
      if (server.tls?.httpsRedirect) continue;
      const scheme =
        protocol === 'HTTPS' || protocol === 'TLS' ? 'https' : 'http';
      const port = externalPort(gw, server.port);
      const portPart =
        (scheme === 'https' && port === 443) ||
        (scheme === 'http' && port === 80)
          ? ''
          : `:${port}`;
      const routeHosts = route.hosts.length > 0 ? route.hosts : ['*'];
      const serverHosts = server.hosts.length > 0 ? server.hosts : ['*'];
      const hosts = new Set<string>();
      for (const h of routeHosts) {
        for (const sh of serverHosts) {
          if (!gatewayServerAdmits(sh, gw.ref.namespace ?? '', h, ns)) {
            continue;
          }
          const serverHost = parseGatewayServerHost(sh).host;
          if (!isWildcardHost(h)) {
            hosts.add(h.toLocaleLowerCase('en-US'));
          } else if (
            !isWildcardHost(serverHost) &&
            hostMatches(h, serverHost)
          ) {
            hosts.add(serverHost);
          } else if (h === '*' && serverHost === '*') {
            for (const a of gw.workload.addresses) hosts.add(a);
          }
        }
      }
      const paths = route.protocol === 'http' ? pathsOf(route) : ['/'];
      for (const host of hosts) {
        for (const p of paths) {
          urls.add(
            `${scheme}://${host}${portPart}${p.startsWith('/') ? p : `/${p}`}`,
          );
        }
      }
    }
  }
  return [...urls].slice(0, 50);
}

/** The key of a gateway in the map given to {@link externalUrlsOf}. */
export function gatewayMapKey(ref: ObjectRef, flavor: GatewayInfo['flavor']) {
  return `${flavor}:${ref.namespace ?? ''}/${ref.name}`;
}
