/*
 * Discovery documents: /version, /api, /api/v1, /apis, /apis/{group} and
 * /apis/{group}/{version}, as the API server publishes them.
 */
import { createHash } from 'crypto';
import { RESOURCE_TYPES, ResourceType, apiGroups } from '../api/resources';

/** The Kubernetes version the simulator reports. */
export const KUBERNETES_VERSION = { major: '1', minor: '32', patch: '0' };

export function versionInfo() {
  return {
    major: KUBERNETES_VERSION.major,
    minor: KUBERNETES_VERSION.minor,
    gitVersion: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}+mesh-chain-demo`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.23.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function storageVersionHash(t: ResourceType) {
  return createHash('sha256')
    .update(`${t.group}/${t.versions[0]}/${t.kind}`)
    .digest('base64')
    .slice(0, 11);
}

export function coreVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(name: string, versions: string[]) {
  const vs = versions.map(version => ({
    groupVersion: `${name}/${version}`,
    version,
  }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function groupList(served: (t: ResourceType) => boolean) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups()
      .filter(g => RESOURCE_TYPES.some(t => t.group === g.name && served(t)))
      .map(g => groupDoc(g.name, g.versions)),
  };
}

export function group(name: string, served: (t: ResourceType) => boolean) {
  const g = apiGroups().find(x => x.name === name);
  if (!g || !RESOURCE_TYPES.some(t => t.group === name && served(t))) {
    return undefined;
  }
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    ...groupDoc(g.name, g.versions),
  };
}

const SUBRESOURCE_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  log: ['get'],
};

export function resourceList(
  groupName: string,
  version: string,
  served: (t: ResourceType) => boolean,
) {
  const types = RESOURCE_TYPES.filter(
    t => t.group === groupName && t.versions.includes(version) && served(t),
  );
  if (!types.length) return undefined;
  const resources: unknown[] = [];
  for (const t of types) {
    resources.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length && { shortNames: t.shortNames }),
      ...(t.categories.length && { categories: t.categories }),
      storageVersionHash: storageVersionHash(t),
    });
    for (const sub of t.subresources) {
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        ...(sub === 'scale' && { group: 'autoscaling', version: 'v1' }),
        kind: sub === 'scale' ? 'Scale' : t.kind,
        verbs: SUBRESOURCE_VERBS[sub] ?? ['get'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName ? `${groupName}/${version}` : version,
    resources,
  };
}
