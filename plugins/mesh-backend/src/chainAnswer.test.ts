import {
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { TestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { MeshChainResponse } from '@mesh-chain/plugin-mesh-common';
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

/** Served from the prod cluster's watch cache only: the same for everyone. */
const CACHED = '/api/mesh/entities/component/default/reviews';
/** Also read from a cluster with the caller's own credential. */
const WITH_DIRECT = '/api/mesh/entities/component/default/everywhere';
const OUTSIDER = 'user:default/outsider';

/** Denies kubernetes.resources.read to the outsider, allows the rest. */
const permissions: PermissionsService = {
  async authorize(requests, options) {
    const user = (options.credentials.principal as any).userEntityRef;
    return requests.map(() => ({
      result: user === OUTSIDER ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    })) as any;
  },
  async authorizeConditional(requests) {
    return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
  },
};

describe('chain answers', () => {
  let prod: FakeKubeApi;
  let userApi: FakeKubeApi;
  let backend: TestBackend;

  beforeAll(async () => {
    prod = await startFakeKubeApi({
      objects: meshObjects(),
      token: 'prod-secret',
    });
    userApi = await startFakeKubeApi({
      objects: meshObjects(),
      token: 'alice-oidc-token',
    });
    ({ backend } = await startMeshBackend({
      clusters: [
        serviceAccountCluster('prod', prod.url, 'prod-secret'),
        {
          name: 'user-eks',
          url: userApi.url,
          authProvider: 'oidc',
          oidcTokenProvider: 'okta',
        },
      ],
      entities: [
        component('reviews', {
          'backstage.io/kubernetes-id': 'reviews',
          'backstage.io/kubernetes-cluster': 'prod',
        }),
        component('everywhere', { 'backstage.io/kubernetes-id': 'reviews' }),
      ],
      extraFeatures: [
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => permissions,
        }),
      ],
    }));
    await waitForCaches(backend);
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([prod, userApi].map(a => a?.close()));
  });

  function get(path: string, user = 'user:default/alice') {
    return request(backend.server)
      .get(path)
      .set('authorization', mockCredentials.user.header(user));
  }

  it('compresses an answer from the watch caches once, and sends it to the next caller while it is the same', async () => {
    const first = await get(CACHED).set('accept-encoding', 'gzip, deflate, br');
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers.vary).toMatch(/accept-encoding/i);
    expect(first.headers.etag).toBe(`W/"${first.body.revision}"`);
    const body = first.body as MeshChainResponse;
    expect(body.clusters.map(c => c.cluster.name)).toEqual(['prod']);
    expect(body.clusters[0].services.map(s => s.ref.name)).toEqual(['reviews']);

    // Another user, a moment later: the same bytes (the same generatedAt).
    const again = await get(CACHED, 'user:default/bob').set(
      'accept-encoding',
      'gzip, deflate, br',
    );
    expect(again.headers['content-encoding']).toBe('br');
    expect(again.text).toBe(first.text);

    const gzip = await get(CACHED).set('accept-encoding', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.revision).toBe(body.revision);

    const plain = await get(CACHED).set('accept-encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(
      Buffer.byteLength(plain.text),
    );
    expect(plain.body.revision).toBe(body.revision);
  });

  it('sends a changed chain at once, not the answer kept before the change', async () => {
    const before = await get(CACHED).set('accept-encoding', 'br');
    expect(before.body.clusters[0].deployments[0].replicas.ready).toBe(2);
    prod.apply({
      ...deployment(),
      status: { ...deployment().status, readyReplicas: 1 },
    });
    const after = await waitFor(
      async () => {
        const res = await get(CACHED).set('accept-encoding', 'br');
        return res.body.revision !== before.body.revision ? res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 20, what: 'the change to show' },
    );
    expect(after.body.clusters[0].deployments[0].replicas.ready).toBe(1);
    prod.apply(deployment());
  });

  it('answers 304 to a caller that already holds the revision', async () => {
    const first = await get(CACHED);
    const same = await get(CACHED).set('if-none-match', first.headers.etag);
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    expect(same.headers.etag).toBe(first.headers.etag);

    const other = await get(CACHED).set('if-none-match', 'W/"another"');
    expect(other.status).toBe(200);
    expect(other.body.revision).toBe(first.body.revision);
  });

  it('checks the permission before any kept answer: 403 without it, even for a revision the caller names', async () => {
    const allowed = await get(CACHED).set('accept-encoding', 'br');
    expect(allowed.status).toBe(200);
    const refused = await get(CACHED, OUTSIDER)
      .set('accept-encoding', 'br')
      .set('if-none-match', allowed.headers.etag);
    expect(refused.status).toBe(403);
    expect(refused.body.clusters).toBeUndefined();
    expect(refused.body.error.message).toMatch(/kubernetes\.resources\.read/);
  });

  it("never sends one caller's answer read with their own credential to another", async () => {
    const auth = JSON.stringify({ oidc: { okta: 'alice-oidc-token' } });
    const first = await get(WITH_DIRECT)
      .set('accept-encoding', 'gzip')
      .set('backstage-mesh-auth', auth);
    expect(first.status).toBe(200);
    const direct = first.body.clusters.find(
      (c: any) => c.cluster.name === 'user-eks',
    );
    expect(direct.source).toBe('direct');
    expect(direct.services.map((s: any) => s.ref.name)).toEqual(['reviews']);

    // Without the credential the caller gets its own answer, not alice's.
    const bob = await get(WITH_DIRECT, 'user:default/bob').set(
      'accept-encoding',
      'gzip',
    );
    const bobsDirect = bob.body.clusters.find(
      (c: any) => c.cluster.name === 'user-eks',
    );
    expect(bobsDirect.error).toMatchObject({ reason: 'credentials' });
    expect(bobsDirect.services).toEqual([]);
  });
});
