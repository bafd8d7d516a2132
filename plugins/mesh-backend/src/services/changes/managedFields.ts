/*
 * Reading `metadata.managedFields`: which manager owns which field (the
 * `FieldsV1` sets of server-side apply), and what one manager applied, so
 * that a later apply by it can send it again. Kubernetes keeps a manager's
 * fields only while it keeps applying them: an apply that leaves out a
 * field it applied before removes that field from the object.
 */
import {
  isJsonObject,
  type KubeObject,
  type ManagedFieldsEntry,
} from '@mesh-chain/plugin-mesh-common';

/** A field as a list of keys, e.g. `['spec', 'http']`. */
export type FieldPath = string[];

/** The object's managed fields entries (none when it has none). */
export function managedFieldsOf(obj: KubeObject): ManagedFieldsEntry[] {
  const entries = obj.metadata.managedFields;
  return Array.isArray(entries)
    ? entries.filter(
        (e): e is ManagedFieldsEntry =>
          isJsonObject(e) && typeof e.manager === 'string',
      )
    : [];
}

/** `spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt]`. */
export function displayField(path: FieldPath): string {
  return path
    .map((key, i) =>
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
        ? `${i ? '.' : ''}${key}`
        : `[${key}]`,
    )
    .join('');
}

/**
 * Whether a `FieldsV1` set holds the field: the field itself, or fields
 * inside it (a manager that set one entry of a map owns part of it).
 */
export function fieldsHold(fieldsV1: unknown, path: FieldPath): boolean {
  let node: unknown = fieldsV1;
  for (const key of path) {
    if (!isJsonObject(node)) {
      return false;
    }
    node = node[`f:${key}`];
  }
  return isJsonObject(node);
}

function keyOfItem(element: string): Record<string, unknown> | undefined {
  try {
    const key = JSON.parse(element.slice(2));
    return isJsonObject(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The parts of `value` a `FieldsV1` node names. */
function extract(value: unknown, node: Record<string, unknown>): unknown {
  const children = Object.keys(node).filter(k => k !== '.');
  if (children.length === 0) {
    return value;
  }
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const element of children) {
      if (element.startsWith('k:')) {
        const key = keyOfItem(element);
        const item = key
          ? value.find(
              x =>
                isJsonObject(x) &&
                Object.entries(key).every(([k, v]) => x[k] === v),
            )
          : undefined;
        const sub = node[element];
        if (item !== undefined && isJsonObject(sub)) {
          items.push({ ...key, ...(extract(item, sub) as object) });
        }
      } else if (element.startsWith('v:')) {
        try {
          items.push(JSON.parse(element.slice(2)));
        } catch {
          // not a value we can send again; leave it out
        }
      }
    }
    return items;
  }
  if (!isJsonObject(value)) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const element of children) {
    const sub = node[element];
    if (!element.startsWith('f:') || !isJsonObject(sub)) {
      continue;
    }
    const key = element.slice(2);
    if (value[key] !== undefined) {
      out[key] = extract(value[key], sub);
    }
  }
  return out;
}

/**
 * What `manager` applied to the object (its `Apply` entry of the main
 * resource), with the values the object holds now: sent again with a new
 * change, it keeps everything the manager applied before. Empty when it
 * never applied anything.
 */
export function appliedBy(obj: KubeObject, manager: string): KubeObject {
  const entry = managedFieldsOf(obj).find(
    e => e.manager === manager && e.operation === 'Apply' && !e.subresource,
  );
  const identity: KubeObject = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name: obj.metadata.name,
      ...(obj.metadata.namespace && { namespace: obj.metadata.namespace }),
    },
  };
  if (!entry || !isJsonObject(entry.fieldsV1)) {
    return identity;
  }
  const owned = extract(obj, entry.fieldsV1) as Record<string, any>;
  return mergeConfigurations(owned as KubeObject, identity);
}

/**
 * Deep-merges apply configurations, later ones winning; objects merge key
 * by key, anything else (lists included) is replaced.
 */
export function mergeConfigurations(...configs: object[]): KubeObject {
  const merge = (a: unknown, b: unknown): unknown => {
    if (isJsonObject(a) && isJsonObject(b)) {
      const out: Record<string, unknown> = { ...a };
      for (const [k, v] of Object.entries(b)) {
        out[k] = merge(out[k], v);
      }
      return out;
    }
    return b === undefined ? a : b;
  };
  return configs.reduce<unknown>((acc, c) => merge(acc, c), {}) as KubeObject;
}

/** The value at a path of an object, or `undefined`. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let node = obj;
  for (const key of path) {
    if (!isJsonObject(node)) {
      return undefined;
    }
    node = node[key];
  }
  return node;
}

/** An object holding only `value` at `path`. */
export function objectAt(path: FieldPath, value: unknown): object {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as
    | object;
}
