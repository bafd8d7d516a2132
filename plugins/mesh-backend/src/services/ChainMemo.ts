import {
  LabelSelector,
  matchLabelsMatch,
  parseLabelSelector,
  selectorMatches,
} from '@mesh-chain/plugin-mesh-common';
import type {
  MeshEntityTarget,
  ResolvedClusterChain,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import type { CacheChange } from './cluster/ClusterCache';

/** What a resolved chain was built from, to tell which changes concern it. */
interface Dependencies {
  /** `kind/namespace/name` of the Deployments, HPAs and Pods in the chain. */
  keys: Set<string>;
  /** Namespaces whose Deployments, ReplicaSets and HPAs may change the chain. */
  namespaces: Set<string>;
  /** Pods carrying these labels (in that namespace, or any) belong to the chain. */
  selectors: Array<{ namespace?: string; labels: Record<string, string> }>;
  /** The entity's own selector: a matching object may join the chain. */
  target?: LabelSelector;
  targetNamespace?: string;
  /** Keys of the Services, VirtualServices, DestinationRules and HTTPRoutes in the chain. */
  routingKeys: Set<string>;
  /**
   * Service names the chain refers to: its Services, its gateways'
   * Services, and the first label of every host its routes and
   * DestinationRules name (found or not: a new Service may answer it).
   */
  serviceNames: Set<string>;
  /** Hosts of the chain's VirtualServices and HTTPRoutes (lower case). */
  hosts: Set<string>;
}

/** A memoized chain of one entity selector in one cluster. */
export interface MemoEntry {
  key: string;
  cluster: string;
  /** Store revision the chain was resolved at. */
  revision: number;
  resolvedAt: number;
  resolved: ResolvedClusterChain;
  hash: string;
  /** The resolved chain as JSON members (see MeshChainService.serialize). */
  json: string;
  /** A change that may concern this chain arrived since it was resolved. */
  dirty: boolean;
  deps: Dependencies;
}

/**
 * Kinds whose changes concern every chain of their cluster: Gateways are
 * shared by many routes, bind them by name and hosts, and change rarely.
 */
const EVERY_CHAIN: ReadonlySet<WatchedKind> = new Set<WatchedKind>([
  'gateways',
  'k8sgateways',
]);

/** The Service name a host refers to: its first DNS label. */
function firstLabel(host: string): string {
  return host.toLowerCase().split('.')[0];
}

function listOf(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** Hosts a VirtualService, DestinationRule or HTTPRoute names. */
function hostsNamedBy(
  kind: WatchedKind,
  obj: any,
): {
  own: string[];
  destinations: string[];
} {
  const spec = obj?.spec ?? {};
  switch (kind) {
    case 'virtualservices': {
      const destinations: string[] = [];
      for (const list of [spec.http, spec.tls, spec.tcp]) {
        for (const route of listOf(list)) {
          for (const d of listOf(route?.route)) {
            if (typeof d?.destination?.host === 'string') {
              destinations.push(d.destination.host);
            }
          }
          if (typeof route?.mirror?.host === 'string') {
            destinations.push(route.mirror.host);
          }
        }
      }
      return {
        own: listOf(spec.hosts).filter(h => typeof h === 'string'),
        destinations,
      };
    }
    case 'destinationrules':
      return {
        own: [],
        destinations: typeof spec.host === 'string' ? [spec.host] : [],
      };
    case 'httproutes':
      return {
        own: listOf(spec.hostnames).filter(h => typeof h === 'string'),
        destinations: listOf(spec.rules).flatMap(rule =>
          listOf(rule?.backendRefs)
            .map(ref => ref?.name)
            .filter(name => typeof name === 'string'),
        ),
      };
    default:
      return { own: [], destinations: [] };
  }
}

/** Kinds referred to by host names: they concern chains that name their hosts. */
const ROUTING: ReadonlySet<WatchedKind> = new Set<WatchedKind>([
  'services',
  'virtualservices',
  'destinationrules',
  'httproutes',
]);

function objectKey(kind: string, namespace: string | undefined, name: string) {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** Reads what a resolved chain depends on. */
export function dependenciesOf(
  resolved: ResolvedClusterChain,
  target: MeshEntityTarget,
): Dependencies {
  const keys = new Set<string>();
  const namespaces = new Set<string>();
  const selectors: Dependencies['selectors'] = [];
  const routingKeys = new Set<string>();
  const serviceNames = new Set<string>();
  const hosts = new Set<string>();
  resolved.services.forEach(s => {
    routingKeys.add(objectKey('services', s.ref.namespace, s.ref.name));
    serviceNames.add(s.ref.name.toLowerCase());
  });
  resolved.virtualServices.forEach(v => {
    routingKeys.add(objectKey('virtualservices', v.ref.namespace, v.ref.name));
    v.hosts.forEach(h => hosts.add(h.toLowerCase()));
  });
  resolved.httpRoutes.forEach(r => {
    routingKeys.add(objectKey('httproutes', r.ref.namespace, r.ref.name));
    r.hosts.forEach(h => hosts.add(h.toLowerCase()));
  });
  resolved.destinationRules.forEach(d => {
    routingKeys.add(objectKey('destinationrules', d.ref.namespace, d.ref.name));
    serviceNames.add(firstLabel(d.host));
  });
  resolved.routes.forEach(r =>
    r.destinations.forEach(d => serviceNames.add(firstLabel(d.host))),
  );
  resolved.gateways.forEach(g => {
    if (g.workload.service) {
      routingKeys.add(
        objectKey(
          'services',
          g.workload.service.namespace,
          g.workload.service.name,
        ),
      );
      serviceNames.add(g.workload.service.name.toLowerCase());
    }
  });
  const add = (
    kind: WatchedKind,
    ref: { namespace?: string; name: string },
  ) => {
    keys.add(objectKey(kind, ref.namespace, ref.name));
    if (ref.namespace) {
      namespaces.add(ref.namespace);
    }
  };
  resolved.deployments.forEach(d => {
    add('deployments', d.ref);
    selectors.push({ namespace: d.ref.namespace, labels: d.selector ?? {} });
  });
  resolved.hpas.forEach(h => add('horizontalpodautoscalers', h.ref));
  resolved.pods.forEach(p => add('pods', p.ref));
  resolved.services.forEach(s => {
    if (s.ref.namespace) {
      namespaces.add(s.ref.namespace);
    }
    selectors.push({ namespace: s.ref.namespace, labels: s.selector ?? {} });
  });
  resolved.gateways.forEach(g => {
    if (g.flavor === 'istio') {
      if (g.selector && Object.keys(g.selector).length > 0) {
        selectors.push({ labels: g.selector });
      }
    } else {
      selectors.push({
        namespace: g.ref.namespace,
        labels: { 'gateway.networking.k8s.io/gateway-name': g.ref.name },
      });
    }
  });
  if (target.namespace) {
    namespaces.add(target.namespace);
  }
  let parsed: LabelSelector | undefined;
  try {
    parsed = parseLabelSelector(target.labelSelector);
  } catch {
    parsed = undefined;
  }
  return {
    keys,
    namespaces,
    selectors,
    target: parsed,
    targetNamespace: target.namespace,
    routingKeys,
    serviceNames,
    hosts,
  };
}

/** Whether a Service or routing object (before or after a change) concerns the chain. */
function routingConcerns(deps: Dependencies, change: CacheChange): boolean {
  const namespace = change.namespace ?? '';
  if (
    change.name !== undefined &&
    deps.routingKeys.has(objectKey(change.kind, namespace, change.name))
  ) {
    return true;
  }
  if (change.kind === 'services') {
    return (
      change.name !== undefined &&
      deps.serviceNames.has(change.name.toLowerCase())
    );
  }
  if (!change.objects) {
    return true;
  }
  for (const obj of change.objects) {
    if (!obj) {
      continue;
    }
    const { own, destinations } = hostsNamedBy(change.kind, obj);
    for (const host of [...own, ...destinations]) {
      if (host.includes('*')) {
        return true;
      }
    }
    if (own.some(h => deps.hosts.has(h.toLowerCase()))) {
      return true;
    }
    if (destinations.some(h => deps.serviceNames.has(firstLabel(h)))) {
      return true;
    }
  }
  return false;
}

/** Whether a change to a cache may change a chain with these dependencies. */
export function concerns(deps: Dependencies, change: CacheChange): boolean {
  if (change.bulk || EVERY_CHAIN.has(change.kind) || !deps.target) {
    return true;
  }
  if (ROUTING.has(change.kind)) {
    if (routingConcerns(deps, change)) {
      return true;
    }
    // A Service carrying the entity's labels may join the chain.
    return (
      change.kind === 'services' &&
      (!deps.targetNamespace ||
        deps.targetNamespace === (change.namespace ?? '')) &&
      (change.labels ?? []).some(
        labels => labels !== undefined && selectorMatches(deps.target!, labels),
      )
    );
  }
  const namespace = change.namespace ?? '';
  if (
    change.name !== undefined &&
    deps.keys.has(objectKey(change.kind, namespace, change.name))
  ) {
    return true;
  }
  const labelSets = (change.labels ?? []).filter(
    (l): l is Record<string, string> => l !== undefined,
  );
  if (
    (!deps.targetNamespace || deps.targetNamespace === namespace) &&
    labelSets.some(labels => selectorMatches(deps.target!, labels))
  ) {
    return true;
  }
  if (change.kind === 'pods') {
    return deps.selectors.some(
      s =>
        (s.namespace === undefined || s.namespace === namespace) &&
        labelSets.some(labels => matchLabelsMatch(s.labels, labels)),
    );
  }
  // Deployments, ReplicaSets and HPAs of the chain's namespaces.
  return deps.namespaces.has(namespace);
}

/**
 * Memoized chains, kept while no change that concerns them arrives: a pod
 * restarting in one namespace, or a VirtualService of another component,
 * does not make every other component of the cluster resolve again. As a safety net against a dependency this misses,
 * a chain older than `maxStaleMs` is resolved again once its cluster has
 * changed at all.
 */
export class ChainMemo {
  private readonly entries = new Map<string, MemoEntry>();
  private readonly byCluster = new Map<string, Set<MemoEntry>>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxStaleMs = 60_000,
  ) {}

  get size() {
    return this.entries.size;
  }

  /** A chain still valid at this store revision, if there is one. */
  get(key: string, revision: number): MemoEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.dirty) {
      return undefined;
    }
    if (
      entry.revision !== revision &&
      Date.now() - entry.resolvedAt > this.maxStaleMs
    ) {
      return undefined;
    }
    // Most recently used last, for eviction.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(entry: MemoEntry) {
    this.delete(entry.key);
    this.entries.set(entry.key, entry);
    let set = this.byCluster.get(entry.cluster);
    if (!set) {
      set = new Set();
      this.byCluster.set(entry.cluster, set);
    }
    set.add(entry);
    while (this.entries.size > this.maxEntries) {
      this.delete(this.entries.keys().next().value!);
    }
  }

  /** Marks the chains of a cluster that a change may concern. */
  invalidate(cluster: string, change: CacheChange) {
    for (const entry of this.byCluster.get(cluster) ?? []) {
      if (!entry.dirty && concerns(entry.deps, change)) {
        entry.dirty = true;
      }
    }
  }

  private delete(key: string) {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.byCluster.get(entry.cluster)?.delete(entry);
    }
  }
}
