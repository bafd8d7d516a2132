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
import { withSharedShape } from './sharedShapes';

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

function intern(value: string): string {
  if (value.length > 128) {
    return value;
  }
  const existing = interned.get(value);
  if (existing !== undefined) {
    return existing;
  }
  if (interned.size < INTERN_LIMIT) {
    interned.set(value, value);
  }
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
  if (shared.size < SHARE_LIMIT) {
    shared.set(hash, value);
  }
  return value;
}

/** A value as kept, and the hash of its content (undefined: not shared). */
interface Shared {
  value: any;
  hash?: number;
}

function share(value: any, key: string | undefined): Shared {
  if (typeof value === 'string') {
    const kept =
      key !== undefined && UNIQUE_KEYS.has(key) ? value : intern(value);
    return {
      value: kept,
      hash:
        key !== undefined && UNSHARED_KEYS.has(key)
          ? undefined
          : leafHash(kept),
    };
  }
  if (Array.isArray(value)) {
    let hash: number | undefined = 1;
    // `map` allocates exactly `length` elements.
    const out = value.map(element => {
      const kept = share(element, undefined);
      hash =
        hash === undefined || kept.hash === undefined
          ? undefined
          : hashNumber(hash, kept.hash);
      return kept.value;
    });
    return hash === undefined
      ? { value: out }
      : { value: shareObject(out, hash), hash };
  }
  if (value && typeof value === 'object') {
    let hash: number | undefined = 2;
    const entries = Object.keys(value).map(k => {
      const kept = share(value[k], k);
      hash =
        hash === undefined || kept.hash === undefined
          ? undefined
          : hashNumber(hashText(hash, k), kept.hash);
      return [k, kept.value];
    });
    // `fromEntries` keeps a `__proto__` key as a key.
    const out = withSharedShape(Object.fromEntries(entries));
    return hash === undefined
      ? { value: out }
      : { value: shareObject(out, hash), hash };
  }
  return { value, hash: leafHash(value) };
}

/**
 * A parsed object as the caches keep it (its input is left as it is): its
 * repeated strings one shared copy (values under `UNIQUE_KEYS` excepted),
 * each plain object on its shape's hidden class, each array at its length,
 * and each object or array equal to one kept before that one. Never modify
 * what it returns: its parts may be parts of other objects.
 */
export function shareValues(value: any): any {
  return share(value, undefined).value;
}
