/*
 * Derived indexes over a ClusterSnapshot, rebuilt per kind only when that
 * kind's revision changes, so that resolving a chain is a handful of map
 * look-ups instead of scans over every object of the cluster.
 */
import {
  expandHost,
  isWildcardHost,
  kubernetesServiceOf,
  serviceFqdn,
} from '../../routing/hosts';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import type { KubeObject } from '../kube/KubeObject';
import type { WatchedKind } from '../kube/watchedKinds';
import { LabelSelector, selectorMatches } from '../kube/labelSelector';

type Entry = { revisions: number[]; value: unknown };

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

function ns(obj: KubeObject): string {
  return obj.metadata.namespace ?? '';
}

/** Where a route destination host points, as an index key. */
export interface DestinationKey {
  /** The Service FQDN it names (also for `name.ns` forms), or the literal host. */
  fqdn: string;
  /** True for wildcard hosts. */
  wildcard: boolean;
}

/** Index keys for a destination host written in `namespace`. */
export function destinationKey(
  host: string,
  namespace: string,
  clusterDomain: string,
): DestinationKey {
  const svc = kubernetesServiceOf(host, namespace, clusterDomain);
  const fqdn = svc?.fqdn ?? expandHost(host, namespace, clusterDomain);
  return { fqdn, wildcard: isWildcardHost(fqdn) };
}

function routeDestinations(vs: KubeObject): string[] {
  const spec = vs.spec ?? {};
  const hosts: string[] = [];
  for (const list of [spec.http, spec.tls, spec.tcp]) {
    for (const route of Array.isArray(list) ? list : []) {
      for (const rd of Array.isArray(route?.route) ? route.route : []) {
        const h = rd?.destination?.host;
        if (typeof h === 'string' && h) {
          hosts.push(h);
        }
      }
      const mirror = route?.mirror?.host;
      if (typeof mirror === 'string' && mirror) {
        hosts.push(mirror);
      }
    }
  }
  return hosts;
}

/** Namespace and name of every Service an HTTPRoute's rules send to. */
export function httpRouteBackends(
  route: KubeObject,
): Array<{ namespace: string; name: string }> {
  const out: Array<{ namespace: string; name: string }> = [];
  for (const rule of Array.isArray(route.spec?.rules) ? route.spec.rules : []) {
    for (const ref of Array.isArray(rule?.backendRefs)
      ? rule.backendRefs
      : []) {
      if (
        ref?.name &&
        (ref.kind ?? 'Service') === 'Service' &&
        (ref.group ?? '') === ''
      ) {
        out.push({ namespace: ref.namespace ?? ns(route), name: ref.name });
      }
    }
  }
  return out;
}

const indexes = new WeakMap<ClusterSnapshot, Map<string, ChainIndex>>();

/** Indexes over one snapshot for one cluster domain. */
export class ChainIndex {
  /** The index for a snapshot, kept as long as the snapshot lives. */
  static for(snapshot: ClusterSnapshot, clusterDomain: string): ChainIndex {
    let byDomain = indexes.get(snapshot);
    if (!byDomain) {
      byDomain = new Map();
      indexes.set(snapshot, byDomain);
    }
    let index = byDomain.get(clusterDomain);
    if (!index) {
      index = new ChainIndex(snapshot, clusterDomain);
      byDomain.set(clusterDomain, index);
    }
    return index;
  }

  private readonly entries = new Map<string, Entry>();

  private constructor(
    readonly snapshot: ClusterSnapshot,
    readonly clusterDomain: string,
  ) {}

  private memo<T>(name: string, kinds: WatchedKind[], build: () => T): T {
    const revisions = kinds.map(k => this.snapshot.kindRevision(k));
    const hit = this.entries.get(name);
    if (hit && hit.revisions.every((r, i) => r === revisions[i])) {
      return hit.value as T;
    }
    const value = build();
    this.entries.set(name, { revisions, value });
    return value;
  }

