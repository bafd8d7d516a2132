/*
 * Field ownership (`metadata.managedFields`) and server-side apply, after
 * sigs.k8s.io/structured-merge-diff: every write records which manager set
 * which fields; an apply merges the applied configuration into the live
 * object, removes fields the manager stopped applying, and reports
 * conflicts with fields other managers set to other values (unless forced).
 */
import type { ManagedFieldsEntry } from '../../types';
import type { StatusCause } from '../errors';
import {
  UNMANAGED_METADATA,
  isPlainObject,
  itemKey,
  listTypeAt,
  sameKey,
} from './structure';

/** A path element: `f:name`, `k:{"name":"app"}` or `v:"value"`. */
type Path = string[];
const SEP = '\n';

const enc = (p: Path) => p.join(SEP);
const dec = (s: string): Path => (s === '' ? [] : s.split(SEP));

/** Which part of an object a write touches. */
export type FieldScope = 'all' | 'main' | 'status';

interface Shape {
  kind: string;
  builtin: boolean;
}

/**
 * Every managed field path of `obj` within `scope`, with the JSON of the
 * value at each leaf ('' for list items, whose identity is their key).
 */
function fieldValues(
  shape: Shape,
  obj: Record<string, any>,
  scope: FieldScope,
): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (
    value: unknown,
    path: string,
    depth: number,
    keys: string[],
  ) => {
    const child = (el: string) => (depth === 0 ? el : `${path}${SEP}${el}`);
    if (isPlainObject(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0 && depth) {
        out.set(path, '{}');
        return;
      }
      for (const [k, v] of entries) {
        if (v === undefined) continue;
        if (depth === 0) {
          if (k === 'apiVersion' || k === 'kind') continue;
          if (scope === 'main' && k === 'status') continue;
          if (scope === 'status' && k !== 'status') continue;
        }
        if (depth === 1 && path === 'f:metadata' && UNMANAGED_METADATA.has(k)) {
          continue;
        }
        walk(v, child(`f:${k}`), depth + 1, [...keys, k]);
      }
      return;
    }
    if (Array.isArray(value)) {
      const lt = listTypeAt(shape.kind, shape.builtin, keys);
      if (lt.type === 'map') {
        for (const item of value) {
          const key = itemKey(item, lt.keys);
          if (!key) {
            out.set(path, JSON.stringify(value));
            return;
          }
          const itemPath = child(`k:${JSON.stringify(key)}`);
          out.set(itemPath, '');
          walk(item, itemPath, depth + 1, keys);
        }
        return;
      }
      if (lt.type === 'set') {
        for (const item of value)
          out.set(child(`v:${JSON.stringify(item)}`), '');
        return;
      }
    }
    if (depth) out.set(path, JSON.stringify(value));
  };
  walk(obj, '', 0, []);
  return out;
}

/** Every managed field path of `obj` within `scope`. */
export function fieldSet(
  shape: Shape,
  obj: Record<string, any>,
  scope: FieldScope,
): Set<string> {
  return new Set(fieldValues(shape, obj, scope).keys());
}

/** The `fieldsV1` form of a set. */
export function toFieldsV1(set: Set<string>): Record<string, unknown> {
  const root: Record<string, any> = {};
  const sorted = [...set].sort();
  for (const s of sorted) {
    const path = dec(s);
    let node = root;
    for (const el of path) {
      node[el] = node[el] ?? {};
      node = node[el];
    }
  }
  // Item paths that also have children get a "." marker.
  for (const s of sorted) {
    const path = dec(s);
    let node = root;
    for (const el of path) node = node[el];
    if (Object.keys(node).some(k => k !== '.')) node['.'] = {};
  }
  return root;
}

/** The set of a `fieldsV1` object. */
export function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: Path) => {
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 0) {
      if (path.length) out.add(enc(path));
      return;
    }
    for (const k of keys) {
      if (k === '.') out.add(enc(path));
      else walk(node[k], [...path, k]);
    }
  };
  walk(fields, []);
  return out;
}

function parseItem(el: string): unknown {
  return JSON.parse(el.slice(2));
}

