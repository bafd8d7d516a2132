/*
 * Strings shared between cached objects: label keys and values,
 * namespaces, images, condition types and timestamps repeat across
 * thousands of objects, and JSON.parse gives each its own copy. The same
 * walk puts every object on the hidden class of its shape
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

/**
 * Replaces repeated strings of a parsed object with one shared copy
 * (values under `UNIQUE_KEYS` excepted), in place, and returns it with
 * each plain object rebuilt on its shape's hidden class and each array
 * copied at its length: use the value returned.
 */
export function shareStrings(value: any, key?: string): any {
  if (typeof value === 'string') {
    return key !== undefined && UNIQUE_KEYS.has(key) ? value : intern(value);
  }
  if (Array.isArray(value)) {
    // `map` allocates exactly `length` elements.
    return value.map(element => shareStrings(element));
  }
  if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      value[k] = shareStrings(value[k], k);
    }
    return withSharedShape(value);
  }
  return value;
}
