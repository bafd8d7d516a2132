import { NotFoundError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import type {
  MeshCluster,
  MeshClustersService,
} from '@mesh-chain/plugin-mesh-node';

/** A MeshClustersService over a fixed list, counting credential requests. */
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
    async getKubeConfig(cluster: string | MeshCluster) {
      service.kubeConfigRequests++;
      await service.getCluster(
        typeof cluster === 'string' ? cluster : cluster.name,
      );
      return new KubeConfig();
    },
  };
  return service satisfies MeshClustersService & { kubeConfigRequests: number };
}
