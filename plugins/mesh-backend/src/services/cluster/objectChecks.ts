/*
 * The checks every object from an API server passes before the mesh
 * backend keeps it (`trimObject.ts`) or shows it (`displayObject.ts`): a
 * JSON object with a name, a namespace that is a string, spec and status
 * that are objects, labels and annotations that map strings to strings.
 */
import { isJsonObject, type KubeObject } from '@mesh-chain/plugin-mesh-common';

/** What the mesh backend does with one object: the object, or why not. */
export interface TrimmedObject {
  /** The object to store or show; absent when it cannot be indexed. */
  object?: KubeObject;
  /** What is wrong with it, when something is. */
  problem?: string;
}

/** An object that passed the checks, its parts checked. */
export interface CheckedObject {
  apiVersion: string;
  kind: string;
  metadata: KubeObject['metadata'];
  spec?: Record<string, any>;
  status?: Record<string, any>;
  /** The labels that are strings (absent when there are none). */
  labels?: Record<string, string>;
  /** The annotations that are strings, less `kubectl apply`'s copy. */
  annotations?: Record<string, string>;
  /** What is wrong with it (it is kept nonetheless). */
  problems: string[];
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function stringMap(
  value: unknown,
  field: string,
  problems: string[],
  drop?: string,
): Record<string, string> | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isJsonObject(value)) {
    problems.push(`${field} is not a map`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === drop) {
      continue;
    }
    if (typeof v === 'string') {
      out[key] = v;
    } else {
      problems.push(`${field}.${key} is not a string`);
    }
  }
  return out;
}

/**
 * Checks one object of a watched kind. `apiVersion` and `kind` are filled
 * in from `defaults` when the API server leaves them out (list items).
 */
export function checkObject(
  raw: unknown,
  defaults: { apiVersion: string; kind: string },
): CheckedObject | { problem: string } {
  if (!isJsonObject(raw)) {
    return { problem: 'not a JSON object' };
  }
  const metadata = raw.metadata;
  if (!isJsonObject(metadata) || typeof metadata.name !== 'string') {
    return { problem: 'has no metadata.name' };
  }
  if (
    metadata.namespace !== undefined &&
    typeof metadata.namespace !== 'string'
  ) {
    return { problem: 'metadata.namespace is not a string' };
  }
  const problems: string[] = [];
  const { spec, status } = raw;
  if (spec !== undefined && !isJsonObject(spec)) {
    problems.push('spec is not an object');
  }
  if (status !== undefined && !isJsonObject(status)) {
    problems.push('status is not an object');
  }
  const labels = stringMap(metadata.labels, 'metadata.labels', problems);
  const annotations = stringMap(
    metadata.annotations,
    'metadata.annotations',
    problems,
    LAST_APPLIED,
  );
  return {
    apiVersion:
      typeof raw.apiVersion === 'string' ? raw.apiVersion : defaults.apiVersion,
    kind: typeof raw.kind === 'string' ? raw.kind : defaults.kind,
    metadata: metadata as KubeObject['metadata'],
    ...(isJsonObject(spec) && { spec }),
    ...(isJsonObject(status) && { status }),
    ...(labels && { labels }),
    ...(annotations && { annotations }),
    problems,
  };
}
