import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { TestBackend } from '@backstage/backend-test-utils';
import type {
  MeshChainResponse,
  MeshChainSignal,
  RouteSimulationResponse,
} from '@mesh-chain/plugin-mesh-common';
import { meshSignalChannel } from '@mesh-chain/plugin-mesh-common';
import request from 'supertest';
import { deployment, meshObjects } from './__fixtures__/objects';
import { FakeKubeApi, startFakeKubeApi } from './__testUtils__/fakeKubeApi';
import {
  component,
  serviceAccountCluster,
  startMeshBackend,
  waitForCaches,
} from './__testUtils__/testBackend';
import { waitFor } from './__testUtils__/waitFor';

const REVIEWS = '/api/mesh/entities/component/default/reviews';

describe('mesh backend plugin', () => {
  let prod: FakeKubeApi;
  let noIstio: FakeKubeApi;
  let restricted: FakeKubeApi;
  let userApi: FakeKubeApi;
  let deadUrl: string;
  let backend: TestBackend;
  let signals: Awaited<ReturnType<typeof startMeshBackend>>['signals'];
  let actions: Awaited<ReturnType<typeof startMeshBackend>>['actions'];

  beforeAll(async () => {
    prod = await startFakeKubeApi({
      objects: meshObjects(),
      token: 'prod-secret',
    });
    noIstio = await startFakeKubeApi({
      objects: meshObjects().filter(
        o => !o.apiVersion.startsWith('networking.istio.io'),
      ),
      token: 'noistio-secret',
      missingGroups: ['networking.istio.io', 'gateway.networking.k8s.io'],
    });
    restricted = await startFakeKubeApi({
      objects: meshObjects(),
      token: 'restricted-secret',
    });
    restricted.setForbidden('virtualservices', true);
    userApi = await startFakeKubeApi({
      objects: meshObjects(),
      token: 'alice-oidc-token',
    });
    const dead = await startFakeKubeApi();
    deadUrl = dead.url;
    await dead.close();

    ({ backend, signals, actions } = await startMeshBackend({
      clusters: [
        serviceAccountCluster('prod', prod.url, 'prod-secret'),
        serviceAccountCluster('no-istio', noIstio.url, 'noistio-secret'),
        serviceAccountCluster(
          'restricted',
          restricted.url,
          'restricted-secret',
        ),
        serviceAccountCluster('dead', deadUrl, 'dead-secret'),
        {
          name: 'user-eks',
          url: userApi.url,
          authProvider: 'oidc',
          oidcTokenProvider: 'okta',
        },
      ],
      entities: [
        component('reviews'),
        component('bare', {}),
        component('pinned', {
          'backstage.io/kubernetes-id': 'reviews',
          'backstage.io/kubernetes-cluster': 'nowhere',
        }),
        component('prod-only', {
          'backstage.io/kubernetes-id': 'reviews',
          'backstage.io/kubernetes-cluster': 'prod',
        }),
      ],
    }));
    await waitForCaches(backend, { restricted: 'degraded', dead: 'error' });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await Promise.all(
      [prod, noIstio, restricted, userApi].map(a => a?.close()),
    );
  });

  function get(path: string) {
    return request(backend.server)
      .get(path)
      .set('authorization', mockCredentials.user.header());
  }

  it('returns the chain of every cluster, each failing cluster with its own error', async () => {
    const res = await get(REVIEWS);
    expect(res.status).toBe(200);
    const body = res.body as MeshChainResponse;
    expect(body).toMatchObject({
      entityRef: 'component:default/reviews',
      status: 'configured',
      selector: 'backstage.io/kubernetes-id=reviews',
    });
    const byName = Object.fromEntries(
      body.clusters.map(c => [c.cluster.name, c]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'dead',
      'no-istio',
      'prod',
      'restricted',
      'user-eks',
    ]);

    // prod: the whole chain, from the cache
    const p = byName.prod;
    expect(p.error).toBeUndefined();
    expect(p).toMatchObject({
      cluster: { name: 'prod', title: 'Cluster prod' },
      source: 'cache',
      istio: true,
      warnings: [],
    });
    expect(p.services.map(s => s.ref.name)).toEqual(['reviews']);
    expect(p.deployments.map(d => d.replicas)).toEqual([
      expect.objectContaining({ desired: 2, ready: 2 }),
    ]);
    expect(p.hpas).toHaveLength(1);
    expect(p.pods).toHaveLength(2);
    expect(p.virtualServices.map(v => v.ref.name)).toEqual(['reviews']);
    expect(p.gateways[0].workload.addresses).toEqual(['203.0.113.10']);
    expect(p.routes[0].externalUrls).toEqual([
      'http://shop.example.com/reviews',
    ]);
    expect(p.destinationRules[0].subsets[0]).toMatchObject({
      name: 'v1',
      podCount: 2,
    });

    // no-istio: Kubernetes objects, istio: false, no error
    expect(byName['no-istio']).toMatchObject({
      istio: false,
      gatewayApi: false,
      warnings: [],
    });
    expect(byName['no-istio'].error).toBeUndefined();
    expect(byName['no-istio'].services).toHaveLength(1);
    expect(byName['no-istio'].virtualServices).toHaveLength(0);

    // restricted: 403 on virtualservices is a warning beside the rest
    expect(byName.restricted.error).toBeUndefined();
    expect(byName.restricted.services).toHaveLength(1);
    expect(byName.restricted.warnings).toEqual([
      expect.objectContaining({
        reason: 'forbidden',
        resource: 'virtualservices',
      }),
    ]);

    // dead: unreachable, empty lists
    expect(byName.dead.error).toMatchObject({ reason: 'unreachable' });
    expect(byName.dead.services).toEqual([]);

    // user-auth cluster without the user's credential
    expect(byName['user-eks'].error).toMatchObject({ reason: 'credentials' });
    expect(byName['user-eks'].error!.message).toMatch(/backstage-mesh-auth/);

    // No cluster token reaches the browser.
    for (const secret of [
      'prod-secret',
      'noistio-secret',
      'restricted-secret',
      'dead-secret',
    ]) {
      expect(res.text).not.toContain(secret);
    }
  });

  it('sends JSON equal to the chain, whether pre-serialized or not', async () => {
    const res = await get(REVIEWS);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.etag).toBe(`W/"${res.body.revision}"`);
    expect(Number(res.headers['content-length'])).toBe(
      Buffer.byteLength(res.text),
    );
    const prodChain = res.body.clusters.find(
      (c: any) => c.cluster.name === 'prod',
    );
    // Every member of the chain is present once, with the values of the request.
    expect(Object.keys(prodChain).sort()).toEqual(
      [
        'cluster',
        'source',
        'observedAt',
        'istio',
        'gatewayApi',
        'warnings',
        'status',
        'gateways',
        'virtualServices',
        'httpRoutes',
        'destinationRules',
        'services',
        'deployments',
        'hpas',
        'pods',
        'routes',
        'links',
        'diagnostics',
      ].sort(),
    );
    expect(prodChain.status).toEqual({ state: 'current' });
    const dead = res.body.clusters.find((c: any) => c.cluster.name === 'dead');
    expect(dead.error.reason).toBe('unreachable');
    expect(dead.status).toMatchObject({
      state: 'error',
      reason: 'unreachable',
    });
  });

  it('serves warm page views from the cache, with no request to the cluster', async () => {
    await get(REVIEWS);
    const before = prod.count();
    const revisions = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await get(REVIEWS);
      expect(res.status).toBe(200);
      revisions.add(res.body.revision);
    }
    expect(prod.count()).toBe(before);
    expect(revisions.size).toBe(1);
  });

  it('reads user-auth clusters with the caller credential, per request, never cached across users', async () => {
    const alice = JSON.stringify({ oidc: { okta: 'alice-oidc-token' } });
    const before = userApi.count();
    const res = await get(`${REVIEWS}?cluster=user-eks`).set(
      'backstage-mesh-auth',
      alice,
    );
    expect(res.status).toBe(200);
    const [chain] = res.body.clusters;
    expect(chain).toMatchObject({
      source: 'direct',
      cluster: { name: 'user-eks' },
    });
    expect(chain.error).toBeUndefined();
    expect(chain.services).toHaveLength(1);
    expect(chain.pods).toHaveLength(2);
    expect(chain.gateways[0].workload.pods).toBe(1);
    expect(userApi.count()).toBeGreaterThan(before);
    expect(
      userApi.requests
        .slice(before)
        .every(r => r.authorization === 'Bearer alice-oidc-token'),
    ).toBe(true);
    // Only the pods the chain needs are read, by label selector.
    expect(
      userApi.requests
        .slice(before)
        .filter(r => r.path === '/api/v1/pods')
        .every(r => r.query.labelSelector),
    ).toBe(true);

    // Mallory's token is checked by the cluster again: nothing is reused.
    const mallory = JSON.stringify({ oidc: { okta: 'mallory-token' } });
    const denied = await get(`${REVIEWS}?cluster=user-eks`).set(
      'backstage-mesh-auth',
      mallory,
    );
    expect(denied.body.clusters[0].error).toMatchObject({
      reason: 'unauthorized',
    });
    expect(denied.body.clusters[0].services).toEqual([]);
  });

  it('sends no object copies in the chain, and one object of the chain on demand', async () => {
    const chain = await get(`${REVIEWS}?cluster=prod`);
    expect(chain.status).toBe(200);
    expect(chain.text).not.toContain('"raw"');
    expect(chain.text).not.toContain('managedFields');

    const object = (cluster: string, key: string) =>
      get(`${REVIEWS}/object?${new URLSearchParams({ cluster, key })}`);
    const svc = await object('prod', 'core/Service/shop/reviews');
    expect(svc.status).toBe(200);
    expect(svc.body).toMatchObject({
      entityRef: 'component:default/reviews',
      cluster: 'prod',
      ref: { kind: 'Service', apiVersion: 'v1', namespace: 'shop' },
      object: { kind: 'Service', metadata: { name: 'reviews' } },
    });
    expect(svc.body.object.metadata.managedFields).toBeUndefined();
    // The ingress gateway's Service is a cluster object, not the chain's.
    const other = await object(
      'prod',
      'core/Service/istio-system/istio-ingressgateway',
    );
    expect(other.status).toBe(404);
    expect(other.body.error.message).toMatch(/is not part of the chain/);
    for (const key of [
      'core/Secret/shop/reviews',
      'apps/Deployment/shop/nothing',
    ]) {
      expect((await object('prod', key)).status).toBe(404);
    }
    expect((await object('nowhere', 'core/Service/shop/reviews')).status).toBe(
      400,
    );
    const missing = await get(`${REVIEWS}/object?cluster=prod`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/key/);

    // A user-auth cluster is read with the caller's credential, again.
    const userObject = (token: string) =>
      object('user-eks', 'apps/Deployment/shop/reviews').set(
        'backstage-mesh-auth',
        JSON.stringify({ oidc: { okta: token } }),
      );
    const mine = await userObject('alice-oidc-token');
    expect(mine.status).toBe(200);
    expect(mine.body.object).toMatchObject({ kind: 'Deployment' });
    expect((await userObject('mallory-token')).status).toBe(404);
  });

  it('reads "show YAML" from the cluster with the cache\'s credential, trimmed for display; a failing cluster is a 503 naming it', async () => {
    const object = (key: string) =>
      get(`${REVIEWS}/object?${new URLSearchParams({ cluster: 'prod', key })}`);
    const reads = () =>
      prod.requests.filter(
        r =>
          !r.watch && r.path === '/api/v1/namespaces/shop/pods/reviews-abc-1',
      );

    const pod = await object('core/Pod/shop/reviews-abc-1');
    expect(pod.status).toBe(200);
    expect(reads()).toEqual([
      expect.objectContaining({
        method: 'GET',
        authorization: 'Bearer prod-secret',
      }),
    ]);
    // What the cache does not keep is shown: the uid, the annotations...
    expect(pod.body.object.metadata).toMatchObject({
      uid: 'uid-shop-reviews-abc-1',
    });
    // ...but never env (its values can hold secrets) or volumes.
    expect(pod.body.object.spec.containers[0]).toEqual({
      name: 'reviews',
      image: 'example/reviews:1.0',
      ports: [{ containerPort: 9080, name: 'http' }],
    });
    expect(pod.body.object.spec.volumes).toBeUndefined();

    // A change shows at once, whatever the cache has seen.
    prod.apply({
      ...deployment(),
      metadata: {
        ...deployment().metadata,
        annotations: { 'example.com/owner': 'team-reviews' },
      },
    });
    const dep = await object('apps/Deployment/shop/reviews');
    expect(dep.body.object.metadata.annotations).toEqual({
      'example.com/owner': 'team-reviews',
    });

    prod.setForbidden('pods', true);
    try {
      const refused = await object('core/Pod/shop/reviews-abc-1');
      expect(refused.status).toBe(503);
      expect(refused.body.error.message).toMatch(
        /^The cluster 'prod' refused access reading pods \(403 Forbidden\)/,
      );
      expect(refused.body.error.stack).toBeUndefined();
    } finally {
      prod.setForbidden('pods', false);
      prod.apply(deployment());
    }
  });

  it('answers an entity without annotations with what to add', async () => {
    const res = await get('/api/mesh/entities/component/default/bare');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'not-configured',
      clusters: [],
      hint: expect.stringContaining('backstage.io/kubernetes-id: bare'),
    });
    expect(res.body.liveForMs).toBeUndefined();
  });

  it('follows the kubernetes-cluster annotation', async () => {
    const res = await get('/api/mesh/entities/component/default/prod-only');
    expect(res.body.clusters.map((c: any) => c.cluster.name)).toEqual(['prod']);
    const pinned = await get('/api/mesh/entities/component/default/pinned');
    expect(pinned.body.clusters).toEqual([
      expect.objectContaining({
        cluster: { name: 'nowhere' },
        error: expect.objectContaining({
          message: expect.stringMatching(/'nowhere', which is not configured/),
        }),
      }),
    ]);
  });

  it('rejects bad input with the field and the fix', async () => {
    expect(
      (await get('/api/mesh/entities/component/default/nope')).status,
    ).toBe(404);
    const malformed = await get(
      '/api/mesh/entities/component/default/bad%20name!',
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(
      /name 'bad name!' is not valid/,
    );
    const badKind = await get('/api/mesh/entities/comp-onent/default/reviews');
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toMatch(/kind 'comp-onent'/);
    const badHeader = await get(REVIEWS).set('backstage-mesh-auth', 'not json');
    expect(badHeader.status).toBe(400);
    expect(badHeader.body.error.message).toMatch(/backstage-mesh-auth header/);
    const badCluster = await get(`${REVIEWS}?cluster=mars`);
    expect(badCluster.status).toBe(400);
    expect(badCluster.body.error.message).toMatch(
      /Unknown cluster 'mars'; configured clusters: prod, /,
    );
  });

  it('simulates a request through the gateway', async () => {
    const res = await request(backend.server)
      .post(`${REVIEWS}/route`)
      .set('authorization', mockCredentials.user.header())
      .send({ url: 'http://shop.example.com/reviews/1', cluster: 'prod' });
    expect(res.status).toBe(200);
    const body = res.body as RouteSimulationResponse;
    expect(body.results).toHaveLength(1);
    expect(body.results[0]).toMatchObject({
      cluster: 'prod',
      reachable: true,
      destinations: [expect.objectContaining({ subset: 'v1', readyPods: 2 })],
    });

    const miss = await request(backend.server)
      .post(`${REVIEWS}/route`)
      .send({ url: 'http://shop.example.com/other', cluster: 'prod' });
    expect(miss.status).toBe(200);
    expect(miss.body.results[0].reachable).toBe(false);
    expect(miss.body.results[0].reasons.length).toBeGreaterThan(0);

    const badUrl = await request(backend.server)
      .post(`${REVIEWS}/route`)
      .send({ url: 'shop.example.com/reviews' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.message).toMatch(
      /Invalid url 'shop.example.com\/reviews'/,
    );
    const noUrl = await request(backend.server)
      .post(`${REVIEWS}/route`)
      .send({ method: 'GET' });
    expect(noUrl.status).toBe(400);
    expect(noUrl.body.error.message).toMatch(/url is required/);
    const unknownField = await request(backend.server)
      .post(`${REVIEWS}/route`)
      .send({ url: 'http://a/', verb: 'GET' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toMatch(
      /unknown field 'verb' \(allowed: url, method/,
    );
    const badFrom = await request(backend.server)
      .post(`${REVIEWS}/route`)
      .send({ url: 'http://a/', from: 'outside' });
    expect(badFrom.status).toBe(400);
    expect(badFrom.body.error.message).toMatch(
      /from Invalid enum value. Expected 'gateway' \| 'mesh'/,
    );
  });

  it('lists clusters with their cache state and no credentials', async () => {
    const res = await get('/api/mesh/clusters');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(
      res.body.clusters.map((c: any) => [c.name, c]),
    );
    expect(byName.prod).toMatchObject({
      authProvider: 'serviceAccount',
      authMode: 'server',
      cache: { state: 'ready', istio: true },
    });
    expect(byName.prod.cache.objects).toBeGreaterThan(5);
    expect(byName.dead.cache).toMatchObject({
      state: 'error',
      error: { reason: 'unreachable' },
    });
    expect(byName['user-eks']).toEqual({
      name: 'user-eks',
      authProvider: 'oidc',
      authMode: 'user',
    });
    expect(res.text).not.toContain('secret');
  });

  it('publishes a signal when a viewed chain changes in a cluster', async () => {
    const first = await get(REVIEWS);
    // The page is told how long it is followed (mesh.live.interestWindow).
    expect(first.body.liveForMs).toBe(3_600_000);
    signals.length = 0;
    // A change that does not concern the chain publishes nothing.
    prod.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'unrelated',
        namespace: 'elsewhere',
        labels: { app: 'x' },
      },
      spec: { containers: [{ name: 'x', image: 'x' }] },
    });
    await new Promise(resolve => setTimeout(resolve, 600));
    expect(signals).toEqual([]);
    const changedAt = Date.now();
    prod.apply({
      ...deployment(),
      status: {
        ...deployment().status,
        readyReplicas: 1,
        availableReplicas: 1,
      },
    });
    const signal = await waitFor(
      () =>
        signals.find(
          s => s.channel === meshSignalChannel('component:default/reviews'),
        ),
      { timeoutMs: 2000, what: 'a mesh signal' },
    );
    expect(Date.now() - changedAt).toBeLessThan(2000);
    const message = signal.message as unknown as MeshChainSignal;
    expect(signal.recipients).toEqual({ type: 'broadcast' });
    expect(message).toMatchObject({
      entityRef: 'component:default/reviews',
      clusters: ['prod'],
    });
    expect(message.revision).not.toBe(first.body.revision);
    // The page's refetch sees the same revision as the signal.
    const next = await get(REVIEWS);
    expect(next.body.revision).toBe(message.revision);
    const p = next.body.clusters.find((c: any) => c.cluster.name === 'prod');
    expect(p.deployments[0].replicas.ready).toBe(1);
    // Only entities viewed recently whose chain changed get a signal:
    // prod-only shows the same objects; pinned lives in no real cluster.
    expect(new Set(signals.map(s => s.channel))).toEqual(
      new Set([
        meshSignalChannel('component:default/reviews'),
        meshSignalChannel('component:default/prod-only'),
      ]),
    );
  });

  it('registers mesh:get-chain with the actions registry', async () => {
    // The mock registry names actions `test:<name>`; in a backend it is `mesh:get-chain`.
    const { actions: list } = await actions.list();
    expect(list.map(a => a.id)).toEqual([
      'test:get-chain',
      'test:preview-change',
      'test:apply-change',
    ]);
    expect(list[0].attributes).toMatchObject({ readOnly: true });
    expect(list[1].attributes).toMatchObject({ readOnly: true });
    expect(list[2].attributes).toMatchObject({ readOnly: false });
    const result = await actions.invoke({
      id: 'test:get-chain',
      input: { entityRef: 'component:default/reviews', cluster: 'prod' },
      credentials: mockCredentials.user(),
    });
    expect(result.output).toMatchObject({
      entityRef: 'component:default/reviews',
      status: 'configured',
      clusters: [
        expect.objectContaining({
          cluster: 'prod',
          externalUrls: ['http://shop.example.com/reviews'],
          deployments: [expect.objectContaining({ name: 'shop/reviews' })],
        }),
      ],
    });
    await expect(
      actions.invoke({
        id: 'test:get-chain',
        input: { entityRef: 'component:default/nope' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('mesh backend plugin permissions', () => {
  it('refuses callers without kubernetes.resources.read', async () => {
    const api = await startFakeKubeApi({ objects: meshObjects() });
    const { backend } = await startMeshBackend({
      clusters: [serviceAccountCluster('prod', api.url, api.token)],
      entities: [component('reviews')],
      extraFeatures: [
        mockServices.permissions.factory({ result: 'DENY' as any }),
      ],
    });
    try {
      const res = await request(backend.server).get(REVIEWS);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/kubernetes.resources.read/);
      const clusters = await request(backend.server).get('/api/mesh/clusters');
      expect(clusters.status).toBe(403);
      const object = await request(backend.server).get(
        `${REVIEWS}/object?cluster=prod&key=core%2FService%2Fshop%2Freviews`,
      );
      expect(object.status).toBe(403);
    } finally {
      await backend.stop();
      await api.close();
    }
  }, 30_000);
});