  /**
   * Objects of a kind by the value of one label key, across all namespaces.
   * Built per key on first use: one pass over the kind reading one label.
   */
  private byLabelKey(
    kind: WatchedKind,
    key: string,
  ): Map<string, KubeObject[]> {
    const perKey = this.memo(
      `byLabelKey/${kind}`,
      [kind],
      () => new Map<string, Map<string, KubeObject[]>>(),
    );
    let map = perKey.get(key);
    if (!map) {
      map = new Map();
      for (const obj of this.snapshot.list(kind)) {
        const value = obj.metadata.labels?.[key];
        if (value !== undefined) {
          push(map, value, obj);
        }
      }
      perKey.set(key, map);
    }
    return map;
  }

  /**
   * Objects of a kind in one namespace by `key=value` label. Built per
   * namespace on first use, so a change elsewhere costs only the namespaces
   * a request reads.
   */
  private byNamespacedLabel(
    kind: WatchedKind,
    namespace: string,
  ): Map<string, KubeObject[]> {
    const perNamespace = this.memo(
      `byNsLabel/${kind}`,
      [kind],
      () => new Map<string, Map<string, KubeObject[]>>(),
    );
    let map = perNamespace.get(namespace);
    if (!map) {
      map = new Map();
      for (const obj of this.snapshot.list(kind, namespace)) {
        for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
          push(map, `${k}=${v}`, obj);
        }
      }
      perNamespace.set(namespace, map);
    }
    return map;
  }

  /**
   * Objects of a kind whose labels satisfy a selector, in one namespace or
   * (undefined) all; uses a label index for the candidates.
   */
  select(
    kind: WatchedKind,
    selector: LabelSelector,
    namespace?: string,
  ): KubeObject[] {
    let candidates: readonly KubeObject[] | undefined;
    if (selector.equalities.length > 0) {
      if (namespace === undefined) {
        const [k, v] = selector.equalities[0];
        candidates = this.byLabelKey(kind, k).get(v) ?? [];
      } else {
        const index = this.byNamespacedLabel(kind, namespace);
        for (const [k, v] of selector.equalities) {
          const list = index.get(`${k}=${v}`) ?? [];
          if (!candidates || list.length < candidates.length) {
            candidates = list;
          }
        }
      }
    }
    candidates ??= this.snapshot.list(kind, namespace);
    return candidates.filter(
      o =>
        (namespace === undefined || ns(o) === namespace) &&
        selectorMatches(selector, o.metadata.labels),
    );
  }

  /**
   * Pods whose labels carry every key/value of an equality selector (a
   * Service selector, subset labels) in a namespace, or all namespaces.
   * An empty selector selects nothing here, as for a Service.
   */
  podsWithLabels(
    labels: Record<string, string>,
    namespace?: string,
  ): KubeObject[] {
    const entries = Object.entries(labels);
    if (entries.length === 0) {
      return [];
    }
    return this.select(
      'pods',
      {
        requirements: entries.map(([key, v]) => ({
          key,
          operator: 'In',
          values: [v],
        })),
        equalities: entries,
      },
      namespace,
    );
  }

  /** Services by FQDN. */
  servicesByFqdn(): Map<string, KubeObject> {
    return this.memo('servicesByFqdn', ['services'], () => {
      const map = new Map<string, KubeObject>();
      for (const s of this.snapshot.list('services')) {
        map.set(serviceFqdn(s.metadata.name, ns(s), this.clusterDomain), s);
      }
      return map;
    });
  }

  /** The Deployment name owning each ReplicaSet, by `ns/rs`. */
  private replicaSetOwners(): Map<string, string> {
    return this.memo('rsOwners', ['replicasets'], () => {
      const map = new Map<string, string>();
      for (const rs of this.snapshot.list('replicasets')) {
        const owner = (rs.metadata.ownerReferences ?? []).find(
          o => o.kind === 'Deployment',
        );
        if (owner) {
          map.set(`${ns(rs)}/${rs.metadata.name}`, owner.name);
        }
      }
      return map;
    });
  }

  /** The Deployment owning a pod, through its ReplicaSet, if any. */
  deploymentOfPod(pod: KubeObject): string | undefined {
    const rs = (pod.metadata.ownerReferences ?? []).find(
      o => o.kind === 'ReplicaSet',
    );
    return rs && this.replicaSetOwners().get(`${ns(pod)}/${rs.name}`);
  }

  /** The pods of a Deployment (through their ReplicaSets). */
  podsOfDeployment(namespace: string, name: string): KubeObject[] {
    const perNamespace = this.memo(
      'podsByDeployment',
      ['pods', 'replicasets'],
      () => new Map<string, Map<string, KubeObject[]>>(),
    );
    let map = perNamespace.get(namespace);
    if (!map) {
      map = new Map();
      for (const pod of this.snapshot.list('pods', namespace)) {
        const deployment = this.deploymentOfPod(pod);
        if (deployment) {
          push(map, deployment, pod);
        }
      }
      perNamespace.set(namespace, map);
    }
    return map.get(name) ?? [];
  }

  /** HPAs by target, keyed `ns/Kind/name`. */
  hpasByTarget(): Map<string, KubeObject[]> {
    return this.memo('hpasByTarget', ['horizontalpodautoscalers'], () => {
      const map = new Map<string, KubeObject[]>();
      for (const hpa of this.snapshot.list('horizontalpodautoscalers')) {
        const t = hpa.spec?.scaleTargetRef;
        if (t?.name) {
          push(map, `${ns(hpa)}/${t.kind ?? 'Deployment'}/${t.name}`, hpa);
        }
      }
      return map;
    });
  }

  /**
   * VirtualServices by destination: `exact` maps Service FQDNs (however the
   * host was written) to the VirtualServices routing there; `wildcard`
   * lists those with a wildcard destination host.
   */
  virtualServicesByDestination(): {
    exact: Map<string, KubeObject[]>;
    wildcard: Array<{ vs: KubeObject; host: string }>;
  } {
    return this.memo('vsByDestination', ['virtualservices'], () => {
      const exact = new Map<string, KubeObject[]>();
      const wildcard: Array<{ vs: KubeObject; host: string }> = [];
      for (const vs of this.snapshot.list('virtualservices')) {
        const seen = new Set<string>();
        for (const host of routeDestinations(vs)) {
          const key = destinationKey(host, ns(vs), this.clusterDomain);
          if (seen.has(key.fqdn)) {
            continue;
          }
          seen.add(key.fqdn);
          if (key.wildcard) {
            wildcard.push({ vs, host: key.fqdn });
          } else {
            push(exact, key.fqdn, vs);
          }
        }
      }
      return { exact, wildcard };
    });
  }

  /** VirtualServices by host (expanded in their namespace). */
  virtualServicesByHost(): Map<string, KubeObject[]> {
    return this.memo('vsByHost', ['virtualservices'], () => {
      const map = new Map<string, KubeObject[]>();
      for (const vs of this.snapshot.list('virtualservices')) {
        const hosts: unknown[] = Array.isArray(vs.spec?.hosts)
          ? vs.spec.hosts
          : [];
        for (const h of new Set(
          hosts
            .filter((x): x is string => typeof x === 'string')
            .map(x => expandHost(x, ns(vs), this.clusterDomain)),
        )) {
          push(map, h, vs);
        }
      }
      return map;
    });
  }

  /** DestinationRules by host FQDN, and those with wildcard hosts. */
  destinationRulesByHost(): {
    exact: Map<string, KubeObject[]>;
    wildcard: KubeObject[];
  } {
    return this.memo('drByHost', ['destinationrules'], () => {
      const exact = new Map<string, KubeObject[]>();
      const wildcard: KubeObject[] = [];
      for (const dr of this.snapshot.list('destinationrules')) {
        const host = dr.spec?.host;
        if (typeof host !== 'string' || !host) {
          continue;
        }
        const key = destinationKey(host, ns(dr), this.clusterDomain);
        if (key.wildcard) {
          wildcard.push(dr);
        } else {
          push(exact, key.fqdn, dr);
        }
      }
      return { exact, wildcard };
    });
  }

  /** HTTPRoutes by backend Service FQDN. */
  httpRoutesByBackend(): Map<string, KubeObject[]> {
    return this.memo('httpRoutesByBackend', ['httproutes'], () => {
      const map = new Map<string, KubeObject[]>();
      for (const route of this.snapshot.list('httproutes')) {
        const seen = new Set<string>();
        for (const b of httpRouteBackends(route)) {
          const fqdn = serviceFqdn(b.name, b.namespace, this.clusterDomain);
          if (!seen.has(fqdn)) {
            seen.add(fqdn);
            push(map, fqdn, route);
          }
        }
      }
      return map;
    });
  }
}
