import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConfigMeshClusters } from '@mesh-chain/plugin-mesh-node';
import { meshObjects, pod } from '../__fixtures__/objects';
import { FakeKubeApi, startFakeKubeApi } from '../__testUtils__/fakeKubeApi';
import { component } from '../__testUtils__/testBackend';
import { waitFor } from '../__testUtils__/waitFor';
import { readMeshSettings } from '../config';
import { ClusterDataService } from './cluster/ClusterDataService';
import type {
  ChainEngine,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { MeshChainService } from './MeshChainService';

/** A stand-in for the chain logic: lists what the snapshot holds. */
function stubEngine(): jest.Mocked<ChainEngine> {
  return {
    resolve: jest.fn((snapshot, target, _options) => {
      if (target.labelSelector === 'explode=true') {
        throw new Error('boom');
      }
      const refs = (kind: any, k: string, v: string) =>
        snapshot.list(kind).map(o => ({
          ref: {
            kind: k,
            apiVersion: v,
            namespace: o.metadata.namespace,
            name: o.metadata.name,
          },
          health: 'ok',
        }));
      return {
        istio: snapshot.istio,
        gatewayApi: snapshot.gatewayApi,
        gateways: [],
        virtualServices: [],
        httpRoutes: [],
        destinationRules: [],
        services: refs('services', 'Service', 'v1'),
        deployments: [],
        hpas: [],
        pods: refs('pods', 'Pod', 'v1'),
        routes: [],
        links: [],
        diagnostics: [],
      } as unknown as ResolvedClusterChain;
    }),
    simulate: jest.fn(),
  };
}

describe('MeshChainService', () => {
  let fast: FakeKubeApi;
  let slow: FakeKubeApi;
  let data: ClusterDataService;
  let engine: jest.Mocked<ChainEngine>;
  let service: MeshChainService;

  beforeAll(async () => {
    fast = await startFakeKubeApi({ objects: meshObjects(), token: 't' });
    slow = await startFakeKubeApi({ objects: meshObjects(), token: 'u' });
    slow.setHanging(true);
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'fast',
                url: fast.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 't',
              },
              { name: 'slow', url: slow.url, authProvider: 'google' },
            ],
          },
        ],
      },
      mesh: { requestTimeout: 400, cache: { maxBackoff: 200 } },
    });
    const logger = mockServices.logger.mock();
    const settings = readMeshSettings(config);
    data = new ClusterDataService(
      ConfigMeshClusters.fromConfig(config, { logger }),
      settings.cache,
      logger,
    );
    await data.start();
    const [fastCluster] = await data.listClusters();
    await waitFor(() => data.cacheStatus(fastCluster)?.state === 'ready', {
      timeoutMs: 20_000,
      what: 'the cache of cluster fast',
    });
    engine = stubEngine();
    service = new MeshChainService(data, engine, settings, logger);
  }, 30_000);

  afterAll(async () => {
    await data.stop();
    slow.setHanging(false);
    await Promise.all([fast.close(), slow.close()]);
  });

  it('serializes exactly what JSON.stringify would', async () => {
    const { response } = await service.getChain(component('reviews'), {
      userAuth: { google: 'u' },
    });
    const parsed = JSON.parse(service.serialize(response));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(response)));
    expect(parsed.clusters[0].services).toHaveLength(2);
  });

  it('bounds a hanging user-auth cluster by mesh.requestTimeout, beside the others', async () => {
    const start = Date.now();
    const { response } = await service.getChain(component('reviews'), {
      userAuth: { google: 'u' },
    });
    // 400 ms, and not the 10 s default: bounded by the setting.
    expect(Date.now() - start).toBeLessThan(3000);
    const byName = Object.fromEntries(
      response.clusters.map(c => [c.cluster.name, c]),
    );
    expect(byName.slow.error).toMatchObject({ reason: 'timeout' });
    expect(byName.fast.error).toBeUndefined();
    expect(byName.fast.pods).toHaveLength(3);
  });

  it('resolves a cached chain again only when a change concerns it', async () => {
    await service.getChain(component('reviews'), { cluster: 'fast' });
    engine.resolve.mockClear();
    for (let i = 0; i < 10; i++) {
      await service.getChain(component('reviews'), { cluster: 'fast' });
    }
    expect(engine.resolve).toHaveBeenCalledTimes(0);
    // A pod of another app elsewhere does not concern the chain.
    fast.apply({
      ...pod('other-1', 'other', 'elsewhere'),
      metadata: {
        name: 'other-1',
        namespace: 'elsewhere',
        labels: { app: 'other' },
      },
    });
    const cache = data.cacheFor((await data.listClusters())[0]);
    await waitFor(() => cache.snapshot().get('pods', 'elsewhere', 'other-1'));
    await service.getChain(component('reviews'), { cluster: 'fast' });
    expect(engine.resolve).toHaveBeenCalledTimes(0);
    fast.apply(pod('reviews-abc-7'));
    await waitFor(() => cache.snapshot().get('pods', 'shop', 'reviews-abc-7'));
    const { response } = await service.getChain(component('reviews'), {
      cluster: 'fast',
    });
    expect(engine.resolve).toHaveBeenCalledTimes(1);
    // The stub lists every pod: the new one and the unrelated one.
    expect(response.clusters[0].pods.map(p => p.ref.name)).toEqual(
      expect.arrayContaining(['reviews-abc-7', 'other-1']),
    );
  });

  it("turns a failure of the chain logic into that cluster's error", async () => {
    const { response } = await service.getChain(
      component('odd', {
        'backstage.io/kubernetes-label-selector': 'explode=true',
      }),
      { cluster: 'fast' },
    );
    expect(response.clusters[0].error).toEqual({
      reason: 'unknown',
      message: "Could not resolve the chain in cluster 'fast': boom",
    });
  });
});
