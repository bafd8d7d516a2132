import type {
  ReadRecord,
  ResolvedClusterChain,
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

/**
 * Memoized chains, kept while no change that concerns them arrives: a pod
 * restarting in one namespace, or a VirtualService of another component,
 * does not make every other component of the cluster resolve again. As a
 * safety net, a chain older than `maxStaleMs` is resolved again once its
 * cluster has changed at all.
 */
export class ChainMemo {
  private readonly entries = new Map<string, MemoEntry>();
  private readonly byCluster = new Map<string, Set<MemoEntry>>();

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
    let set = this.byCluster.get(entry.cluster);
    if (!set) {
      set = new Set();
      this.byCluster.set(entry.cluster, set);
    }
    set.add(entry);
    while (this.entries.size > this.maxEntries) {
      this.delete(this.entries.keys().next().value!);
    }
  }

  /** Marks the chains of a cluster that a change may concern. */
  invalidate(cluster: string, change: CacheChange) {
    for (const entry of this.byCluster.get(cluster) ?? []) {
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