/** The value at a path, or `undefined`. */
function valueAt(obj: unknown, path: Path): unknown {
  let cur: any = obj;
  for (const el of path) {
    if (cur === undefined || cur === null) return undefined;
    if (el.startsWith('f:')) {
      cur = isPlainObject(cur) ? cur[el.slice(2)] : undefined;
    } else if (el.startsWith('k:')) {
      const key = parseItem(el) as Record<string, unknown>;
      cur = Array.isArray(cur)
        ? cur.find(x => sameKey(x, key, Object.keys(key)))
        : undefined;
    } else if (el.startsWith('v:')) {
      const want = el.slice(2);
      cur = Array.isArray(cur)
        ? cur.find(x => JSON.stringify(x) === want)
        : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

function removeAt(obj: Record<string, any>, path: Path) {
  const parent = valueAt(obj, path.slice(0, -1));
  const el = path[path.length - 1];
  if (el.startsWith('f:')) {
    if (isPlainObject(parent)) delete parent[el.slice(2)];
  } else if (Array.isArray(parent)) {
    let index = -1;
    if (el.startsWith('k:')) {
      const key = parseItem(el) as Record<string, unknown>;
      index = parent.findIndex(x => sameKey(x, key, Object.keys(key)));
    } else if (el.startsWith('v:')) {
      index = parent.findIndex(x => JSON.stringify(x) === el.slice(2));
    }
    if (index >= 0) parent.splice(index, 1);
  }
}

/** `.spec.template.spec.containers[name="app"].image`, as conflicts show paths. */
function displayPath(s: string): string {
  let out = '';
  for (const el of dec(s)) {
    if (el.startsWith('f:')) out += `.${el.slice(2)}`;
    else if (el.startsWith('k:')) {
      const key = parseItem(el) as Record<string, unknown>;
      out += `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    } else if (el.startsWith('v:')) out += `[=${el.slice(2)}]`;
  }
  return out;
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b);

function isItem(s: string) {
  const last = s.slice(s.lastIndexOf(SEP) + 1);
  return last.startsWith('k:');
}

/** Deep-merges an applied configuration into a live object. */
function applyMerge(
  shape: Shape,
  live: unknown,
  config: unknown,
  keys: string[],
): unknown {
  if (isPlainObject(config)) {
    const out: Record<string, unknown> = isPlainObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(config)) {
      if (v === null) {
        delete out[k];
      } else {
        out[k] = applyMerge(shape, out[k], v, [...keys, k]);
      }
    }
    return out;
  }
  if (Array.isArray(config)) {
    const lt = listTypeAt(shape.kind, shape.builtin, keys);
    const base = Array.isArray(live) ? live : [];
    if (lt.type === 'map') {
      const out = [...base];
      for (const item of config) {
        const index = out.findIndex(x => sameKey(x, item, lt.keys));
        if (index >= 0) out[index] = applyMerge(shape, out[index], item, keys);
        else out.push(item);
      }
      return out;
    }
    if (lt.type === 'set') {
      const out = [...base];
      for (const item of config) {
        if (!out.some(x => same(x, item))) out.push(item);
      }
      return out;
    }
  }
  return config;
}

function entryKey(e: ManagedFieldsEntry) {
  return `${e.manager}|${e.operation}|${e.subresource ?? ''}`;
}

/** A conflict found by an apply. */
export interface ApplyConflict {
  manager: string;
  apiVersion: string;
  field: string;
}

/** What an apply produced. */
export interface ApplyResult {
  object: Record<string, any>;
  conflicts: ApplyConflict[];
}

/** The 409 causes for apply conflicts, as the API server words them. */
export function conflictCauses(conflicts: ApplyConflict[]): {
  message: string;
  causes: StatusCause[];
} {
  const causes = conflicts.map(c => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${c.manager}" using ${c.apiVersion}`,
    field: c.field,
  }));
  const lines = conflicts.map(
    c => `conflict with "${c.manager}" using ${c.apiVersion}: ${c.field}`,
  );
  const message =
    conflicts.length === 1
      ? `Apply failed with 1 conflict: ${lines[0]}`
      : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return { message, causes };
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined when
 * creating). Returns the merged object with its managed fields, or the
 * conflicts when there are some and `force` is not set.
 */
export function serverSideApply(options: {
  shape: Shape;
  live: Record<string, any> | undefined;
  config: Record<string, any>;
  manager: string;
  apiVersion: string;
  force: boolean;
  scope: FieldScope;
  subresource?: string;
  now: string;
}): ApplyResult {
  const { shape, live, config, manager, apiVersion, force, scope, now } =
    options;
  const configValues = fieldValues(shape, config, scope);
  const configSet = new Set(configValues.keys());
  const liveValues = live
    ? fieldValues(shape, live, scope)
    : new Map<string, string>();
  const entries: Array<ManagedFieldsEntry & { set: Set<string> }> = (
    live?.metadata?.managedFields ?? []
  ).map((e: ManagedFieldsEntry) => ({ ...e, set: fromFieldsV1(e.fieldsV1) }));
  const mine = entries.find(
    e =>
      e.manager === manager &&
      e.operation === 'Apply' &&
      (e.subresource ?? '') === (options.subresource ?? ''),
  );
  const others = entries.filter(e => e !== mine);

  const conflicts: ApplyConflict[] = [];
  if (live) {
    for (const [s, applied] of configValues) {
      if (isItem(s)) continue;
      const current = liveValues.get(s);
      if (current === undefined || current === applied) continue;
      for (const e of others) {
        if (e.set.has(s)) {
          if (force) {
            e.set.delete(s);
          } else {
            conflicts.push({
              manager: e.manager,
              apiVersion: e.apiVersion ?? 'v1',
              field: displayPath(s),
            });
          }
        }
      }
    }
  }
  if (conflicts.length) {
    return { object: live!, conflicts };
  }

  const strippedConfig = { ...config };
  if (scope === 'main') delete strippedConfig.status;
  const merged = applyMerge(shape, live ?? {}, strippedConfig, []) as Record<
    string,
    any
  >;

  // Remove what this manager applied before but no longer does, unless
  // someone else also owns it.
  if (mine) {
    const removed = [...mine.set].filter(s => !configSet.has(s));
    removed.sort((a, b) => dec(b).length - dec(a).length);
    for (const s of removed) {
      const ownedElsewhere = others.some(e => {
        if (e.set.has(s)) return true;
        const prefix = s + SEP;
        for (const o of e.set) if (o.startsWith(prefix)) return true;
        return false;
      });
      if (!ownedElsewhere && !configSet.has(s)) {
        removeAt(merged, dec(s));
      }
    }
  }

  const next: ManagedFieldsEntry[] = [];
  const applyEntry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(configSet),
    ...(options.subresource && { subresource: options.subresource }),
  };
  let placed = false;
  for (const e of entries) {
    if (e === mine) {
      next.push(applyEntry);
      placed = true;
    } else if (e.set.size) {
      const { set, ...rest } = e;
      next.push({ ...rest, fieldsV1: toFieldsV1(set) });
    }
  }
  if (!placed) next.push(applyEntry);
  merged.metadata = { ...(merged.metadata ?? {}), managedFields: next };
  return { object: merged, conflicts: [] };
}

/**
 * Records an ordinary write (create, update, patch) by `manager`: it owns
 * the fields it set or changed, and other managers lose the fields it
 * changed or removed.
 */
export function recordUpdate(options: {
  shape: Shape;
  old: Record<string, any> | undefined;
  next: Record<string, any>;
  manager: string;
  apiVersion: string;
  scope: FieldScope;
  subresource?: string;
  now: string;
}): ManagedFieldsEntry[] | undefined {
  const { shape, old, next, manager, apiVersion, scope, now } = options;
  const oldValues = old
    ? fieldValues(shape, old, scope)
    : new Map<string, string>();
  const newValues = fieldValues(shape, next, scope);
  const changed = new Set<string>();
  for (const [s, v] of newValues) {
    if (oldValues.get(s) !== v) changed.add(s);
  }
  const removed = [...oldValues.keys()].filter(s => !newValues.has(s));
  const newSet = new Set(newValues.keys());
  const entries: ManagedFieldsEntry[] = old?.metadata?.managedFields ?? [];
  if (changed.size === 0 && removed.length === 0) {
    return entries.length ? entries : undefined;
  }
  const lost = new Set([...changed, ...removed]);
  const subresource = options.subresource ?? '';
  const key = `${manager}|Update|${subresource}`;
  const out: ManagedFieldsEntry[] = [];
  let mine: Set<string> | undefined;
  for (const e of entries) {
    const set = fromFieldsV1(e.fieldsV1);
    if (entryKey(e) === key) {
      mine = set;
      continue;
    }
    let touched = false;
    for (const s of lost) {
      if (set.delete(s)) touched = true;
    }
    if (set.size) {
      out.push(touched ? { ...e, fieldsV1: toFieldsV1(set) } : e);
    }
  }
  const ownSet = new Set<string>();
  for (const s of mine ?? []) if (newSet.has(s)) ownSet.add(s);
  for (const s of changed) ownSet.add(s);
  out.push({
    manager,
    operation: 'Update',
    apiVersion,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(ownSet),
    ...(options.subresource && { subresource: options.subresource }),
  });
  return out;
}
