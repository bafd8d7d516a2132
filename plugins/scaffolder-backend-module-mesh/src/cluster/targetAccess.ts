/*
 * Where manifests may go, and with which credentials: a configured cluster
 * (kubernetes.clusterLocatorMethods), the target of mesh.scaffolder.targets
 * that allows its namespaces, and a client that reads with the cluster's
 * credential and writes with the target's. Shared by mesh:chain:apply and
 * the template check, so that both read the same cluster the same way.
 */
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import type {
  MeshCluster,
  MeshClustersService,
} from '@mesh-chain/plugin-mesh-node';
import {
  ChainClusterClient,
  MeshObjectApi,
  readWriteClient,
} from './MeshObjectApi';
import { ApplyTarget, targetFor } from './targets';

/** A cluster and the target that allows writing to it. @public */
export interface TargetCluster {
  cluster: MeshCluster;
  target: ApplyTarget;
}

/**
 * Resolves clusters and targets for manifests, and builds their clients.
 *
 * @public
 */
export class TargetAccess {
  constructor(
    private readonly clusters: MeshClustersService,
    private readonly targets: ApplyTarget[],
    private readonly clientFactory: (
      kc: KubeConfig,
    ) => ChainClusterClient = kc => MeshObjectApi.fromKubeConfig(kc),
  ) {}

  /**
   * The configured cluster by name and the target that allows these
   * namespaces in it; an InputError naming the field and the fix for an
   * unknown cluster or one whose credential belongs to the signed-in user,
   * a NotAllowedError for namespaces no target allows.
   */
  async resolve(
    clusterName: string,
    namespaces: string[],
  ): Promise<TargetCluster> {
    let cluster: MeshCluster;
    try {
      cluster = await this.clusters.getCluster(clusterName);
    } catch {
      const known = (await this.clusters.listClusters()).map(c => c.name);
      throw new InputError(
        `cluster: '${clusterName}' is not configured under kubernetes.clusterLocatorMethods; use one of ${
          known.join(', ') || '(none configured)'
        }`,
      );
    }
    const target = targetFor(this.targets, cluster.name, namespaces);
    if (cluster.authMode !== 'server' && !target.credential) {
      throw new InputError(
        `cluster: '${cluster.name}' authenticates with the signed-in user's own credential (${cluster.authProvider}), which the scaffolder does not have; give ${target.at} credentials the backend holds (e.g. serviceAccountToken), or apply to a cluster whose credential the backend holds`,
      );
    }
    return { cluster, target };
  }

  /** Reads with the cluster's credential, writes with the target's. */
  async client({
    cluster,
    target,
  }: TargetCluster): Promise<ChainClusterClient> {
    if (!target.credential) {
      return this.clientFactory(
        await this.clusters.getKubeConfig(cluster.name),
      );
    }
    const writer = this.clientFactory(
      await this.clusters.getKubeConfig(cluster.name, {
        credential: target.credential,
      }),
    );
    // A cluster read with the signed-in user's credential: the scaffolder
    // has none, so the target's credential reads too.
    if (cluster.authMode !== 'server') {
      return writer;
    }
    const reader = this.clientFactory(
      await this.clusters.getKubeConfig(cluster.name),
    );
    return readWriteClient(reader, writer);
  }
}
