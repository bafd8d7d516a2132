/** A safe element id from parts, e.g. a cluster name and a section. */
export function domId(...parts: string[]): string {
  return `mesh-${parts
    .join('-')
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9_-]+/g, '-')}`;
}
