import { mockServices } from '@backstage/backend-test-utils';
import { buildKubeConfig } from '@mesh-chain/plugin-mesh-node';
import {
  deployment,
  meshObjects,
  pod,
  virtualService,
} from '../../__fixtures__/objects';
import { FakeKubeApi, startFakeKubeApi } from '../../__testUtils__/fakeKubeApi';
import { waitFor } from '../../__testUtils__/waitFor';
import { CacheSettings, ClusterCache } from './ClusterCache';
import { KubeTransport } from './KubeTransport';

const SETTINGS: CacheSettings = {
  requestTimeoutMs: 1000,
  watchTimeoutSeconds: 300,
  relistIntervalMs: 0,
  crdRecheckIntervalMs: 200,
  backoff: { initialMs: 20, maxMs: 100 },
  maxObjects: 10_000,
  pageSize: 3,
};

describe('ClusterCache', () => {
  const apis: FakeKubeApi[] = [];
  const caches: ClusterCache[] = [];

  /** Waits until the cache has a watch open on every kind. */
  async function watching(api: FakeKubeApi, kinds = 10) {
    await waitFor(() => api.openWatches() === kinds, { what: 'open watches' });
  }

  async function fake(options?: Parameters<typeof startFakeKubeApi>[0]) {
    const api = await startFakeKubeApi(options);
    apis.push(api);
    return api;
  }

  function cacheFor(
    url: string,
    token: string,
    settings: Partial<CacheSettings> = {},
  ) {
    const transport = new KubeTransport(
      async () =>
        buildKubeConfig(
          { name: 'test', url, skipTLSVerify: false },
          { type: 'bearer token', token },
        ),
      {
        requestTimeoutMs:
          settings.requestTimeoutMs ?? SETTINGS.requestTimeoutMs,
      },
    );
    const cache = new ClusterCache(
      'test',
      transport,
      { ...SETTINGS, ...settings },
      mockServices.logger.mock(),
    );
    caches.push(cache);
    return cache;
  }

  afterEach(async () => {
    await Promise.all(caches.splice(0).map(c => c.stop()));
    await Promise.all(apis.splice(0).map(a => a.close()));
  });

  it('lists page by page, strips what the chain does not need, then serves from memory', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, api.token);
    expect(await cache.waitForInitialSync(5000)).toBe(true);

    const snapshot = cache.snapshot();
    expect(snapshot.source).toBe('cache');
    expect(snapshot.istio).toBe(true);
    expect(
      snapshot
        .list('pods')
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(['istio-ingressgateway-1', 'reviews-abc-1', 'reviews-abc-2']);
    const svc = snapshot.get('services', 'shop', 'reviews')!;
    expect(svc.apiVersion).toBe('v1');
    expect(svc.kind).toBe('Service');
    expect(svc.metadata.managedFields).toBeUndefined();
    expect(svc.metadata.annotations).toBeUndefined();
    const p = snapshot.get('pods', 'shop', 'reviews-abc-1')!;
    expect(p.spec.containers[0]).toEqual({
      name: 'reviews',
      image: 'example/reviews:1.0',
      ports: [{ containerPort: 9080, name: 'http' }],
    });
    expect(p.spec.volumes).toBeUndefined();
    expect(p.status.containerStatuses[0].containerID).toBeUndefined();
    const d = snapshot.get('deployments', 'shop', 'reviews')!;
    expect(d.spec.template.spec.containers[0].env).toBeUndefined();
    expect(d.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m' },
    });
    expect(
      snapshot.get('replicasets', 'shop', 'reviews-abc')!.spec,
    ).toBeUndefined();
    expect(cache.status()).toMatchObject({ state: 'ready', objects: 11 });

    // 3 pods with pageSize 3 -> one page; services: 2 -> one page, etc.
    const lists = api.count(r => !r.watch);
    expect(lists).toBe(10);

    // Reading makes no request.
    const before = api.count();
    for (let i = 0; i < 50; i++) {
      cache.snapshot().list('virtualservices');
    }
    expect(api.count()).toBe(before);
  });

  it('follows changes through the watch, resuming from the last resourceVersion', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, api.token);
    await cache.waitForInitialSync(5000);
    await watching(api);
    const changed: string[] = [];
    cache.onChange(change => changed.push(change.kind));
    const revision = cache.store.revision;

    api.apply(pod('reviews-abc-3'));
    api.apply({
      ...deployment(),
      status: { ...deployment().status, readyReplicas: 1 },
    });
    api.remove(virtualService());
    await waitFor(() => cache.snapshot().get('pods', 'shop', 'reviews-abc-3'));
    await waitFor(
      () => !cache.snapshot().get('virtualservices', 'shop', 'reviews'),
    );
    await waitFor(
      () =>
        cache.snapshot().get('deployments', 'shop', 'reviews')!.status
          .readyReplicas === 1,
    );
    expect(cache.store.revision).toBeGreaterThan(revision);
    expect(new Set(changed)).toEqual(
      new Set(['pods', 'deployments', 'virtualservices']),
    );

    // Each watch resumed from the resourceVersion of its list.
    const watches = api.requests.filter(r => r.watch);
    expect(watches.length).toBe(10);
    for (const w of watches) {
      expect(Number(w.query.resourceVersion)).toBeGreaterThan(0);
      expect(w.query.allowWatchBookmarks).toBe('true');
    }
  });

  it('re-watches from the last resourceVersion when the server closes a watch, without listing again', async () => {
    const api = await fake({ objects: meshObjects() });
    // timeoutSeconds of about 1 s: the server ends each watch
    const cache = cacheFor(api.url, api.token, { watchTimeoutSeconds: 1 });
    await cache.waitForInitialSync(5000);
    api.apply(pod('reviews-abc-3'));
    await waitFor(() => cache.snapshot().get('pods', 'shop', 'reviews-abc-3'));
    const podWatches = () =>
      api.requests.filter(r => r.watch && r.path === '/api/v1/pods');
    await waitFor(() => podWatches().length >= 2, { timeoutMs: 4000 });
    const second = podWatches()[1];
    // The event of reviews-abc-3 was seen: the re-watch starts after it.
    const podRv = Number(
      cache.snapshot().get('pods', 'shop', 'reviews-abc-3')!.metadata
        .resourceVersion,
    );
    expect(Number(second.query.resourceVersion)).toBeGreaterThanOrEqual(podRv);
    expect(api.count(r => !r.watch && r.path === '/api/v1/pods')).toBe(1);
    expect(cache.status().state).toBe('ready');
  });

  it('relists after 410 Gone, picking up changes the watch missed', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, api.token);
    await cache.waitForInitialSync(5000);
    await watching(api);
    // A list is its first page (no continue token).
    const podLists = () =>
      api.count(
        r => !r.watch && r.path === '/api/v1/pods' && !r.query.continue,
      );
    const listsBefore = podLists();
    api.compact();
    api.apply(pod('reviews-abc-9'));
    await waitFor(() => cache.snapshot().get('pods', 'shop', 'reviews-abc-9'));
    expect(podLists()).toBe(listsBefore + 1);
    expect(cache.status().state).toBe('ready');
  });

  it('records missing Istio CRDs as istio: false and notices when they are installed', async () => {
    const api = await fake({
      objects: meshObjects().filter(
        o => !o.apiVersion.startsWith('networking.istio.io'),
      ),
      missingGroups: ['networking.istio.io', 'gateway.networking.k8s.io'],
    });
    const cache = cacheFor(api.url, api.token);
    await cache.waitForInitialSync(5000);
    expect(cache.snapshot()).toMatchObject({
      istio: false,
      gatewayApi: false,
      warnings: [],
    });
    expect(cache.status()).toMatchObject({ state: 'ready', istio: false });
    // v1 then the v1beta1 fallback were tried
    expect(
      api.count(
        r => r.path === '/apis/networking.istio.io/v1beta1/virtualservices',
      ),
    ).toBeGreaterThan(0);

    api.setGroupServed('networking.istio.io', true);
    api.apply(virtualService());
    await waitFor(() => cache.snapshot().istio, { timeoutMs: 3000 });
    await waitFor(() =>
      cache.snapshot().get('virtualservices', 'shop', 'reviews'),
    );
  });

  it('reports a forbidden kind as a warning beside the other kinds', async () => {
    const api = await fake({ objects: meshObjects() });
    api.setForbidden('virtualservices', true);
    const cache = cacheFor(api.url, api.token);
    await cache.waitForInitialSync(5000);
    const snapshot = cache.snapshot();
    expect(snapshot.list('services')).toHaveLength(2);
    expect(snapshot.warnings).toEqual([
      expect.objectContaining({
        reason: 'forbidden',
        statusCode: 403,
        resource: 'virtualservices',
        message: expect.stringContaining(
          'cannot list resource "virtualservices"',
        ),
      }),
    ]);
    expect(cache.clusterError()).toBeUndefined();
    expect(cache.status().state).toBe('degraded');

    // Retried with backoff; recovers once allowed.
    api.setForbidden('virtualservices', false);
    await waitFor(
      () => cache.snapshot().get('virtualservices', 'shop', 'reviews'),
      {
        timeoutMs: 3000,
      },
    );
    expect(cache.status().state).toBe('ready');
  });

  it('reports a rejected token as unauthorized for the whole cluster', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, 'wrong-token');
    await cache.waitForInitialSync(5000);
    expect(cache.clusterError()).toMatchObject({
      reason: 'unauthorized',
      statusCode: 401,
    });
    expect(cache.status().state).toBe('error');
    expect(JSON.stringify(cache.status())).not.toContain('wrong-token');
  });

  it('reports a dead cluster quickly as unreachable', async () => {
    const api = await fake();
    const url = api.url;
    await api.close();
    apis.splice(apis.indexOf(api), 1);
    const cache = cacheFor(url, 'x');
    const start = Date.now();
    await cache.waitForInitialSync(5000);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(cache.clusterError()).toMatchObject({ reason: 'unreachable' });
  });

  it('bounds a hanging cluster by the request timeout', async () => {
    const api = await fake({ objects: meshObjects() });
    api.setHanging(true);
    const cache = cacheFor(api.url, api.token, { requestTimeoutMs: 300 });
    const start = Date.now();
    await cache.waitForInitialSync(5000);
    expect(Date.now() - start).toBeLessThan(1500);
    expect(cache.clusterError()).toMatchObject({ reason: 'timeout' });
    api.setHanging(false);
    await waitFor(() => cache.status().state === 'ready', { timeoutMs: 3000 });
  });

  it('keeps serving the last data, marked stale since the outage, when the cluster goes away', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, api.token);
    await cache.waitForInitialSync(5000);
    await watching(api);
    const before = Date.now();
    await api.close();
    apis.splice(apis.indexOf(api), 1);
    await waitFor(() => cache.status().state === 'stale', {
      timeoutMs: 3000,
    });
    const snapshot = cache.snapshot();
    expect(snapshot.list('services')).toHaveLength(2);
    const status = cache.dataStatus();
    expect(status).toMatchObject({
      state: 'stale',
      reason: 'unreachable',
      message: expect.stringMatching(
        /^Showing cluster 'test' as last seen at .*unreachable/,
      ),
    });
    expect(Date.parse(status.since!)).toBeGreaterThanOrEqual(before);
    expect(snapshot.observedAt).toBe(status.since);
  });

  it('skips malformed objects and events, keeping the rest', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, api.token);
    await cache.waitForInitialSync(5000);
    await watching(api);
    api.sendRawToWatches('virtualservices', '{"this is": not json');
    api.sendRawToWatches(
      'virtualservices',
      JSON.stringify({
        type: 'ADDED',
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { namespace: 'shop' },
        },
      }),
    );
    api.apply({
      ...virtualService(),
      metadata: { name: 'odd', namespace: 'shop' },
      spec: 'not an object',
    });
    await waitFor(() => cache.snapshot().get('virtualservices', 'shop', 'odd'));
    const snapshot = cache.snapshot();
    expect(
      snapshot.get('virtualservices', 'shop', 'odd')!.spec,
    ).toBeUndefined();
    expect(snapshot.list('virtualservices')).toHaveLength(2);
    expect(snapshot.warnings).toEqual([
      expect.objectContaining({
        resource: 'virtualservices',
        message: expect.stringMatching(
          /3 malformed virtualservices.*shop\/odd \(spec is not an object\)/,
        ),
      }),
    ]);
  });

  it('refuses to cache a kind beyond the object limit, naming the setting', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, api.token, { maxObjects: 8 });
    await cache.waitForInitialSync(5000);
    const text = JSON.stringify(cache.status());
    expect(text).toContain('mesh.cache.maxObjectsPerCluster');
    expect(cache.store.size).toBeLessThanOrEqual(8);
  });

  it('watches only the configured namespaces', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, api.token, { namespaces: ['shop'] });
    await cache.waitForInitialSync(5000);
    expect(cache.snapshot().list('pods')).toHaveLength(2);
    expect(api.requests.every(r => r.path.includes('/namespaces/shop/'))).toBe(
      true,
    );
  });

  it('stops every watch on stop()', async () => {
    const api = await fake({ objects: meshObjects() });
    const cache = cacheFor(api.url, api.token);
    await cache.waitForInitialSync(5000);
    await watching(api);
    await cache.stop();
    await waitFor(() => api.openWatches() === 0);
    const count = api.count();
    await new Promise(r => setTimeout(r, 100));
    expect(api.count()).toBe(count);
  });
});
