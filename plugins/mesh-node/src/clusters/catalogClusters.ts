/*
 * The `catalog` cluster locator, as in the stock Kubernetes backend
 * (@backstage/plugin-kubernetes-backend 0.21.x, `CatalogClusterLocator`):
 * `Resource` entities of type `kubernetes-cluster` with the api-server,
 * certificate-authority and auth-provider annotations, the same SSRF checks
 * of the API server URL and the same annotation-to-authMetadata mapping.
 */
import { Config } from '@backstage/config';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_API_SERVER,
  ANNOTATION_KUBERNETES_API_SERVER_CA,
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_DASHBOARD_APP,
  ANNOTATION_KUBERNETES_DASHBOARD_PARAMETERS,
  ANNOTATION_KUBERNETES_DASHBOARD_URL,
  ANNOTATION_KUBERNETES_SKIP_METRICS_LOOKUP,
  ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY,
} from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { lookup } from 'dns/promises';
import { BlockList, isIP } from 'net';

/** A catalog entity, as the catalog service returns it. */
export type CatalogEntity = Awaited<
  ReturnType<CatalogService['getEntities']>
>['items'][number];

/** Options of a `catalog` entry of `kubernetes.clusterLocatorMethods`. */
export interface CatalogLocatorOptions {
  /** Hostname patterns (`127.0.0.1`, `*.example.com`) exempt from the SSRF checks. */
  dangerouslyAllowClusterUrls?: string[];
  /** Whether entities may turn off TLS verification by annotation. */
  dangerouslyAllowSkipTLSVerify?: boolean;
}

export function readCatalogLocatorOptions(
  config: Config,
): CatalogLocatorOptions {
  return {
    dangerouslyAllowClusterUrls: config.getOptionalStringArray(
      'dangerouslyAllowClusterUrls',
    ),
    dangerouslyAllowSkipTLSVerify: config.getOptionalBoolean(
      'dangerouslyAllowSkipTLSVerify',
    ),
  };
}

/** The catalog query of the stock locator. */
export const CATALOG_CLUSTER_FILTER = {
  kind: 'Resource',
  'spec.type': 'kubernetes-cluster',
  [`metadata.annotations.${ANNOTATION_KUBERNETES_API_SERVER}`]:
    CATALOG_FILTER_EXISTS,
  [`metadata.annotations.${ANNOTATION_KUBERNETES_API_SERVER_CA}`]:
    CATALOG_FILTER_EXISTS,
  [`metadata.annotations.${ANNOTATION_KUBERNETES_AUTH_PROVIDER}`]:
    CATALOG_FILTER_EXISTS,
};

/** `Resource:namespace/name`, to name an entity in messages. */
export function entityRefOf(entity: CatalogEntity): string {
  return `resource:${entity.metadata.namespace ?? 'default'}/${
    entity.metadata.name
  }`;
}

/**
 * The cluster an entity describes, or the reason it is ignored (the same
 * rules as the stock locator).
 */
export async function catalogEntityToClusterDetails(
  entity: CatalogEntity,
  options: CatalogLocatorOptions,
): Promise<ClusterDetails | { ignored: string }> {
  const name = entity.metadata.name;
  const annotations = entity.metadata.annotations;
  if (!annotations) {
    return { ignored: 'it has no annotations' };
  }
  const authProvider = annotations[ANNOTATION_KUBERNETES_AUTH_PROVIDER];
  if (authProvider === 'serviceAccount') {
    return {
      ignored: `the catalog cluster locator does not support the serviceAccount auth provider (as in the stock Kubernetes plugin); move the cluster to a 'config' locator or set ${ANNOTATION_KUBERNETES_AUTH_PROVIDER} to another provider`,
    };
  }
  const url = annotations[ANNOTATION_KUBERNETES_API_SERVER];
  try {
    await validateClusterApiServerUrl(url, options);
  } catch (error) {
    return {
      ignored: `${
        (error as Error).message
      } (list the host in dangerouslyAllowClusterUrls of the catalog locator to allow it)`,
    };
  }
  const skipTLSVerify =
    (options.dangerouslyAllowSkipTLSVerify ?? false) &&
    annotations[ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY] === 'true';
  const dashboardParameters = parseDashboardParameters(
    annotations[ANNOTATION_KUBERNETES_DASHBOARD_PARAMETERS],
  );
  return {
    name,
    ...(entity.metadata.title && { title: entity.metadata.title }),
    url,
    authMetadata: filterCatalogClusterAuthMetadata(annotations),
    caData: annotations[ANNOTATION_KUBERNETES_API_SERVER_CA],
    skipMetricsLookup:
      annotations[ANNOTATION_KUBERNETES_SKIP_METRICS_LOOKUP] === 'true',
    skipTLSVerify,
    dashboardUrl: annotations[ANNOTATION_KUBERNETES_DASHBOARD_URL],
    dashboardApp: annotations[ANNOTATION_KUBERNETES_DASHBOARD_APP],
    ...(dashboardParameters && { dashboardParameters }),
  };
}

