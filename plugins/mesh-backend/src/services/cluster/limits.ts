/*
 * Size limits on the objects the mesh backend holds and answers with, so
 * that one oversized object (a megabyte annotation, a generated field) can
 * neither take the backend's memory nor blow up every answer that shows it.
 *
 * - Any string, anywhere in an object (annotation and label values and keys,
 *   every field of spec and status), longer than MAX_STRING_LENGTH is cut
 *   to its first CUT_TO characters followed by `…[cut: N bytes]`, N being
 *   what was cut.
 * - After that, an object whose JSON would still exceed MAX_OBJECT_BYTES
 *   loses its annotations, then, if still too large, its spec and status;
 *   each is reported as a problem of the object (a warning of its cluster).
 */

/** Longest string kept whole (characters; 4 KiB of ASCII). */
const MAX_STRING_LENGTH = 4096;

/** What is kept of a longer string (characters), before the note. */
const CUT_TO = 512;

/** The per-object budget: the most JSON one cached object may take. */
export const MAX_OBJECT_BYTES = 256 * 1024;

/** The note that ends a cut string. */
function cutNote(bytes: number): string {
  return `…[cut: ${bytes} bytes]`;
}

function cut(value: string): string {
  const kept = value.slice(0, CUT_TO);
  return `${kept}${cutNote(
    Buffer.byteLength(value) - Buffer.byteLength(kept),
  )}`;
}

/**
 * Cuts every over-long string (and object key) in place and returns the
 * approximate size of the value as JSON, in characters.
 */
function cutLongStrings(value: any): number {
  if (typeof value === 'string') {
    return value.length + 2;
  }
  if (Array.isArray(value)) {
    let size = 2;
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] === 'string' && value[i].length > MAX_STRING_LENGTH) {
        value[i] = cut(value[i]);
      }
      size += cutLongStrings(value[i]) + 1;
    }
    return size;
  }
  if (value && typeof value === 'object') {
    let size = 2;
    for (const key of Object.keys(value)) {
      let k = key;
      if (key.length > MAX_STRING_LENGTH) {
        k = cut(key);
        value[k] = value[key];
        delete value[key];
      }
      if (typeof value[k] === 'string' && value[k].length > MAX_STRING_LENGTH) {
        value[k] = cut(value[k]);
      }
      size += k.length + 4 + cutLongStrings(value[k]);
    }
    return size;
  }
  return 8;
}

/** Something that was removed from an object to keep it within budget. */
export type BudgetProblem = string;

/**
 * Applies the limits to a (trimmed) object, in place. Returns what was
 * removed for the per-object budget, if anything; cut strings say so in
 * their own text and are not problems.
 */
export function boundObject(object: {
  metadata: { annotations?: Record<string, string> };
  spec?: unknown;
  status?: unknown;
}): BudgetProblem[] {
  let size = cutLongStrings(object);
  if (size <= MAX_OBJECT_BYTES) {
    return [];
  }
  const problems: BudgetProblem[] = [];
  const kib = (n: number) => `${Math.ceil(n / 1024)} KiB`;
  const budget = `the per-object budget of ${kib(MAX_OBJECT_BYTES)}`;
  if (object.metadata.annotations) {
    size -= cutLongStrings(object.metadata.annotations);
    delete object.metadata.annotations;
    problems.push(`annotations dropped: the object is over ${budget}`);
  }
  if (size > MAX_OBJECT_BYTES) {
    delete object.spec;
    delete object.status;
    problems.push(
      `spec and status dropped: the object is ${kib(size)}, over ${budget}`,
    );
  }
  return problems;
}
