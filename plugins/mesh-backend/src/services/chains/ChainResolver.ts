/*
 * The chain engine as the data layer calls it: a failure of the engine on
 * one cluster's data is logged and becomes that cluster's error, never the
 * whole answer's.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ChainEngine,
  ClusterSnapshot,
  MeshEntityTarget,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';

/** The chain engine failed on this cluster's data. */
export class ResolveError extends Error {}

/** Resolves chains with the engine, turning its failures into `ResolveError`. */
export class ChainResolver {
  constructor(
    private readonly engine: ChainEngine,
    private readonly clusterDomain: string,
    private readonly logger: LoggerService,
  ) {}

  /** The chain of `target` in a snapshot of cluster `clusterName`. */
  resolve(
    clusterName: string,
    snapshot: ClusterSnapshot,
    target: MeshEntityTarget,
    options: { diagnose?: boolean } = {},
  ): ResolvedClusterChain {
    try {
      return this.engine.resolve(snapshot, target, {
        clusterDomain: this.clusterDomain,
        ...options,
      });
    } catch (error) {
      this.logger.error(
        `mesh: resolving ${
          target.labelSelector
        } in cluster '${clusterName}' failed: ${
          (error as Error)?.stack ?? error
        }`,
      );
      throw new ResolveError(
        `Could not resolve the chain in cluster '${clusterName}': ${
          (error as Error).message
        }`,
      );
    }
  }
}
