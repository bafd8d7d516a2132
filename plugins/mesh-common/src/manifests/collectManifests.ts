/*
 * The objects of several manifest files as one set, as `kubectl apply`
 * would apply them: objects without a namespace in the default one, and an
 * object declared twice taken from its last declaration.
 */
import { watchedKindOf } from '../engine/kube/watchedKinds';
import { objectKey } from '../types';
import type {
  ManifestObject,
  ManifestProblem,
  ParsedManifests,
} from './parseManifests';

/** The objects of several files, one per group, kind, namespace and name. @public */
export interface ManifestSet {
  objects: ManifestObject[];
  problems: ManifestProblem[];
}

/**
 * Gathers what {@link parseManifests} read from several files. Objects of
 * the kinds the chain engine reads that have no namespace get
 * `defaultNamespace` (default `default`), as `kubectl apply -n` does; an
 * object declared again replaces the earlier declaration, with a `notice`
 * naming both places.
 *
 * @public
 */
export function collectManifests(
  files: readonly ParsedManifests[],
  options: { defaultNamespace?: string } = {},
): ManifestSet {
  const defaultNamespace = options.defaultNamespace || 'default';
  const byKey = new Map<string, ManifestObject>();
  const problems: ManifestProblem[] = files.flatMap(f => f.problems);
  for (const m of files.flatMap(f => f.objects)) {
    const object =
      watchedKindOf(m.object) && m.object.metadata.namespace === undefined
        ? {
            ...m.object,
            metadata: { ...m.object.metadata, namespace: defaultNamespace },
          }
        : m.object;
    const key = objectKey({
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
    });
    const earlier = byKey.get(key);
    if (earlier) {
      problems.push({
        severity: 'notice',
        file: m.source.file,
        document: m.source.document,
        line: m.source.line,
        message: `${object.kind} ${object.metadata.namespace ?? ''}${
          object.metadata.namespace ? '/' : ''
        }${object.metadata.name} is also declared in ${
          earlier.source.file
        } (document ${
          earlier.source.document
        }); this later declaration is the one checked, as kubectl apply would leave it.`,
      });
      byKey.delete(key);
    }
    byKey.set(key, { ...m, object });
  }
  return { objects: [...byKey.values()], problems };
}
