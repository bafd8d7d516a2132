/*
 * DestinationRules: which ones apply to a host (by its spelling, across
 * namespaces, honouring exportTo and Istio's precedence), and what their
 * subsets select.
 */
import type {
  DestinationRuleInfo,
  DestinationRuleSubsetInfo,
} from '../../types';
import { destinationFqdn, hostMatches } from '../../routing/hosts';
import type { KubeObject } from '../kube/KubeObject';
import { matchLabelsMatch } from '../kube/labelSelector';
import type { ChainReads } from '../reads/ChainReads';
import type { ChainService } from './ChainContext';
import type { FoundObjects } from './found';
import { baseOf, isPodReady } from './objectInfo';
import { trafficPolicyOf } from './trafficPolicy';
import type { DestinationResolver } from './virtualServiceRoutes';
import { podsSelectedBy } from './services';
import { uniq } from './workloads';

/** Whether an object's `exportTo` makes it visible in a namespace. */
function exportedTo(obj: KubeObject, namespace: string | undefined): boolean {
  const exportTo: unknown[] = Array.isArray(obj.spec?.exportTo)
    ? obj.spec.exportTo
    : [];
  if (exportTo.length === 0 || exportTo.includes('*')) {
    return true;
  }
  if (exportTo.includes('~')) {
    return false;
  }
  if (namespace === undefined) {
    return true;
  }
  return (
    exportTo.includes(namespace) ||
    (exportTo.includes('.') && obj.metadata.namespace === namespace)
  );
}

/** The FQDN a DestinationRule's `spec.host` refers to. */
function hostFqdn(dr: KubeObject, clusterDomain: string): string {
  return destinationFqdn(
    dr.spec.host,
    dr.metadata.namespace ?? '',
    clusterDomain,
  );
}

/** DestinationRules whose host is this FQDN, then those whose wildcard matches it. */
function destinationRulesFor(reads: ChainReads, fqdn: string): KubeObject[] {
  return reads.lookup('destinationRulesByHost', fqdn);
}

/**
 * The DestinationRules for the chain's Services' hosts (from any
 * namespace), then those the component's selector found; rules without a
 * host are left out.
 */
export function destinationRulesOf(
  reads: ChainReads,
  services: ChainService[],
  labelled: KubeObject[],
  found: FoundObjects,
): KubeObject[] {
  const forHosts = services.flatMap(s => {
    const rules = destinationRulesFor(reads, s.info.fqdn);
    rules.forEach(dr => found.byReference(dr, s.obj, 'policy for'));
    return rules;
  });
  return uniq([...forHosts, ...labelled]).filter(
    dr => typeof dr.spec?.host === 'string' && dr.spec.host,
  );
}

/**
 * How a route destination resolves: the Service by FQDN, and the
 * DestinationRule that applies for a client namespace (a rule in the client
 * namespace, then the Service's, then the root namespace; exact hosts
 * before wildcards; older first). Rules for one host in one namespace are
 * merged, so a subset is looked up only in the winning namespace.
 */
export function destinationResolver(
  reads: ChainReads,
  rootNamespace: string,
): DestinationResolver {
  const service = (fqdn: string) => reads.lookup('serviceByFqdn', fqdn)[0];
  return {
    service,
    destinationRule: (fqdn, subset, client) => {
      const svcNs = service(fqdn)?.metadata.namespace;
      const rank = (dr: KubeObject) => {
        const n = dr.metadata.namespace;
        const exact = hostFqdn(dr, reads.clusterDomain) === fqdn ? 0 : 1;
        if (client && n === client) return exact;
        if (n === svcNs) return 2 + exact;
        if (n === rootNamespace) return 4 + exact;
        return 6 + exact;
      };
      const candidates = destinationRulesFor(reads, fqdn)
        .filter(dr => exportedTo(dr, client ?? svcNs))
        .sort(
          (a, b) =>
            rank(a) - rank(b) ||
            (a.metadata.creationTimestamp ?? '').localeCompare(
              b.metadata.creationTimestamp ?? '',
            ),
        );
      if (!subset || candidates.length === 0) return candidates[0];
      const top = candidates[0].metadata.namespace;
      return (
        candidates.find(
          dr =>
            dr.metadata.namespace === top &&
            (Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : []).some(
              (s: any) => s?.name === subset,
            ),
        ) ?? undefined
      );
    },
  };
}

/**
 * A DestinationRule as the chain shows it: its host's FQDN, traffic policy,
 * and per subset how many pods of the host's Service carry its labels (the
 * chain's Services the host covers, or else the Service it names).
 */
export function destinationRuleEntry(
  reads: ChainReads,
  dr: KubeObject,
  services: ChainService[],
): { obj: KubeObject; info: DestinationRuleInfo } {
  const fqdn = hostFqdn(dr, reads.clusterDomain);
  let covered: Array<{ pods: KubeObject[] }> = services.filter(s =>
    hostMatches(fqdn, s.info.fqdn),
  );
  const other =
    covered.length === 0 ? reads.lookup('serviceByFqdn', fqdn)[0] : undefined;
  if (other) {
    covered = [
      {
        pods: podsSelectedBy(
          reads,
          other.spec?.selector,
          other.metadata.namespace ?? '',
        ),
      },
    ];
  }
  const subsets: DestinationRuleSubsetInfo[] = (
    Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : []
  )
    .filter((s: any) => s?.name)
    .map((s: any) => {
      const labels: Record<string, string> = s.labels ?? {};
      const pods = covered.flatMap(c =>
        c.pods.filter(p => matchLabelsMatch(labels, p.metadata.labels)),
      );
      const policy = trafficPolicyOf(s.trafficPolicy);
      return {
        name: s.name,
        labels,
        podCount: pods.length,
        readyPodCount: pods.filter(isPodReady).length,
        ...(policy && { trafficPolicy: policy }),
      };
    });
  const policy = trafficPolicyOf(dr.spec?.trafficPolicy);
  return {
    obj: dr,
    info: {
      ...baseOf(dr),
      host: dr.spec.host,
      fqdn,
      ...(policy && { trafficPolicy: policy }),
      subsets,
      ...(Array.isArray(dr.spec?.exportTo) && { exportTo: dr.spec.exportTo }),
    },
  };
}
