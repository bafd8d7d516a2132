import type {
  KubeObject,
  ReadQuery,
  ReadRecord,
  ResolvedClusterChain,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import type { CacheChange } from '../cluster/ClusterCache';

/** A memoized chain of one entity selector in one cluster. */
export interface MemoEntry {
  key: string;
  cluster: string;
  /** Store revision the chain was resolved at. */
  revision: number;
  resolvedAt: number;
  resolved: ResolvedClusterChain;
  hash: string;
  /** The resolved chain as JSON members (see ChainSerializer). */
  json: string;
  /** A change that may concern this chain arrived since it was resolved. */
  dirty: boolean;
  /** What the engine read to resolve it (a RecordingSnapshot's record). */
  reads: ReadRecord;
  /** Its last cluster hash (see CachedChains.hasher) and the cluster state hashed with it. */
  clusterHash?: { stateText: string; hash: string };
}

/**
 * Whether a change to a cache may change a chain resolved with these
 * reads: a changed object (its version before or after) that one of the
 * reads returned or could have returned. A relist or a kind that comes or
 * goes (`bulk`) concerns every chain.
 */
export function concerns(reads: ReadRecord, change: CacheChange): boolean {
  if (change.bulk || !change.objects) {
    return true;
  }
  return reads.concerns(change.kind, change.objects);
}

/** A query whose answer may hold any object of its kind (a look-up by key). */
const ANY = 'any';

/**
 * Where a query's answer can come from, as `queryConcerns` judges it: one
 * label (`key=value`) every object it selects carries, else one namespace,
 * else ANY.
 */
function indexKeyOf(query: ReadQuery): string {
  if (query.read === 'select' && query.selector.equalities.length > 0) {
    const [key, value] = query.selector.equalities[0];
    return `label ${key}=${value}`;
  }
  if (query.read === 'get') {
    return `namespace ${query.namespace}`;
  }
  if (
    (query.read === 'list' || query.read === 'select') &&
    query.namespace !== undefined
  ) {
    return `namespace ${query.namespace}`;
  }
  return ANY;
}

/** The index keys under which a query could have read this object. */
function indexKeysFor(obj: KubeObject): string[] {
  return [
    `namespace ${obj.metadata?.namespace ?? ''}`,
    ...Object.entries(obj.metadata?.labels ?? {}).map(
      ([key, value]) => `label ${key}=${value}`,
    ),
  ];
}

/**
 * One cluster's chains by what they read: kind, then index key. A changed
 * object can only concern the chains whose queries of its kind could have
 * returned it: a pod restarting is weighed against the chains that select
 * pods by one of its labels, read its namespace, or look pods up by key,
 * not against every chain of the cluster.
 */
class ClusterEntries {
  readonly all = new Set<MemoEntry>();
  private readonly byKind = new Map<WatchedKind, Map<string, Set<MemoEntry>>>();

  add(entry: MemoEntry) {
    this.all.add(entry);
    for (const query of entry.reads.queries) {
      let byKey = this.byKind.get(query.kind);
      if (!byKey) {
        byKey = new Map();
        this.byKind.set(query.kind, byKey);
      }
      const key = indexKeyOf(query);
      let set = byKey.get(key);
      if (!set) {
        set = new Set();
        byKey.set(key, set);
      }
      set.add(entry);
    }
  }

  delete(entry: MemoEntry) {
    this.all.delete(entry);
    for (const query of entry.reads.queries) {
      const byKey = this.byKind.get(query.kind);
      const key = indexKeyOf(query);
      const set = byKey?.get(key);
      set?.delete(entry);
      if (byKey && set?.size === 0) {
        byKey.delete(key);
      }
    }
  }

  /** The chains a change may concern: all of them, or those that could have read it. */
  candidates(change: CacheChange): Iterable<MemoEntry> {
    if (change.bulk || !change.objects) {
      return this.all;
    }
    const byKey = this.byKind.get(change.kind);
    if (!byKey) {
      return [];
    }
    const out = new Set(byKey.get(ANY));
    for (const obj of change.objects) {
      for (const key of obj ? indexKeysFor(obj) : []) {
        for (const entry of byKey.get(key) ?? []) {
          out.add(entry);
        }
      }
    }
    return out;
  }
}

/**
 * Memoized chains, kept while no change that concerns them arrives: a pod
 * restarting in one namespace, or a VirtualService of another component,
 * does not make every other component of the cluster resolve again. As a
 * safety net, a chain older than `maxStaleMs` is resolved again once its
 * cluster has changed at all.
 */
export class ChainMemo {
  private readonly entries = new Map<string, MemoEntry>();
  private readonly byCluster = new Map<string, ClusterEntries>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxStaleMs = 60_000,
  ) {}

  get size() {
    return this.entries.size;
  }

  /** A chain still valid at this store revision, if there is one. */
  get(key: string, revision: number): MemoEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.dirty) {
      return undefined;
    }
    if (
      entry.revision !== revision &&
      Date.now() - entry.resolvedAt > this.maxStaleMs
    ) {
      return undefined;
    }
    // Most recently used last, for eviction.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(entry: MemoEntry) {
    this.delete(entry.key);
    this.entries.set(entry.key, entry);
    let entries = this.byCluster.get(entry.cluster);
    if (!entries) {
      entries = new ClusterEntries();
      this.byCluster.set(entry.cluster, entries);
    }
    entries.add(entry);
    while (this.entries.size > this.maxEntries) {
      this.delete(this.entries.keys().next().value!);
    }
  }

  /** Marks the chains of a cluster that a change may concern. */
  invalidate(cluster: string, change: CacheChange) {
    const entries = this.byCluster.get(cluster);
    if (!entries) {
      return;
    }
    for (const entry of entries.candidates(change)) {
      if (!entry.dirty && concerns(entry.reads, change)) {
        entry.dirty = true;
      }
    }
  }

  private delete(key: string) {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.byCluster.get(entry.cluster)?.delete(entry);
    }
  }
}