/** Every `kubernetes.io/` annotation except a service account token. */
function filterCatalogClusterAuthMetadata(
  annotations: Record<string, string>,
): Record<string, string> {
  const filtered: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key !== 'serviceAccountToken' && key.startsWith('kubernetes.io/')) {
      filtered[key] = value;
    }
  }
  return filtered;
}

function parseDashboardParameters(value: string | undefined) {
  if (!value) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value);
    return typeof parsed === 'object' && parsed && !Array.isArray(parsed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/*
 * Addresses that are not public unicast: the special ranges of ipaddr.js
 * 2.x, which the stock locator uses (`range() !== 'unicast'`).
 */
const NON_PUBLIC_V4 = new BlockList();
const NON_PUBLIC_V6 = new BlockList(); // apart: IPv4 checks match mapped IPv6 rules
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['255.255.255.255', 32],
  ['224.0.0.0', 4],
  ['169.254.0.0', 16],
  ['127.0.0.0', 8],
  ['100.64.0.0', 10],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['240.0.0.0', 4],
  ['192.175.48.0', 24],
  ['192.31.196.0', 24],
  ['192.52.193.0', 24],
] as const) {
  NON_PUBLIC_V4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::1', 128],
  ['fc00::', 7],
  ['::ffff:0:0', 96],
  ['fec0::', 10],
  ['100::', 64],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2002::', 16],
  ['2001::', 32],
  ['2001:2::', 48],
  ['2001:3::', 32],
  ['2001:4:112::', 48],
  ['2620:4f:8000::', 48],
  ['2001:10::', 28],
  ['2001:20::', 28],
  ['2001:30::', 28],
  ['5f00::', 16],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
] as const) {
  NON_PUBLIC_V6.addSubnet(net, prefix, 'ipv6');
}

function isNonPublicIp(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) {
    return NON_PUBLIC_V4.check(ip, 'ipv4');
  }
  if (family === 6) {
    return NON_PUBLIC_V6.check(ip, 'ipv6');
  }
  return true;
}

function hostnameMatchesPattern(hostname: string, pattern: string): boolean {
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) {
    return hostname.endsWith(p.slice(1)) || hostname === p.slice(2);
  }
  return hostname === p;
}

/**
 * The stock locator's SSRF checks: http(s) only, no credentials in the URL,
 * and, unless the host is listed in `dangerouslyAllowClusterUrls`, HTTPS to
 * a host that is (and resolves to) a public address.
 */
export async function validateClusterApiServerUrl(
  apiServerUrl: string | undefined,
  options: CatalogLocatorOptions = {},
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(apiServerUrl ?? '');
  } catch {
    throw new Error('Kubernetes cluster API server URL is not a valid URL');
  }
  if (url.username || url.password) {
    throw new Error(
      'Kubernetes cluster API server URL must not contain credentials',
    );
  }
  const hostname = url.hostname.toLowerCase();
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(
      'Kubernetes cluster API server URL must use the HTTP or HTTPS scheme',
    );
  }
  const exempt = (options.dangerouslyAllowClusterUrls ?? []).some(p =>
    hostnameMatchesPattern(hostname, p),
  );
  if (exempt) {
    return url;
  }
  if (url.protocol !== 'https:') {
    throw new Error(
      'Kubernetes cluster API server URL must use the HTTPS scheme',
    );
  }
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal)) {
    if (isNonPublicIp(literal)) {
      throw new Error(
        'Kubernetes cluster API server URL must not use a non-public IP address',
      );
    }
    return url;
  }
  const addresses = await lookup(hostname, { all: true });
  if (addresses.some(a => isNonPublicIp(a.address))) {
    throw new Error(
      `Kubernetes cluster API server URL hostname "${hostname}" resolves to a non-public address`,
    );
  }
  return url;
}
