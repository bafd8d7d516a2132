import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConfigMeshClusters } from '@mesh-chain/plugin-mesh-node';
import { meshObjects, pod } from '../__fixtures__/objects';
import { FakeKubeApi, startFakeKubeApi } from '../__testUtils__/fakeKubeApi';
import { component } from '../__testUtils__/testBackend';
import { waitFor } from '../__testUtils__/waitFor';
import { readMeshSettings } from '../config';
import { ClusterDataService } from './cluster/ClusterDataService';
import {
  ChainEngine,
  defaultChainEngine,
  getMeshEntityTarget,
  PodInfo,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { MeshChainService } from './MeshChainService';

/** A stand-in for the chain logic: lists what namespace shop holds. */
function stubEngine(): jest.Mocked<ChainEngine> {
  return {
    resolve: jest.fn((snapshot, target, _options) => {
      if (target.labelSelector === 'explode=true') {
        throw new Error('boom');
      }
      // Reads only namespace shop, so only shop's changes concern it.
      const refs = (kind: any, k: string, v: string) =>
        snapshot.list(kind, 'shop').map(o => ({
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
    expect(parsed.clusters[0].services).toHaveLength(1);
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
    expect(byName.fast.pods).toHaveLength(2);
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
    // The stub lists the pods of shop: the new one, not the unrelated one.
    const names = response.clusters[0].pods.map(p => p.ref.name);
    expect(names).toContain('reviews-abc-7');
    expect(names).not.toContain('other-1');
  });

  it('gives live updates a new hash once a change concerns the chain, the one a page then gets', async () => {
    const entity = component('reviews');
    const target = getMeshEntityTarget(entity)!;
    const fastCluster = (await data.listClusters()).find(
      c => c.name === 'fast',
    )!;
    const hash = () => service.cachedClusterHasher(fastCluster)(target);
    const before = hash();
    expect(hash()).toBe(before);
    fast.apply(pod('reviews-abc-9'));
    const cache = data.cacheFor(fastCluster);
    await waitFor(() => cache.snapshot().get('pods', 'shop', 'reviews-abc-9'));
    const after = hash();
    expect(after).not.toBe(before);
    const { revisions } = await service.getChain(entity, { cluster: 'fast' });
    expect(revisions.clusters.fast).toBe(after);
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

/*
 * What a chain depends on is what the engine read: a new reference the
 * engine follows (here a wrapper that also reads one more pod) is noticed
 * by the memo and fetched by direct reads without any other change.
 */
describe('MeshChainService follows what the engine reads', () => {
  const ledger = () => ({
    ...pod('ledger-0', 'ledger', 'billing'),
    metadata: { name: 'ledger-0', namespace: 'billing', labels: {} },
  });
  /** The default engine, plus one more reference: pod billing/ledger-0. */
  const withLedger: ChainEngine = {
    ...defaultChainEngine,
    resolve: (snapshot, target, options) => {
      const chain = defaultChainEngine.resolve(snapshot, target, options);
      const extra = snapshot.get('pods', 'billing', 'ledger-0');
      if (!extra) {
        return chain;
      }
      const info = {
        ref: { kind: 'Pod', apiVersion: 'v1', namespace: 'billing' },
        health: 'ok',
      } as unknown as PodInfo;
      info.ref.name = extra.metadata.name;
      return { ...chain, pods: [...chain.pods, info] };
    },
  };
  let cached: FakeKubeApi;
  let user: FakeKubeApi;
  let data: ClusterDataService;
  let service: MeshChainService;
  const resolve = jest.spyOn(withLedger, 'resolve');

  beforeAll(async () => {
    cached = await startFakeKubeApi({ objects: meshObjects(), token: 't' });
    user = await startFakeKubeApi({
      objects: [...meshObjects(), ledger()],
      token: 'g',
    });
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'cached',
                url: cached.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 't',
              },
              { name: 'user', url: user.url, authProvider: 'google' },
            ],
          },
        ],
      },
    });
    const logger = mockServices.logger.mock();
    const settings = readMeshSettings(config);
    data = new ClusterDataService(
      ConfigMeshClusters.fromConfig(config, { logger }),
      settings.cache,
      logger,
    );
    await data.start();
    const [cachedCluster] = await data.listClusters();
    await waitFor(() => data.cacheStatus(cachedCluster)?.state === 'ready', {
      timeoutMs: 20_000,
      what: 'the cache of cluster cached',
    });
    service = new MeshChainService(data, withLedger, settings, logger);
  }, 30_000);

  afterAll(async () => {
    await data.stop();
    await Promise.all([cached.close(), user.close()]);
  });

  const podNames = async (cluster: string) => {
    const { response } = await service.getChain(component('reviews'), {
      cluster,
      userAuth: { google: 'g' },
    });
    return response.clusters[0].pods.map(p => p.ref.name);
  };

  it('resolves a cached chain again when the object the new reference reads appears', async () => {
    expect(await podNames('cached')).toEqual([
      'reviews-abc-1',
      'reviews-abc-2',
    ]);
    resolve.mockClear();
    const cache = data.cacheFor((await data.listClusters())[0]);
    // Unrelated: another pod in billing.
    cached.apply({
      ...pod('audit-0', 'audit', 'billing'),
      metadata: { name: 'audit-0', namespace: 'billing', labels: {} },
    });
    await waitFor(() => cache.snapshot().get('pods', 'billing', 'audit-0'));
    expect(await podNames('cached')).toEqual([
      'reviews-abc-1',
      'reviews-abc-2',
    ]);
    expect(resolve).not.toHaveBeenCalled();
    cached.apply(ledger());
    await waitFor(() => cache.snapshot().get('pods', 'billing', 'ledger-0'));
    expect(await podNames('cached')).toEqual([
      'reviews-abc-1',
      'reviews-abc-2',
      'ledger-0',
    ]);
    expect(resolve).toHaveBeenCalledTimes(1);
  });

  it('fetches what the new reference reads in direct reads, and pods only as the engine selects them', async () => {
    const before = user.requests.length;
    expect(await podNames('user')).toEqual([
      'reviews-abc-1',
      'reviews-abc-2',
      'ledger-0',
    ]);
    const podReads = user.requests
      .slice(before)
      .filter(r => r.path.endsWith('/pods'))
      .map(r => `${r.path} ${r.query.labelSelector ?? '(all)'}`);
    expect(podReads).toEqual(
      expect.arrayContaining([
        '/api/v1/namespaces/billing/pods (all)',
        '/api/v1/namespaces/shop/pods app=reviews',
      ]),
    );
    // Never every pod of the cluster.
    expect(podReads).not.toContain('/api/v1/pods (all)');
  });
});

describe('MeshChainService with clusters that are loading or gone', () => {
  let fast: FakeKubeApi;
  let loading: FakeKubeApi;
  let gone: FakeKubeApi;
  let data: ClusterDataService;
  let service: MeshChainService;

  beforeAll(async () => {
    fast = await startFakeKubeApi({ objects: meshObjects(), token: 't' });
    gone = await startFakeKubeApi({ objects: meshObjects(), token: 't' });
    // Accepts connections and never answers: its first sync never ends
    // (within the minute-long request timeout below).
    loading = await startFakeKubeApi({ objects: meshObjects(), token: 't' });
    loading.setHanging(true);
    const cluster = (name: string, url: string) => ({
      name,
      url,
      authProvider: 'serviceAccount',
      serviceAccountToken: 't',
    });
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              cluster('fast', fast.url),
              cluster('loading', loading.url),
              cluster('gone', gone.url),
            ],
          },
        ],
      },
      mesh: { requestTimeout: '60s', cache: { maxBackoff: 200 } },
    });
    const logger = mockServices.logger.mock();
    const settings = readMeshSettings(config);
    data = new ClusterDataService(
      ConfigMeshClusters.fromConfig(config, { logger }),
      settings.cache,
      logger,
    );
    await data.start();
    const clusters = await data.listClusters();
    const state = (name: string) =>
      data.cacheStatus(clusters.find(c => c.name === name)!)?.state;
    // Both load while the third hangs: it holds nothing up.
    await waitFor(
      () => state('fast') === 'ready' && state('gone') === 'ready',
      {
        timeoutMs: 20_000,
        what: 'the caches of fast and gone',
      },
    );
    await gone.close();
    await waitFor(() => state('gone') === 'stale', {
      timeoutMs: 20_000,
      what: 'cluster gone to be stale',
    });
    const engine = stubEngine();
    engine.simulate.mockImplementation(chain => ({
      cluster: chain.cluster.name,
      reachable: true,
      destinations: [],
      steps: [],
      reasons: [],
    }));
    service = new MeshChainService(data, engine, settings, logger);
  }, 60_000);

  afterAll(async () => {
    await data.stop();
    loading.setHanging(false);
    await Promise.all([fast.close(), loading.close()]);
  });

  it('answers at once: a cluster still loading is marked syncing and waits for nothing', async () => {
    // The loading cluster would hold an answer that waited for it for a
    // minute (mesh.requestTimeout); this one comes back at once.
    const { response } = await service.getChain(component('reviews'));
    const byName = Object.fromEntries(
      response.clusters.map(c => [c.cluster.name, c]),
    );
    expect(byName.fast.status).toEqual({ state: 'current' });
    expect(byName.fast.pods).toHaveLength(2); // the stub lists the pods of shop
    expect(byName.loading).toMatchObject({
      status: {
        state: 'syncing',
        message: expect.stringContaining("still loading cluster 'loading'"),
      },
      pods: [],
      services: [],
    });
    expect(byName.loading.error).toBeUndefined();
  });

  it('marks a cluster that went away stale, with since when and why, beside its last data', async () => {
    const { response } = await service.getChain(component('reviews'), {
      cluster: 'gone',
    });
    const [chain] = response.clusters;
    expect(chain.pods).toHaveLength(2);
    expect(chain.status).toMatchObject({
      state: 'stale',
      reason: 'unreachable',
      since: chain.observedAt,
      message: expect.stringContaining("Showing cluster 'gone' as last seen"),
    });
    expect(JSON.parse(service.serialize(response)).clusters[0].status).toEqual(
      chain.status,
    );
  });

  it('gives live updates the hash a page got, for a current, a loading and a stale cluster', async () => {
    const entity = component('reviews');
    const { revisions } = await service.getChain(entity);
    const target = getMeshEntityTarget(entity)!;
    const clusters = await data.listClusters();
    const hashes = Object.fromEntries(
      clusters.map(c => [c.name, service.cachedClusterHasher(c)(target)]),
    );
    expect(hashes).toEqual(revisions.clusters);
    expect(new Set(Object.values(hashes)).size).toBe(3);
    // The next round (nothing changed) gives the same, hashed once.
    for (const c of clusters) {
      expect(service.cachedClusterHasher(c)(target)).toBe(hashes[c.name]);
    }
  });

  it('traces a route with the same status per cluster as the chain, and does not trace a loading cluster', async () => {
    const { results } = await service.simulate(component('reviews'), {
      url: 'http://reviews.shop.svc.cluster.local/',
    });
    const byName = Object.fromEntries(results.map(r => [r.cluster, r]));
    expect(byName.fast).toMatchObject({
      reachable: true,
      status: { state: 'current' },
    });
    // Reachable through the data last seen, and saying so.
    expect(byName.gone).toMatchObject({
      reachable: true,
      status: { state: 'stale', reason: 'unreachable' },
    });
    expect(byName.loading).toMatchObject({
      reachable: false,
      steps: [],
      status: { state: 'syncing' },
      reasons: [expect.stringMatching(/^Not traced: .*still loading/)],
    });
  });
});
