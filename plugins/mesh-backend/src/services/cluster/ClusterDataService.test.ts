import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  buildKubeConfig,
  MeshCluster,
  MeshClustersService,
} from '@mesh-chain/plugin-mesh-node';
import { meshObjects } from '../../__fixtures__/objects';
import { FakeKubeApi, startFakeKubeApi } from '../../__testUtils__/fakeKubeApi';
import { waitFor } from '../../__testUtils__/waitFor';
import { readMeshSettings } from '../../config';
import { ClusterDataService } from './ClusterDataService';

function cluster(name: string, url: string): MeshCluster {
  return {
    name,
    url,
    authProvider: 'localKubectlProxy',
    authMode: 'server',
    skipTLSVerify: false,
  };
}

describe('ClusterDataService with a changing cluster list', () => {
  let one: FakeKubeApi;
  let two: FakeKubeApi;
  let userApi: FakeKubeApi;
  let current: MeshCluster[];
  let data: ClusterDataService;

  beforeAll(async () => {
    [one, two, userApi] = await Promise.all([
      startFakeKubeApi({ objects: meshObjects(), token: null }),
      startFakeKubeApi({ objects: meshObjects(), token: null }),
      startFakeKubeApi({ objects: meshObjects(), token: null }),
    ]);
  });

  afterEach(async () => {
    await data?.stop();
  });

  afterAll(async () => {
    await Promise.all([one.close(), two.close(), userApi.close()]);
  });

  function service(reconcileIntervalMs: number) {
    const clusters: MeshClustersService = {
      listClusters: async () => current,
      getCluster: async name => current.find(c => c.name === name)!,
      getKubeConfig: async c =>
        buildKubeConfig(typeof c === 'string' ? current[0] : c, {
          type: 'anonymous',
        }),
    };
    const settings = readMeshSettings(
      new ConfigReader({ mesh: { cache: { maxBackoff: 200 } } }),
    );
    return new ClusterDataService(
      clusters,
      settings.cache,
      mockServices.logger.mock(),
      undefined,
      reconcileIntervalMs,
    );
  }

  it('starts caches for new clusters and stops those of removed or changed ones on listClusters', async () => {
    current = [cluster('a', one.url)];
    data = service(0);
    await data.start();
    const first = data.cacheFor(current[0]);
    await waitFor(() => first.initialSyncDone && one.openWatches() > 0, {
      what: 'cluster a to be watched',
    });

    // A new cluster gets a started cache.
    current = [cluster('a', one.url), cluster('b', two.url)];
    await data.listClusters();
    expect(data.cachedClusterNames()).toEqual(['a', 'b']);
    await waitFor(() => two.openWatches() > 0, { what: 'b to be watched' });

    // 'a' now points at the other API server: its old cache is stopped.
    current = [cluster('a', two.url), cluster('b', two.url)];
    const watchesOfB = two.openWatches();
    await data.listClusters();
    await waitFor(() => one.openWatches() === 0, {
      what: 'the old watches of a to close',
    });
    expect(data.cacheFor(current[0])).not.toBe(first);
    await waitFor(() => two.openWatches() > watchesOfB, {
      what: 'a to be watched at its new URL',
    });

    // Removed clusters lose their cache, and every watch.
    current = [];
    await data.listClusters();
    expect(data.cachedClusterNames()).toEqual([]);
    await waitFor(() => two.openWatches() === 0, {
      what: 'all watches to close',
    });
    // Nothing reopens a watch later (e.g. a list that was in flight).
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(one.openWatches() + two.openWatches()).toBe(0);
  }, 20_000);

  it('matches the caches to the list on a timer too, and never for user-auth clusters', async () => {
    current = [
      cluster('a', one.url),
      { ...cluster('u', userApi.url), authProvider: 'oidc', authMode: 'user' },
    ];
    data = service(20);
    await data.start();
    expect(data.cachedClusterNames()).toEqual(['a']);
    await waitFor(() => one.openWatches() > 0, { what: 'a to be watched' });

    current = [];
    await waitFor(() => data.cachedClusterNames().length === 0, {
      what: 'the timer to drop the cache of a',
    });
    await waitFor(() => one.openWatches() === 0, {
      what: 'the watches of a to close',
    });
    expect(userApi.count()).toBe(0);
  }, 20_000);
});
