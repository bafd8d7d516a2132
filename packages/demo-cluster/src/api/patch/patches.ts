/*
 * The three classic patch formats: JSON Patch (RFC 6902), JSON Merge Patch
 * (RFC 7386) and Kubernetes strategic merge patch (with its `$patch`,
 * `$retainKeys`, `$deleteFromPrimitiveList` and `$setElementOrder`
 * directives), as the API server applies them.
 */
import { badRequest, ApiError } from '../errors';
import { isPlainObject, itemKey, listTypeAt, sameKey } from './structure';

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** RFC 7386 JSON Merge Patch. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) {
    return clone(patch);
  }
  const result: Record<string, unknown> = isPlainObject(target)
    ? { ...target }
    : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = jsonMergePatch(result[key], value);
    }
  }
  return result;
}

function unescapePointer(s: string) {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw badRequest(`the JSON pointer "${pointer}" must start with "/"`);
  }
  return pointer.slice(1).split('/').map(unescapePointer);
}

function jsonPatchError(message: string): ApiError {
  // The API server reports failed JSON patches as 422 Invalid without causes.
  return new ApiError(422, 'Invalid', message);
}

/** RFC 6902 JSON Patch. */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw badRequest(
      'the body of a json-patch+json request must be an array of operations',
    );
  }
  let doc: any = clone(target);

  const resolve = (path: string[], create = false) => {
    let parent: any = doc;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      if (parent === null || typeof parent !== 'object') {
        throw jsonPatchError(
          `doc is missing path: "/${path.slice(0, i + 1).join('/')}"`,
        );
      }
      if (!(key in parent)) {
        if (!create) {
          throw jsonPatchError(
            `doc is missing path: "/${path
              .slice(0, i + 1)
              .join('/')}": missing value`,
          );
        }
      }
      parent = Array.isArray(parent) ? parent[Number(key)] : parent[key];
    }
    if (parent === null || typeof parent !== 'object') {
      throw jsonPatchError(`doc is missing path: "/${path.join('/')}"`);
    }
    return { parent, key: path[path.length - 1] };
  };

  const get = (path: string[]) => {
    let cur: any = doc;
    for (const key of path) {
      if (cur === null || typeof cur !== 'object' || !(key in cur)) {
        throw jsonPatchError(
          `doc is missing path: "/${path.join('/')}": missing value`,
        );
      }
      cur = Array.isArray(cur) ? cur[Number(key)] : cur[key];
    }
    return cur;
  };

  const add = (path: string[], value: unknown) => {
    if (path.length === 0) {
      doc = clone(value);
      return;
    }
    const { parent, key } = resolve(path);
    if (Array.isArray(parent)) {
      const index = key === '-' ? parent.length : Number(key);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) {
        throw jsonPatchError(`Unable to access invalid index: ${key}`);
      }
      parent.splice(index, 0, clone(value));
    } else {
      parent[key] = clone(value);
    }
  };

  const remove = (path: string[]) => {
    const { parent, key } = resolve(path);
    if (Array.isArray(parent)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
        throw jsonPatchError(
          `Unable to remove nonexistent key: ${key}: missing value`,
        );
      }
      return parent.splice(index, 1)[0];
    }
    if (!(key in parent)) {
      throw jsonPatchError(
        `Unable to remove nonexistent key: ${key}: missing value`,
      );
    }
    const old = parent[key];
    delete parent[key];
    return old;
  };

  for (const op of operations) {
    if (!isPlainObject(op) || typeof op.op !== 'string') {
      throw badRequest('every json-patch operation needs an "op"');
    }
    const path = parsePointer(String(op.path ?? ''));
    switch (op.op) {
      case 'add':
        add(path, op.value);
        break;
      case 'remove':
        remove(path);
        break;
      case 'replace':
        get(path);
        remove(path);
        add(path, op.value);
        break;
      case 'move': {
        const value = remove(parsePointer(String(op.from ?? '')));
        add(path, value);
        break;
      }
      case 'copy':
        add(path, get(parsePointer(String(op.from ?? ''))));
        break;
      case 'test':
        if (JSON.stringify(get(path)) !== JSON.stringify(op.value)) {
          throw jsonPatchError(
            `testing value /${path.join('/')} failed: test failed`,
          );
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/**
 * Kubernetes strategic merge patch for a built-in kind. `path` is the path of
 * `original` from the object root (object keys only).
 */
export function strategicMergePatch(
  kind: string,
  original: unknown,
  patch: unknown,
  path: string[] = [],
): unknown {
  if (!isPlainObject(patch)) {
    return clone(patch);
  }
  const directive = patch.$patch;
  if (directive === 'delete') {
    return undefined;
  }
  if (directive === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (directive !== undefined && directive !== 'merge') {
    throw badRequest(`Unknown patch directive: ${directive}`);
  }

  const result: Record<string, any> = isPlainObject(original)
    ? { ...original }
    : {};

  const retainKeys = patch.$retainKeys;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM)) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const childPath = [...path, key];
    if (Array.isArray(value)) {
      result[key] = mergeList(kind, result[key], value, childPath);
    } else if (isPlainObject(value)) {
      const merged = strategicMergePatch(kind, result[key], value, childPath);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }

  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      if (Array.isArray(result[field]) && Array.isArray(value)) {
        const drop = new Set(value.map(v => JSON.stringify(v)));
        result[field] = result[field].filter(
          (v: unknown) => !drop.has(JSON.stringify(v)),
        );
      }
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (key.startsWith(SET_ORDER) && Array.isArray(order)) {
      const field = key.slice(SET_ORDER.length);
      if (Array.isArray(result[field])) {
        result[field] = applyOrder(kind, result[field], order, [
          ...path,
          field,
        ]);
      }
    }
  }
  if (Array.isArray(retainKeys)) {
    for (const key of Object.keys(result)) {
      if (!retainKeys.includes(key)) delete result[key];
    }
  }
  return result;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function mergeList(
  kind: string,
  original: unknown,
  patch: unknown[],
  path: string[],
): unknown[] {
  const lt = listTypeAt(kind, true, path);
  const base = Array.isArray(original) ? original : [];
  if (patch.some(x => isPlainObject(x) && x.$patch === 'replace')) {
    return patch
      .filter(x => !(isPlainObject(x) && x.$patch === 'replace'))
      .map(stripDirectives);
  }
  if (lt.type === 'set') {
    const seen = new Set(base.map(v => JSON.stringify(v)));
    const out = [...base];
    for (const v of patch) {
      if (!seen.has(JSON.stringify(v))) {
        seen.add(JSON.stringify(v));
        out.push(v);
      }
    }
    return out;
  }
  if (lt.type !== 'map') {
    return patch.map(stripDirectives);
  }
  const keys = [lt.patchKey];
  const out = [...base];
  for (const item of patch) {
    if (!isPlainObject(item) || itemKey(item, keys) === undefined) {
      throw badRequest(
        `map: ${JSON.stringify(item)} does not contain declared merge key: ${
          lt.patchKey
        }`,
      );
    }
    const index = out.findIndex(x => sameKey(x, item, keys));
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      out[index] = strategicMergePatch(kind, out[index], item, path);
    } else {
      out.push(strategicMergePatch(kind, undefined, item, path));
    }
  }
  return out;
}

function applyOrder(
  kind: string,
  list: unknown[],
  order: unknown[],
  path: string[],
): unknown[] {
  const lt = listTypeAt(kind, true, path);
  const matches = (a: unknown, b: unknown) =>
    lt.type === 'map'
      ? sameKey(a, b, [lt.patchKey])
      : JSON.stringify(a) === JSON.stringify(b);
  const ordered: unknown[] = [];
  for (const o of order) {
    const found = list.find(x => matches(x, o));
    if (found !== undefined && !ordered.includes(found)) ordered.push(found);
  }
  for (const x of list) {
    if (!ordered.includes(x)) ordered.push(x);
  }
  return ordered;
}
