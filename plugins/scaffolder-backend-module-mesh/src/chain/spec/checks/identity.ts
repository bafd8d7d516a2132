/*
 * The service's names and labels, and the cluster's DNS domain.
 */
import {
  checkDns1035Label,
  checkDns1123Label,
  checkDns1123Subdomain,
  checkLabelKey,
  checkLabelValue,
} from '../../../lib/formats';
import type { ChainSpec } from '../ChainSpec';
import type { SpecProblems } from './problems';

const RESERVED_LABELS = [
  'app',
  'version',
  'app.kubernetes.io/name',
  'app.kubernetes.io/version',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
  'backstage.io/kubernetes-id',
];

/** The name, namespace and labels. */
export function checkIdentity(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format } = problems;
  if (format('name', spec.name, checkDns1035Label, 'checkout')) {
    // Deployments of other versions are named <name>-<version>, and the new
    // Gateway <name>-gateway; their names are label values too.
    const longest = Math.max(
      0,
      ...spec.versions.slice(1).map(v => v.name.length + 1),
    );
    if (spec.name.length + longest > 63) {
      add(
        'name',
        `'${spec.name}' is too long for the Deployment names of the other versions (<name>-<version> must fit in 63 characters); shorten the name or the version names`,
      );
    }
  }
  format('namespace', spec.namespace, checkDns1123Label, 'shop');
  if (spec.kubernetesId !== undefined) {
    format('kubernetesId', spec.kubernetesId, checkLabelValue, 'checkout');
  }
  if (spec.partOf !== undefined) {
    format('partOf', spec.partOf, checkLabelValue, 'webshop');
  }
  for (const [key, value] of Object.entries(spec.labels ?? {})) {
    const keyProblem = checkLabelKey(key);
    if (keyProblem) {
      add(`labels.${key}`, `the label key '${key}' ${keyProblem}`);
    }
    if (RESERVED_LABELS.includes(key)) {
      add(
        `labels.${key}`,
        `'${key}' is set by the chain itself (selectors and subsets rely on it); remove it from labels`,
      );
    }
    format(`labels.${key}`, value, checkLabelValue, 'team-a');
  }
}

/** The cluster's DNS domain. */
export function checkClusterDomain(
  spec: ChainSpec,
  problems: SpecProblems,
): void {
  const { add } = problems;
  if (checkDns1123Subdomain(spec.clusterDomain)) {
    add(
      'clusterDomain',
      `'${spec.clusterDomain}' is not a DNS domain, e.g. cluster.local`,
    );
  }
}
