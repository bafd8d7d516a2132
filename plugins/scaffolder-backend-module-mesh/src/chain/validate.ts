import {
  checkFields,
  labelSelectorFromSpec,
  selectorMatches,
  UnknownField,
} from '@mesh-chain/plugin-mesh-common';
import { checkDns1123Label, checkDns1123Subdomain } from '../lib/formats';
import {
  describeObject,
  fieldStructureOf,
  isNamespacedKind,
  isSupportedKind,
  KubeObject,
  SUPPORTED_KINDS,
  validateAgainstSchema,
} from '../lib/models';
import { SourcedObject } from './manifests';
import { checkRanges } from './ranges';

/** A problem with one manifest. @public */
export interface ManifestProblem {
  /** `Kind namespace/name`. */
  object: string;
  /** File and document it came from, if read from files. */
  source?: string;
  /** Dotted path of the field, if any. */
  path?: string;
  message: string;
}

/** Edits (insert, delete, replace) between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** What to write instead of an unknown field: the nearest known one. */
function unknownFieldMessage(unknown: UnknownField): string {
  const name = unknown.path.slice(unknown.path.lastIndexOf('.') + 1);
  const nearest = [...unknown.known]
    .map(k => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  const fix =
    nearest && nearest.d <= Math.max(2, Math.floor(name.length / 3))
      ? `did you mean '${nearest.k}'?`
      : `remove it, or use one of: ${[...unknown.known].sort().join(', ')}`;
  return `unknown field '${name}': the schema has no such field here, and the cluster refuses it (strict field validation); ${fix}`;
}

function unknownFields(object: KubeObject): UnknownField[] {
  const structure = fieldStructureOf(object.apiVersion, object.kind);
  return structure ? checkFields(structure, object).unknown : [];
}

/**
 * A Deployment whose selector does not select its own pod template, which
 * apps/v1 refuses (an empty selector too).
 */
function deploymentSelectorProblem(object: KubeObject): string | undefined {
  const spec = (object as { spec?: any }).spec;
  if (object.kind !== 'Deployment' || !spec) return undefined;
  const selector = labelSelectorFromSpec(spec.selector);
  if (
    selector.requirements.length > 0 &&
    selectorMatches(selector, spec.template?.metadata?.labels)
  ) {
    return undefined;
  }
  return 'does not select the pod template labels; Kubernetes rejects such a Deployment. Make every selector label a label of spec.template.metadata.labels';
}

/** The identity of an object in a set of manifests. */
function identityOf(object: KubeObject): string {
  return `${object.apiVersion}/${object.kind}/${
    object.metadata.namespace ?? ''
  }/${object.metadata.name}`;
}

/**
 * Validates manifests against the upstream Kubernetes, Istio and Gateway API
 * schemas (types, and no field the schema does not declare), the ranges the
 * API server and Istio enforce, and checks their names, that no object
 * appears twice and that Deployments select their own pods; kinds without
 * a known schema are refused.
 *
 * @public
 */
export function validateManifests(
  manifests: SourcedObject[],
): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const seen = new Set<string>();
  for (const { object, source } of manifests) {
    const add = (path: string | undefined, message: string) =>
      problems.push({ object: describeObject(object), source, path, message });
    if (seen.has(identityOf(object))) {
      add(
        'metadata.name',
        'appears twice in the manifests; keep one (the second would overwrite the first)',
      );
    }
    seen.add(identityOf(object));
    if (!isSupportedKind(object.apiVersion, object.kind)) {
      add(
        undefined,
        `${object.apiVersion} ${
          object.kind
        } is not a kind the mesh actions validate and apply; supported: ${SUPPORTED_KINDS.join(
          ', ',
        )}`,
      );
      continue;
    }
    const nameProblem =
      object.kind === 'Namespace' || object.kind === 'Service'
        ? checkDns1123Label(object.metadata.name)
        : checkDns1123Subdomain(object.metadata.name);
    if (nameProblem) {
      add('metadata.name', `'${object.metadata.name}' ${nameProblem}`);
    }
    const namespace = object.metadata.namespace;
    if (isNamespacedKind(object.apiVersion, object.kind)) {
      if (namespace !== undefined && checkDns1123Label(namespace)) {
        add(
          'metadata.namespace',
          `'${namespace}' ${checkDns1123Label(namespace)}`,
        );
      }
    } else if (namespace !== undefined) {
      add(
        'metadata.namespace',
        `${object.kind} is cluster-scoped; remove metadata.namespace`,
      );
    }
    for (const p of validateAgainstSchema(object) ?? []) {
      add(p.path, p.message);
    }
    for (const u of unknownFields(object)) {
      add(u.path, unknownFieldMessage(u));
    }
    for (const r of checkRanges(object)) {
      add(r.path, r.message);
    }
    const selectorProblem = deploymentSelectorProblem(object);
    if (selectorProblem) {
      add('spec.selector', selectorProblem);
    }
  }
  return problems;
}

/** One line per problem: `Kind ns/name (file): path: message`. @public */
export function formatProblems(
  problems: Array<{
    object: string;
    source?: string;
    path?: string;
    message: string;
  }>,
): string {
  return problems
    .map(
      p =>
        `  - ${p.object}${p.source ? ` (${p.source})` : ''}: ${
          p.path ? `${p.path}: ` : ''
        }${p.message}`,
    )
    .join('\n');
}
