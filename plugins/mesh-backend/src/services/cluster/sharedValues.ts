/*
 * Values shared between cached objects. Strings: label keys and values,
 * namespaces, images, condition types and timestamps repeat across
 * thousands of objects, and JSON.parse gives each its own copy. Objects and
 * arrays: a pod's containers, container statuses, ports, owner references,
 * labels and Ready condition are the same for every pod of a ReplicaSet
 * (many for every pod of the cluster), a VirtualService's routes and a
 * DestinationRule's policies for every component made from one template;
 * an equal object or array is kept once. Cached objects are read, never
 * modified, so equal parts can be one object.
 *
 * The same walk puts every object on the hidden class of its shape
 * (`sharedShapes.ts`) and copies every array at its length: an array made
 * by `filter` or `push` (as `chainRecordOf` makes them) keeps room for 16
 * more elements, 128 bytes, most of a cached pod's lists.
 */
import { objectOfShape } from './sharedShapes';

/** Most distinct short strings kept for sharing. */
const INTERN_LIMIT = 200_000;
const interned = new Map<string, string>();
/** Keys whose values are unique per object: not worth sharing. */
const UNIQUE_KEYS = new Set(['uid', 'resourceVersion', 'podIP', 'ip', 'name']);

/** Most distinct objects and arrays kept for sharing. */
const SHARE_LIMIT = 100_000;
/** Shared objects and arrays by a hash of their content. */
const shared = new Map<number, object>();
/**
 * Keys whose values make an object (and what holds it) all but unique:
 * such objects are not kept for sharing (metadata, a pod's status, a
 * condition with its time).
 */
const UNSHARED_KEYS = new Set([
  'uid',
  'resourceVersion',
  'podIP',
  'ip',
  'lastTransitionTime',
]);

/**
 * Adds an entry to a sharing table, emptied first when it is full: what is
 * shared already stays shared, and values first seen later (the pods of a
 * new rollout) are shared in their turn, while the table holds no value
 * longer than it takes to fill it again.
 */
function keep<K, V>(table: Map<K, V>, key: K, value: V, limit: number) {
  if (table.size >= limit) {
    table.clear();
  }
  table.set(key, value);
}

function intern(value: string): string {
  if (value.length > 128) {
    return value;
  }
  const existing = interned.get(value);
  if (existing !== undefined) {
    return existing;
  }
  keep(interned, value, value, INTERN_LIMIT);
  return value;
}

/** FNV-1a of a text, continuing `hash`. */
function hashText(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  }
  return h;
}

/** `hash` continued with one 32-bit number. */
function hashNumber(hash: number, n: number): number {
  return Math.imul(hash ^ n, 16777619);
}

/** The hash of a leaf value (its type and text). */
function leafHash(value: unknown): number {
  return hashText(hashText(2166136261, typeof value), String(value));
}

/** Same keys in the same order, each with the identical value. */
function shallowEqual(a: any, b: any): boolean {
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((value, i) => value === b[i])
    );
  }
  if (Array.isArray(b)) {
    return false;
  }
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  return (
    keys.length === otherKeys.length &&
    keys.every((key, i) => key === otherKeys[i] && a[key] === b[key])
  );
}

/**
 * The object or array shared for `value` (made of shared values) when one
 * equal to it is kept, else `value`, kept from now on.
 */
function shareObject(value: object, hash: number): object {
  const existing = shared.get(hash);
  if (existing !== undefined) {
    return shallowEqual(existing, value) ? existing : value;
  }
  keep(shared, hash, value, SHARE_LIMIT);
  return value;
}

/**
 * The hash of the content of the value `share` returned last, undefined
 * when it is not to be shared: a side result, so that the walk allocates
 * little besides what it keeps (its garbage, made for every cached
 * object, is part of the RSS after the caches' warm-up).
 */
let lastHash: number | undefined;

/** `hash` continued with the hash of a part (`lastHash`), under `key`. */
function withPart(hash: number | undefined, key?: string): number | undefined {
  if (hash === undefined || lastHash === undefined) {
    return undefined;
  }
  return hashNumber(key === undefined ? hash : hashText(hash, key), lastHash);
}

function share(value: any, key: string | undefined): any {
  if (typeof value === 'string') {
    lastHash =
      key !== undefined && UNSHARED_KEYS.has(key) ? undefined : leafHash(value);
    return key !== undefined && UNIQUE_KEYS.has(key) ? value : intern(value);
  }
  if (Array.isArray(value)) {
    let hash: number | undefined = 1;
    // `map` allocates exactly `length` elements.
    const out = value.map(element => {
      const kept = share(element, undefined);
      hash = withPart(hash);
      return kept;
    });
    lastHash = hash;
    return hash === undefined ? out : shareObject(out, hash);
  }
  if (value && typeof value === 'object') {
    let hash: number | undefined = 2;
    const keys = Object.keys(value);
    const values = keys.map(k => {
      const kept = share(value[k], k);
      hash = withPart(hash, k);
      return kept;
    });
    const out = objectOfShape(keys, values);
    lastHash = hash;
    return hash === undefined ? out : shareObject(out, hash);
  }
  lastHash = leafHash(value);
  return value;
}

/**
 * A parsed object as the caches keep it (its input is left as it is): its
 * repeated strings one shared copy (values under `UNIQUE_KEYS` excepted),
 * each plain object on its shape's hidden class, each array at its length,
 * and each object or array equal to one kept before that one. Never modify
 * what it returns: its parts may be parts of other objects.
 */
export function shareValues(value: any): any {
  return share(value, undefined);
}
