import { checkDns1123Label, checkDns1123Subdomain } from '../lib/formats';
import {
  describeObject,
  isNamespacedKind,
  isSupportedKind,
  SUPPORTED_KINDS,
  validateAgainstSchema,
} from '../lib/models';
import { SourcedObject } from './manifests';

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

/**
 * Validates manifests against the upstream Kubernetes, Istio and Gateway API
 * schemas, and checks their names; kinds without a known schema are refused.
 *
 * @public
 */
export function validateManifests(
  manifests: SourcedObject[],
): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const { object, source } of manifests) {
    const add = (path: string | undefined, message: string) =>
      problems.push({ object: describeObject(object), source, path, message });
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
