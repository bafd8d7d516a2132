import type { MeshCluster } from '@mesh-chain/plugin-mesh-node';
import { selectClusters } from './clusterSelection';

const cluster = (name: string) => ({ name } as MeshCluster);
const all = [cluster('dev'), cluster('prod')];
const names = (clusters: MeshCluster[]) => clusters.map(c => c.name);

describe('selectClusters', () => {
  it('looks an entity up in every cluster unless its annotation names one', () => {
    expect(
      names(selectClusters(all, { labelSelector: 'app=a' }).clusters),
    ).toEqual(['dev', 'prod']);
    const pinned = selectClusters(all, {
      labelSelector: 'app=a',
      cluster: 'prod',
    });
    expect(names(pinned.clusters)).toEqual(['prod']);
    expect(pinned.missing).toEqual([]);
  });

  it('reports a cluster the annotation names that is not configured', () => {
    const result = selectClusters(all, {
      labelSelector: 'app=a',
      cluster: 'staging',
    });
    expect(result).toEqual({ clusters: [], missing: ['staging'] });
  });

  it("narrows to a request's cluster, and names the configured ones when it is unknown", () => {
    expect(
      names(selectClusters(all, { labelSelector: 'app=a' }, 'dev').clusters),
    ).toEqual(['dev']);
    expect(() =>
      selectClusters(all, { labelSelector: 'app=a' }, 'staging'),
    ).toThrow("Unknown cluster 'staging'; configured clusters: dev, prod");
  });
});
