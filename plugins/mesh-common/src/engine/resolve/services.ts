/*
 * The Services of the chain: those the component's selector finds, those
 * whose selector selects its workloads (pods or pod templates), and those
 * its own routes send to; each with the pods it selects.
 */
import { destinationFqdn, serviceFqdn } from '../../routing/hosts';
import type { KubeObject } from '../kube/KubeObject';
import {
  equalitySelector,
  serviceSelectorMatches,
} from '../kube/labelSelector';
import type { ChainReads } from '../reads/ChainReads';
import { httpRouteBackends, selectorEntryKey } from '../reads/lookups';
import type { ChainService } from './ChainContext';
import type { FoundObjects } from './found';
import { serviceInfo } from './objectInfo';
import { uniq } from './workloads';

function ns(obj: KubeObject): string {
  return obj.metadata.namespace ?? '';
}

function listOf(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Pods a Service-style selector selects, in one namespace or (undefined)
 * all: an empty selector selects none.
 */
export function podsSelectedBy(
  reads: ChainReads,
  selector: Record<string, string> | undefined,
  namespace?: string,
): KubeObject[] {
  if (
    !selector ||
    typeof selector !== 'object' ||
    Object.keys(selector).length === 0
  ) {
    return [];
  }
  return reads.select('pods', equalitySelector(selector), namespace);
}

/**
 * Services of a namespace whose selector selects pods with these labels,
 * found through their selector entries.
 */
export function servicesSelecting(
  reads: ChainReads,
  namespace: string,
  labels: Record<string, string> | undefined,
): KubeObject[] {
  const candidates = uniq(
    Object.entries(labels ?? {}).flatMap(([k, v]) =>
      reads.lookup(
        'servicesBySelectorEntry',
        selectorEntryKey(namespace, k, v),
      ),
    ),
  );
  return candidates.filter(svc =>
    serviceSelectorMatches(svc.spec?.selector, labels),
  );
}

/**
 * The Services that select the chain's pods, or the pods the chain's
 * Deployments template (a Deployment scaled to zero is still behind its
 * Service).
 */
export function servicesOfWorkloads(
  reads: ChainReads,
  pods: KubeObject[],
  deployments: KubeObject[],
  found: FoundObjects,
): KubeObject[] {
  const out: KubeObject[] = [];
  const seen = new Set<string>();
  const labelled: Array<[KubeObject, Record<string, string> | undefined]> = [
    ...pods.map(p => [p, p.metadata.labels] as [KubeObject, any]),
    ...deployments.map(
      d => [d, d.spec?.template?.metadata?.labels] as [KubeObject, any],
    ),
  ];
  for (const [from, labels] of labelled) {
    const key = `${ns(from)}|${JSON.stringify(labels ?? {})}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    for (const svc of servicesSelecting(reads, ns(from), labels)) {
      found.byReference(svc, from, 'selects');
      out.push(svc);
    }
  }
  return uniq(out);
}

/**
 * The Services the component's own (labelled) routes send to: the
 * destination hosts of its VirtualServices and the backends of its
 * HTTPRoutes. Routes found by reference are not followed further: a route
 * of another component that also sends here does not pull its other
 * destinations into this chain.
 */
export function servicesOfRoutes(
  reads: ChainReads,
  routes: { virtualServices: KubeObject[]; httpRoutes: KubeObject[] },
  found: FoundObjects,
): KubeObject[] {
  const out: KubeObject[] = [];
  const follow = (from: KubeObject, fqdn: string) => {
    for (const svc of reads.lookup('serviceByFqdn', fqdn)) {
      found.byReference(svc, from, 'routes to');
      out.push(svc);
    }
  };
  for (const vs of routes.virtualServices) {
    for (const list of [vs.spec?.http, vs.spec?.tls, vs.spec?.tcp]) {
      for (const route of listOf(list)) {
        for (const rd of listOf(route?.route)) {
          const host = rd?.destination?.host;
          if (typeof host === 'string' && host) {
            follow(vs, destinationFqdn(host, ns(vs), reads.clusterDomain));
          }
        }
      }
    }
  }
  for (const route of routes.httpRoutes) {
    for (const b of httpRouteBackends(route)) {
      follow(route, serviceFqdn(b.name, b.namespace, reads.clusterDomain));
    }
  }
  return uniq(out);
}

/**
 * The Services that the component's own (labelled) DestinationRules are
 * policy for, by their host. Rules found by reference are not followed
 * back: they were found from their Services.
 */
export function servicesOfDestinationRules(
  reads: ChainReads,
  destinationRules: KubeObject[],
  found: FoundObjects,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const dr of destinationRules) {
    const host = dr.spec?.host;
    if (typeof host !== 'string' || !host) continue;
    const fqdn = destinationFqdn(host, ns(dr), reads.clusterDomain);
    for (const svc of reads.lookup('serviceByFqdn', fqdn)) {
      found.byReference(svc, dr, 'policy for');
      out.push(svc);
    }
  }
  return uniq(out);
}

/** The pods each Service selects. */
export function podsOfServices(
  reads: ChainReads,
  services: KubeObject[],
  found: FoundObjects,
): Map<KubeObject, KubeObject[]> {
  const out = new Map<KubeObject, KubeObject[]>();
  for (const svc of services) {
    const pods = podsSelectedBy(reads, svc.spec?.selector, ns(svc));
    pods.forEach(pod => found.byReference(pod, svc, 'selects'));
    out.set(svc, pods);
  }
  return out;
}

/**
 * The chain's Services with the pods they select; a named targetPort
 * resolves on those pods, else on the pod templates of the chain's
 * Deployments they select.
 */
export function serviceEntries(
  reads: ChainReads,
  pods: Map<KubeObject, KubeObject[]>,
  deployments: KubeObject[],
): ChainService[] {
  return [...pods].map(([obj, selected]) => {
    const templates = deployments
      .filter(
        d =>
          d.metadata.namespace === obj.metadata.namespace &&
          serviceSelectorMatches(
            obj.spec?.selector,
            d.spec?.template?.metadata?.labels,
          ),
      )
      .map(d => d.spec?.template ?? {});
    return {
      obj,
      pods: selected,
      info: serviceInfo(
        obj,
        selected,
        [...selected, ...templates],
        reads.clusterDomain,
      ),
    };
  });
}
