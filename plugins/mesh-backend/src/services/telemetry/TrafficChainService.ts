/*
 * The chain service with traffic figures: each cluster's part of an answer
 * gets its `telemetry` (from the last refresh of the cluster's Prometheus),
 * and the revisions hash what changes beyond noise, so live updates push
 * real changes only.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  ChainEngine,
  getMeshEntityTarget,
  MeshEntityTarget,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster } from '@mesh-chain/plugin-mesh-node';
import type { MeshSettings } from '../../config';
import type { ClusterDataService } from '../cluster/ClusterDataService';
import { combineRevisions, sha } from '../chains/chainHashing';
import { ChainRequestOptions, MeshChainService } from '../MeshChainService';
import type { TelemetryService } from './TelemetryService';

export class TrafficChainService extends MeshChainService {
  constructor(
    private readonly clusterData: ClusterDataService,
    engine: ChainEngine,
    settings: MeshSettings,
    logger: LoggerService,
    private readonly telemetry: TelemetryService,
  ) {
    super(clusterData, engine, settings, logger);
  }

  override async getChain(entity: Entity, options: ChainRequestOptions = {}) {
    const result = await super.getChain(entity, options);
    const target = getMeshEntityTarget(entity);
    if (!target || !this.telemetry.enabled) return result;
    const clusters = new Map(
      (await this.clusterData.listClusters()).map(c => [c.name, c]),
    );
    const { response, revisions } = result;
    for (const chain of response.clusters) {
      const cluster = clusters.get(chain.cluster.name);
      if (!cluster) continue;
      const { telemetry, hash } = this.telemetry.forChain(
        cluster,
        target,
        chain,
      );
      if (telemetry) chain.telemetry = telemetry;
      const name = chain.cluster.name;
      if (hash && revisions.clusters[name]) {
        revisions.clusters[name] = sha(`${revisions.clusters[name]}|${hash}`);
      }
    }
    revisions.revision = combineRevisions(revisions.clusters);
    response.revision = revisions.revision;
    return result;
  }

  override cachedClusterHasher(
    cluster: MeshCluster,
  ): (target: MeshEntityTarget) => string | undefined {
    const chainHash = super.cachedClusterHasher(cluster);
    return target => {
      const hash = chainHash(target);
      const part = hash && this.telemetry.hashFor(cluster.name, target);
      return part ? sha(`${hash}|${part}`) : hash;
    };
  }
}
