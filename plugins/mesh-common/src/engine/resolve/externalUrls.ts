/*
 * Where a browser reaches a route from outside, through the gateways that
 * serve it.
 */
import type { GatewayInfo, ObjectRef, RouteInfo } from '../../types';
import {
  gatewayServerAdmits,
  hostMatches,
  isWildcardHost,
  parseGatewayServerHost,
} from '../../routing/hosts';

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
