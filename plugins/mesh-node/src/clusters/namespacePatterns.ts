/**
 * Whether a namespace matches a pattern of a write target (the scaffolder's
 * `mesh.scaffolder.targets[].namespaces`, the mesh backend's
 * `mesh.changes.targets[].namespaces`): `*` matches any run of characters,
 * anything else itself, e.g. `team-*` matches `team-a`.
 *
 * @public
 */
export function namespaceMatches(pattern: string, namespace: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) {
    return pattern === namespace;
  }
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (
    !namespace.startsWith(first) ||
    !namespace.endsWith(last) ||
    namespace.length < first.length + last.length
  ) {
    return false;
  }
  let at = first.length;
  const end = namespace.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = namespace.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) {
      return false;
    }
    at = found + middle.length;
  }
  return true;
}
