/*
 * Chains read directly from a cluster with the user's credential (clusters
 * with `authMode: user`), in rounds derived from what the engine read.
 */
import type {
  MeshEntityTarget,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { RecordingSnapshot } from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster, MeshUserAuth } from '@mesh-chain/plugin-mesh-node';
import type {
  ClusterDataService,
  DirectRead,
} from '../cluster/ClusterDataService';
import { clusterHash, sha } from './chainHashing';
import type { ChainResolver } from './ChainResolver';
import {
  assemble,
  ClusterAnswer,
  ClusterSummary,
  CURRENT,
  errorAnswer,
} from './clusterAnswer';
import { broadReads, missingReads } from './directReadPlan';

/**
 * Most rounds of direct reads after the first, broad one: each follows
 * references the previous round's objects made (a pod's ReplicaSet, a
 * Service's pods), so a chain needs two or three.
 */
const MAX_DIRECT_ROUNDS = 4;

/** Chains from direct reads with the user's credential. */
export class DirectChains {
  constructor(
    private readonly data: ClusterDataService,
    private readonly resolver: ChainResolver,
    /** `mesh.namespaces`: where reads look (all namespaces when empty). */
    private readonly namespaces: string[] | undefined,
  ) {}

  /**
   * Direct reads with the user's credential, in rounds: everything but pods
   * and ReplicaSets (cluster-wide or in `mesh.namespaces`); then, as long as
   * the engine read something those reads did not cover (the pods a
   * Service or Deployment selects, a ReplicaSet that owns a pod...), that,
   * at most `MAX_DIRECT_ROUNDS` more times in all.
   */
  async answer(
    cluster: MeshCluster,
    summary: ClusterSummary,
    target: MeshEntityTarget,
    userAuth: MeshUserAuth | undefined,
  ): Promise<ClusterAnswer> {
    const scopes = this.namespaces;
    const done: DirectRead[] = broadReads(scopes);
    let result = await this.data.readDirect(cluster, userAuth, done);
    if (result.error) {
      return errorAnswer(summary, result.error, 'direct');
    }
    // Follow the references first, then diagnose: a draft's diagnostics
    // would ask for what only the objects still missing explain.
    let rounds = 0;
    let resolved!: ResolvedClusterChain;
    for (const diagnose of [false, true]) {
      for (;;) {
        const recording = new RecordingSnapshot(result.snapshot);
        resolved = this.resolver.resolve(cluster.name, recording, target, {
          diagnose,
        });
        const next =
          rounds < MAX_DIRECT_ROUNDS
            ? missingReads(recording.record, result.snapshot, done, scopes)
            : [];
        if (next.length === 0) {
          break;
        }
        rounds++;
        done.push(...next);
        result = await this.data.readDirect(cluster, userAuth, next, result);
      }
    }
    const chain = assemble(summary, resolved, result.snapshot, CURRENT);
    return {
      chain,
      hash: clusterHash(sha(JSON.stringify(resolved)), chain, CURRENT),
    };
  }
}
