import { NotFoundError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import type {
  MeshCluster,
  MeshClusterCredential,
  MeshClustersService,
} from '@mesh-chain/plugin-mesh-node';

/**
 * A MeshClustersService over a fixed list, counting credential requests.
 * Its KubeConfigs carry the token of the credential asked for (a separate
 * credential's serviceAccountToken, else `cluster-token`).
 */
export function fakeClusters(list: Partial<MeshCluster>[] = [{ name: 'dev' }]) {
  const clusters: MeshCluster[] = list.map(c => ({
    name: 'dev',
    url: 'https://127.0.0.1:6443',
    authProvider: 'serviceAccount',
    authMode: 'server',
    skipTLSVerify: false,
    ...c,
  }));
  const service = {
    kubeConfigRequests: 0,
    async listClusters() {
      return clusters;
    },
    async getCluster(name: string) {
      const found = clusters.find(c => c.name === name);
      if (!found) throw new NotFoundError(`No cluster named '${name}'`);
      return found;
    },
    async getKubeConfig(
      cluster: string | MeshCluster,
      options?: { credential?: MeshClusterCredential },
    ) {
      service.kubeConfigRequests++;
      const found = await service.getCluster(
        typeof cluster === 'string' ? cluster : cluster.name,
      );
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: found.name, server: found.url }],
        users: [
          {
            name: 'u',
            token:
              options?.credential?.authMetadata.serviceAccountToken ??
              'cluster-token',
          },
        ],
        contexts: [{ name: 'c', cluster: found.name, user: 'u' }],
        currentContext: 'c',
      });
      return kc;
    },
  };
  return service satisfies MeshClustersService & { kubeConfigRequests: number };
}
