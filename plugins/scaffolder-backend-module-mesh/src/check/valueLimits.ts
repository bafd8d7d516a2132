/*
 * Bounds on the form values a template check renders. The request body is
 * capped at 256 kB; within it, the values must still look like a form's:
 * a modest number of fields, shallow, and small once serialised, so that a
 * hostile caller cannot make the scaffolder's templating chew on them.
 */
import { InputError } from '@backstage/errors';

/** The limits on the `values` of a template check. @public */
export const CHECK_VALUE_LIMITS = {
  /** Fields at the top level (a form's parameters). */
  maxKeys: 200,
  /** Nesting of objects and arrays below `values` (`values.a.b` is 2). */
  maxDepth: 8,
  /** The values serialised as JSON, in bytes. */
  maxBytes: 64 * 1024,
} as const;

/** Values too large to check: answered with 413. */
class ValuesTooLargeError extends Error {
  readonly name = 'PayloadTooLargeError';
  readonly statusCode = 413;
}

/** The path of the first value nested deeper than `maxDepth`, if any. */
function tooDeep(
  value: unknown,
  path: string,
  depth: number,
  maxDepth: number,
): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > maxDepth) return path;
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`${path}[${i}]`, v] as const)
    : Object.entries(value).map(([k, v]) => [`${path}.${k}`, v] as const);
  for (const [childPath, child] of entries) {
    const found = tooDeep(child, childPath, depth + 1, maxDepth);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses values beyond {@link CHECK_VALUE_LIMITS}: too many fields or too
 * deep (checked first, so serialising stays cheap) with a 400 naming the
 * limit and where it is passed, too large with a 413 naming the size and
 * the limit.
 *
 * @public
 */
export function assertValuesWithinLimits(
  values: Record<string, unknown>,
): void {
  const limits = CHECK_VALUE_LIMITS;
  const keys = Object.keys(values).length;
  if (keys > limits.maxKeys) {
    throw new InputError(
      `values: ${keys} fields, more than the ${limits.maxKeys} a template form may have`,
    );
  }
  const deep = tooDeep(values, 'values', 0, limits.maxDepth);
  if (deep) {
    throw new InputError(
      `${deep}: nested more than ${limits.maxDepth} levels deep, the limit for form values`,
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(values), 'utf8');
  if (bytes > limits.maxBytes) {
    throw new ValuesTooLargeError(
      `values: ${bytes} bytes as JSON, more than the limit of ${limits.maxBytes}`,
    );
  }
}
