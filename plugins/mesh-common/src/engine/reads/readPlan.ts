/*
 * What a data layer has to fetch for the engine, derived from what the
 * engine read (a RecordingSnapshot's ReadRecord), never restated: a read
 * per query that the reads so far do not cover (pods and ReplicaSets by
 * label selector, a kind in a namespace, a kind everywhere for an index
 * look-up), round after round until the engine asks for nothing new.
 */
import { formatLabelSelector } from '../kube/labelSelector';
import { WATCHED_KINDS, WatchedKind } from '../kube/watchedKinds';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import type { ReadQuery, ReadRecord } from './ReadRecord';

/**
 * One read of a cluster: the objects of a kind, in a namespace or (no
 * namespace) in all, optionally by label selector.
 *
 * @public
 */
export interface ReadRequest {
  kind: WatchedKind;
  namespace?: string;
  labelSelector?: string;
}

/**
 * The kinds left out of a broad first round: there are many of them, and
 * the engine selects them by label (a Service's selector, a Deployment's),
 * so they are read that way in the rounds that follow.
 */
const BY_SELECTOR_ONLY: ReadonlySet<WatchedKind> = new Set<WatchedKind>([
  'pods',
  'replicasets',
]);

/**
 * A broad first round: every kind but pods and ReplicaSets, cluster-wide or
 * in each of the given namespaces.
 *
 * @public
 */
export function broadReads(scopes: string[] | undefined): ReadRequest[] {
  const reads: ReadRequest[] = [];
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
function coversNamespace(read: ReadRequest, namespace: string | undefined) {
  return read.namespace === undefined || read.namespace === namespace;
}

/** The read that answers a query in a namespace (or all). */
function readFor(query: ReadQuery, namespace: string | undefined): ReadRequest {
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
  done: ReadRequest[],
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
 * the reads done do not cover, within `scopes` when given (a cluster-wide
 * query becomes one read per namespace). A `get` of an object the snapshot
 * holds needs nothing more.
 *
 * @public
 */
export function missingReads(
  record: ReadRecord,
  snapshot: ClusterSnapshot,
  done: ReadRequest[],
  scopes: string[] | undefined,
): ReadRequest[] {
  const out: ReadRequest[] = [];
  const add = (read: ReadRequest) => {
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
