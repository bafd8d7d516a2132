/*
 * What a direct read (with the user's credential) fetches, derived from
 * what the chain engine read: first a broad round, then, round after round,
 * the queries the engine made that the reads so far did not cover (pods and
 * ReplicaSets by label selector, an object by name...), until the engine
 * asks for nothing new.
 */
import {
  ClusterSnapshot,
  formatLabelSelector,
  ReadQuery,
  ReadRecord,
  WATCHED_KINDS,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import type { DirectRead } from '../cluster/ClusterDataService';

/**
 * The kinds left out of the first, broad round: there are many of them, and
 * the engine selects them by label (a Service's selector, a Deployment's),
 * so they are read that way in the rounds that follow.
 */
const BY_SELECTOR_ONLY: ReadonlySet<WatchedKind> = new Set<WatchedKind>([
  'pods',
  'replicasets',
]);

/**
 * The first round: every other kind, cluster-wide or in each of
 * `mesh.namespaces`.
 */
export function broadReads(scopes: string[] | undefined): DirectRead[] {
  const reads: DirectRead[] = [];
  for (const kind of Object.keys(WATCHED_KINDS) as WatchedKind[]) {
    if (BY_SELECTOR_ONLY.has(kind)) {
      continue;
    }
    for (const namespace of scopes ?? [undefined]) {
      reads.push({ kind, namespace });
    }
  }
  return reads;
}

/** Whether a read fetched every object of a kind in a namespace (or all). */
function coversNamespace(read: DirectRead, namespace: string | undefined) {
  return read.namespace === undefined || read.namespace === namespace;
}

/** The direct read that answers a query in a namespace (or all). */
function readFor(query: ReadQuery, namespace: string | undefined): DirectRead {
  if (query.read === 'select') {
    const labelSelector = formatLabelSelector(query.selector);
    return {
      kind: query.kind,
      namespace,
      ...(labelSelector && { labelSelector }),
    };
  }
  return { kind: query.kind, namespace };
}

/** Whether the reads done cover a query in a namespace. */
function covered(
  query: ReadQuery,
  namespace: string | undefined,
  done: DirectRead[],
): boolean {
  const wanted = readFor(query, namespace);
  return done.some(
    r =>
      r.kind === query.kind &&
      coversNamespace(r, namespace) &&
      (r.labelSelector === undefined ||
        r.labelSelector === wanted.labelSelector),
  );
}

/** The namespace of a query, or undefined for cluster-wide ones. */
function namespaceOf(query: ReadQuery): string | undefined {
  return query.read === 'lookup' ? undefined : query.namespace;
}

/**
 * The reads still needed to answer what the engine read: each query that
 * the reads done do not cover, within `mesh.namespaces` when set (a
 * cluster-wide query becomes one read per namespace). A `get` of an object
 * that was found needs nothing more.
 */
export function missingReads(
  record: ReadRecord,
  snapshot: ClusterSnapshot,
  done: DirectRead[],
  scopes: string[] | undefined,
): DirectRead[] {
  const out: DirectRead[] = [];
  const add = (read: DirectRead) => {
    if (
      !out.some(
        r =>
          r.kind === read.kind &&
          r.namespace === read.namespace &&
          r.labelSelector === read.labelSelector,
      )
    ) {
      out.push(read);
    }
  };
  for (const query of record.queries) {
    if (
      query.read === 'get' &&
      snapshot.get(query.kind, query.namespace, query.name)
    ) {
      continue;
    }
    const namespace = namespaceOf(query);
    let namespaces: Array<string | undefined> = [namespace];
    if (scopes) {
      namespaces =
        namespace === undefined ? scopes : scopes.filter(s => s === namespace);
    }
    for (const ns of namespaces) {
      if (!covered(query, ns, done)) {
        add(readFor(query, ns));
      }
    }
  }
  return out;
}
