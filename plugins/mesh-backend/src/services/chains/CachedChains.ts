/*
 * Chains from the watch caches (clusters read with the server's
 * credential): answered at once from the cache's snapshot, resolved again
 * only when a change concerns what the engine read (see ChainMemo).
 */
import type {
  ClusterSnapshot,
  MeshEntityTarget,
} from '@mesh-chain/plugin-mesh-common';
import { RecordingSnapshot } from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster } from '@mesh-chain/plugin-mesh-node';
import type { ClusterDataService } from '../cluster/ClusterDataService';
import { ChainMemo, MemoEntry } from './ChainMemo';
import {
  clusterHash,
  clusterHashOf,
  clusterStateText,
  errorHash,
  sha,
  SYNCING_HASH,
} from './chainHashing';
import type { ChainResolver } from './ChainResolver';
import type { ChainSerializer } from './ChainSerializer';
import {
  assemble,
  ClusterAnswer,
  ClusterSummary,
  errorAnswer,
  syncingAnswer,
} from './clusterAnswer';

function targetKey(target: MeshEntityTarget): string {
  return `${target.namespace ?? '*'}|${target.labelSelector}`;
}

/** Memoized chains over the watch caches' snapshots. */
export class CachedChains {
  private readonly memo: ChainMemo;

  constructor(
    private readonly data: ClusterDataService,
    private readonly resolver: ChainResolver,
    private readonly serializer: ChainSerializer,
    maxChains: number,
  ) {
    this.memo = new ChainMemo(maxChains);
    data.onChange((cluster, change) => this.memo.invalidate(cluster, change));
  }

  /**
   * The chain from a cluster's watch cache, at once: a cache still loading
   * answers `syncing` (with no data), never waits for its cluster; one that
   * lost its cluster answers its last data, marked `stale`.
   */
  answer(
    cluster: MeshCluster,
    summary: ClusterSummary,
    target: MeshEntityTarget,
  ): ClusterAnswer {
    const cache = this.data.cacheFor(cluster);
    const status = cache.dataStatus();
    const error = cache.clusterError();
    if (error) {
      return errorAnswer(summary, error, 'cache');
    }
    if (status.state === 'syncing') {
      return syncingAnswer(summary, status);
    }
    const snapshot = cache.snapshot();
    const memo = this.memoized(cluster.name, snapshot, target);
    const chain = assemble(summary, memo.resolved, snapshot, status);
    this.serializer.remember(chain, memo.json);
    return { chain, hash: clusterHash(memo.hash, chain, status) };
  }

  /**
   * The hash `answer` would give each target's chain in a cluster as it is
   * now, without assembling the chains: what live updates compare, for
   * every followed entity at once. The cluster's state is read once.
   */
  hasher(cluster: MeshCluster): (target: MeshEntityTarget) => string {
    const cache = this.data.cacheFor(cluster);
    const error = cache.clusterError();
    if (error) {
      const hash = errorHash(error);
      return () => hash;
    }
    const status = cache.dataStatus();
    if (status.state === 'syncing') {
      return () => SYNCING_HASH;
    }
    const snapshot = cache.snapshot();
    const stateText = clusterStateText(snapshot, status);
    return target => {
      const entry = this.memoized(cluster.name, snapshot, target);
      // Hashed again only when the chain or the cluster's state changed.
      if (entry.clusterHash?.stateText !== stateText) {
        entry.clusterHash = {
          stateText,
          hash: clusterHashOf(entry.hash, stateText),
        };
      }
      return entry.clusterHash.hash;
    };
  }

  /** The memoized chain, or the chain resolved now (and what it read). */
  private memoized(
    clusterName: string,
    snapshot: ClusterSnapshot,
    target: MeshEntityTarget,
  ): MemoEntry {
    const key = `${clusterName}\u0000${targetKey(target)}`;
    const hit = this.memo.get(key, snapshot.revision);
    if (hit) {
      return hit;
    }
    const revision = snapshot.revision;
    // What the engine reads is what the chain depends on.
    const recording = new RecordingSnapshot(snapshot);
    const resolved = this.resolver.resolve(clusterName, recording, target);
    recording.record.trim();
    const json = this.serializer.resolvedJson(resolved);
    const entry: MemoEntry = {
      key,
      cluster: clusterName,
      revision,
      resolvedAt: Date.now(),
      resolved,
      hash: sha(json),
      json,
      dirty: false,
      reads: recording.record,
    };
    this.memo.set(entry);
    return entry;
  }
}
