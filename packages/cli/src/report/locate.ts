/*
 * Where a diagnostic points: the file and line of the object to change
 * (and of its field, when the file holds it), or the cluster it lives in.
 */
import {
  Diagnostic,
  ManifestObject,
  objectKey,
} from '@mesh-chain/plugin-mesh-common';

/** A diagnostic with the place it points at. @public */
export interface LocatedDiagnostic extends Diagnostic {
  /** The manifest file of the object to change, when it came from one. */
  file?: string;
  /** The line of the field (or of the object) in that file. */
  line?: number;
  /** The YAML document in that file, from 1. */
  document?: number;
}

/** Places diagnostics at the manifests their first resource came from. */
export function locator(
  manifests: readonly ManifestObject[],
): (d: Diagnostic) => LocatedDiagnostic {
  const byKey = new Map(
    manifests.map(m => [
      objectKey({
        apiVersion: m.object.apiVersion,
        kind: m.object.kind,
        namespace: m.object.metadata.namespace,
        name: m.object.metadata.name,
      }),
      m,
    ]),
  );
  return d => {
    const first = d.resources[0];
    const m = first && byKey.get(objectKey(first));
    if (!m) return { ...d };
    return {
      ...d,
      file: m.source.file,
      line: m.lineOf(d.path),
      document: m.source.document,
    };
  };
}

/** `Kind namespace/name` of a diagnostic's object to change. */
export function objectName(d: Diagnostic): string {
  const r = d.resources[0];
  if (!r) return '';
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}
