/**
 * Whether `labels` carry every key/value of `selector` (an equality-based
 * selector such as a Service selector or a subset's labels). An empty
 * selector matches everything.
 *
 * @public
 */
export function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) {
    return true;
  }
  for (const key in selector) {
    if (!labels || labels[key] !== selector[key]) {
      return false;
    }
  }
  return true;
}
