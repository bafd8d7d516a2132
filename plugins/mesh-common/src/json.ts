/**
 * Whether a parsed JSON or YAML value is an object: not an array, not
 * `null`, not a scalar.
 *
 * @public
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
