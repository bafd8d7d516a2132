/*
 * Host names as Istio and Kubernetes interpret them: short names, FQDNs,
 * wildcards, and the `namespace/host` form of Gateway server hosts.
 */

/** The Kubernetes cluster DNS domain when none is configured. @public */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** The Istio configuration root namespace when none is configured. @public */
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function normalize(host: string): string {
  return host.trim().toLocaleLowerCase('en-US').replace(/\.$/, '');
}

/** True for `*` and `*.example.com`. @public */
export function isWildcardHost(host: string): boolean {
  return host === '*' || host.startsWith('*.');
}

/**
 * Expands a host written in an Istio resource of `namespace` the way Istio
 * does: a short name (no dot) becomes `<name>.<namespace>.svc.<domain>`;
 * anything with a dot, a wildcard or an IP address is taken literally.
 *
 * Note that Istio does not expand `reviews.prod` or `reviews.prod.svc`; use
 * {@link kubernetesServiceOf} to find the Service such a name points at.
 *
 * @public
 */
export function expandHost(
  host: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string {
  const h = normalize(host);
  if (!h || isWildcardHost(h) || IPV4.test(h) || h.includes(':')) {
    return h;
  }
  return h.includes('.') ? h : `${h}.${namespace}.svc.${clusterDomain}`;
}

/** The FQDN of a Kubernetes Service. @public */
export function serviceFqdn(
  name: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string {
  return `${name}.${namespace}.svc.${clusterDomain}`.toLocaleLowerCase('en-US');
}

/**
 * How a host written in `namespace` refers to a Kubernetes Service:
 * `reviews` (short name, the rule's namespace), `reviews.prod`,
 * `reviews.prod.svc` or `reviews.prod.svc.<domain>`. `exact` is false for the
 * two middle forms, which Kubernetes DNS resolves but Istio takes literally.
 * Undefined for hosts that cannot name a Service (wildcards, external names).
 *
 * @public
 */
export function kubernetesServiceOf(
  host: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
):
  | { name: string; namespace: string; fqdn: string; exact: boolean }
  | undefined {
  const h = normalize(host);
  if (!h || isWildcardHost(h) || IPV4.test(h)) {
    return undefined;
  }
  const parts = h.split('.');
  const domain = normalize(clusterDomain);
  if (parts.length === 1) {
    return {
      name: parts[0],
      namespace,
      fqdn: serviceFqdn(parts[0], namespace, domain),
      exact: true,
    };
  }
  if (parts.length === 2 || (parts.length === 3 && parts[2] === 'svc')) {
    return {
      name: parts[0],
      namespace: parts[1],
      fqdn: serviceFqdn(parts[0], parts[1], domain),
      exact: false,
    };
  }
  if (
    parts.length > 3 &&
    parts[2] === 'svc' &&
    parts.slice(3).join('.') === domain
  ) {
    return {
      name: parts[0],
      namespace: parts[1],
      fqdn: h,
      exact: true,
    };
  }
  return undefined;
}

/**
 * The FQDN a route destination or DestinationRule host written in
 * `namespace` refers to: the Service's FQDN however the host spells it
 * (`reviews`, `reviews.prod`, `reviews.prod.svc`, the FQDN), or else the
 * host as Istio expands it (external names and wildcards as written).
 *
 * @public
 */
export function destinationFqdn(
  host: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string {
  return (
    kubernetesServiceOf(host, namespace, clusterDomain)?.fqdn ??
    expandHost(host, namespace, clusterDomain)
  );
}

/**
 * Whether a concrete host (`shop.example.com`, port stripped) is matched by
 * a host pattern: equal, `*`, or `*.suffix` (any number of labels before the
 * suffix, as in Istio and Envoy).
 *
 * @public
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = normalize(pattern);
  const h = normalize(host);
  if (p === '*') {
    return true;
  }
  if (p.startsWith('*.')) {
    return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  }
  return p === h;
}

/**
 * Whether two host patterns can match a common host: `*.example.com` and
 * `shop.example.com` overlap, so do `*.example.com` and `*.shop.example.com`.
 *
 * @public
 */
export function hostsOverlap(a: string, b: string): boolean {
  const x = normalize(a);
  const y = normalize(b);
  if (x === y || x === '*' || y === '*') {
    return true;
  }
  if (isWildcardHost(x) && isWildcardHost(y)) {
    return x.endsWith(y.slice(1)) || y.endsWith(x.slice(1));
  }
  if (isWildcardHost(x)) {
    return hostMatches(x, y);
  }
  if (isWildcardHost(y)) {
    return hostMatches(y, x);
  }
  return false;
}

/**
 * How specific a host pattern is, for picking the best of several matches
 * the way Envoy picks a virtual host: exact names beat wildcards, longer
 * wildcard suffixes beat shorter ones, `*` comes last.
 *
 * @public
 */
export function hostSpecificity(pattern: string): number {
  const p = normalize(pattern);
  if (p === '*') {
    return 0;
  }
  return isWildcardHost(p) ? p.length : 100000 + p.length;
}

/**
 * A Gateway server host in `namespace/dnsName` form. `namespace` is `*` (any,
 * also when absent) or `.` (the Gateway's own namespace) or a namespace name.
 *
 * @public
 */
export function parseGatewayServerHost(host: string): {
  namespace: string;
  host: string;
} {
  const slash = host.indexOf('/');
  if (slash < 0) {
    return { namespace: '*', host: normalize(host) };
  }
  return {
    namespace: host.slice(0, slash).trim() || '*',
    host: normalize(host.slice(slash + 1)),
  };
}

/**
 * Whether a Gateway server host admits a VirtualService host from
 * `vsNamespace` (the `namespace/` part restricts which namespaces may bind).
 *
 * @public
 */
export function gatewayServerAdmits(
  serverHost: string,
  gatewayNamespace: string,
  vsHost: string,
  vsNamespace: string,
): boolean {
  const { namespace, host } = parseGatewayServerHost(serverHost);
  if (namespace === '~') {
    return false;
  }
  if (namespace !== '*') {
    const ns = namespace === '.' ? gatewayNamespace : namespace;
    if (ns !== vsNamespace) {
      return false;
    }
  }
  return hostsOverlap(host, vsHost);
}

/**
 * Normalizes a VirtualService `gateways` entry to `namespace/name`, or
 * `mesh`: a bare name means the VirtualService's own namespace.
 *
 * @public
 */
export function normalizeGatewayRef(ref: string, vsNamespace: string): string {
  const r = ref.trim();
  if (r === 'mesh') {
    return 'mesh';
  }
  return r.includes('/') ? r : `${vsNamespace}/${r}`;
}

/** Splits a `host[:port]` authority. @public */
export function splitAuthority(authority: string): {
  host: string;
  port?: number;
} {
  const a = authority.trim();
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    const rest = a.slice(end + 1);
    return {
      host: a.slice(0, end + 1).toLocaleLowerCase('en-US'),
      ...(rest.startsWith(':') && { port: Number(rest.slice(1)) }),
    };
  }
  const colon = a.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(a.slice(colon + 1))) {
    return {
      host: normalize(a.slice(0, colon)),
      port: Number(a.slice(colon + 1)),
    };
  }
  return { host: normalize(a) };
}
