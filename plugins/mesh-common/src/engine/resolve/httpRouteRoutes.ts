/*
 * Gateway API HTTPRoute rules -> RouteInfo.
 */
import type {
  RouteDestination,
  RouteInfo,
  RouteMatch,
  StringMatch,
} from '../../types';
import { serviceFqdn } from '../../routing/hosts';
import type { KubeObject } from '../kube/KubeObject';
import { refOf } from './objectInfo';
import type { DestinationResolver } from './virtualServiceRoutes';

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
