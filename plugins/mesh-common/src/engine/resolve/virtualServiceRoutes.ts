/*
 * VirtualService routes (http, tls, tcp) -> RouteInfo, with each weighted
 * destination resolved to its Service and DestinationRule.
 */
import type {
  RouteDestination,
  RouteInfo,
  RouteMatch,
  StringMatch,
} from '../../types';
import { destinationFqdn, normalizeGatewayRef } from '../../routing/hosts';
import type { KubeObject } from '../kube/KubeObject';
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
    const fqdn = destinationFqdn(d.host, namespace, clusterDomain);
    const svc = resolver.service(fqdn);
    const dr = resolver.destinationRule(fqdn, d.subset, clientNamespace);
    return {
      host: d.host,
      fqdn,
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
