/*
 * The mesh backend as a page sees it when a cluster misbehaves: an
 * oversized object does not blow up the answer (from the cache or read
 * directly), and a cluster that goes stale and comes back is pushed to open
 * pages both times.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { TestBackend } from '@backstage/backend-test-utils';
import type { MeshChainSignal } from '@mesh-chain/plugin-mesh-common';
import { meshSignalChannel } from '@mesh-chain/plugin-mesh-common';
import request from 'supertest';
import { meshObjects, service } from './__fixtures__/objects';
import { FakeKubeApi, startFakeKubeApi } from './__testUtils__/fakeKubeApi';
import {
  component,
  serviceAccountCluster,
  startMeshBackend,
  waitForCaches,
} from './__testUtils__/testBackend';
import { waitFor } from './__testUtils__/waitFor';
import { WATCHED_KINDS } from '@mesh-chain/plugin-mesh-common';

/** Refuses (403) or allows every kind the cache reads. */
function forbidAll(api: FakeKubeApi, forbidden: boolean) {
  for (const { plural } of Object.values(WATCHED_KINDS)) {
    api.setForbidden(plural, forbidden);
  }
}

const REVIEWS = '/api/mesh/entities/component/default/reviews';

/** The reviews Service with an annotation of `bytes` bytes. */
function annotatedService(bytes: number) {
  const svc = service();
  return {
    ...svc,
    metadata: {
      ...svc.metadata,
      annotations: { 'example.com/blob': 'x'.repeat(bytes) },
    },
  };
}

describe('mesh backend with misbehaving clusters', () => {
  let cached: FakeKubeApi;
  let direct: FakeKubeApi;
  let flaky: FakeKubeApi;
  let backend: TestBackend;
  let signals: Awaited<ReturnType<typeof startMeshBackend>>['signals'];

  beforeAll(async () => {
    const objects = meshObjects();
    cached = await startFakeKubeApi({ objects, token: 'c' });
    direct = await startFakeKubeApi({ objects, token: 'user-token' });
    flaky = await startFakeKubeApi({ objects, token: 'f' });
    ({ backend, signals } = await startMeshBackend({
      clusters: [
        serviceAccountCluster('cached', cached.url, 'c'),
        serviceAccountCluster('flaky', flaky.url, 'f'),
        { name: 'direct', url: direct.url, authProvider: 'google' },
      ],
      entities: [component('reviews')],
    }));
    await waitForCaches(backend);
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([cached, direct, flaky].map(a => a.close()));
  });

  function get(path: string) {
    return request(backend.server)
      .get(path)
      .set('authorization', mockCredentials.user.header())
      .set('backstage-mesh-auth', JSON.stringify({ google: 'user-token' }));
  }

  it('cuts a 900 KB annotation in "show YAML", of cached and direct clusters alike, and the chain answer stays small', async () => {
    const normal = await get(REVIEWS);
    expect(normal.status).toBe(200);

    for (const api of [cached, direct]) {
      api.apply(annotatedService(900 * 1024));
    }
    // The chain carries no copy of the objects; "show YAML" reads one.
    const blobOf = async (cluster: string) => {
      const res = await get(
        `${REVIEWS}/object?cluster=${cluster}&key=core%2FService%2Fshop%2Freviews`,
      );
      return res.body.object?.metadata?.annotations?.['example.com/blob'];
    };
    await waitFor(async () => (await blobOf('cached')) !== undefined, {
      what: 'the annotated Service',
    });
    for (const cluster of ['cached', 'direct']) {
      expect(await blobOf(cluster)).toBe(
        `${'x'.repeat(512)}…[cut: ${900 * 1024 - 512} bytes]`,
      );
    }
    const res = await get(REVIEWS);
    expect(res.status).toBe(200);
    // Two copies of 900 KB would be 1.8 MB; the answer barely grows.
    expect(res.text.length).toBeLessThan(normal.text.length + 4 * 1024);
  });

  it('pushes a live update when a viewed cluster goes stale, and another when it is current again', async () => {
    const first = await get(`${REVIEWS}?cluster=flaky`);
    expect(first.body.clusters[0].status).toEqual({ state: 'current' });
    signals.length = 0;
    const channel = meshSignalChannel('component:default/reviews');
    const signalsFor = () =>
      signals
        .filter(s => s.channel === channel)
        .map(s => s.message as unknown as MeshChainSignal)
        .filter(m => m.clusters.includes('flaky'));

    // The cluster stops letting the backend read; its watches end (410)
    // and what the cache asks next is refused.
    forbidAll(flaky, true);
    flaky.compact();
    const stale = await waitFor(() => signalsFor()[0], {
      what: 'a signal for the stale cluster',
    });
    const during = await get(`${REVIEWS}?cluster=flaky`);
    expect(during.body.revision).toBe(stale.revision);
    expect(during.body.clusters[0].status).toMatchObject({
      state: 'stale',
      reason: 'forbidden',
    });
    expect(during.body.clusters[0].pods).toHaveLength(2);

    forbidAll(flaky, false);
    const current = await waitFor(
      () => signalsFor().find(s => s.revision !== stale.revision),
      { what: 'a signal for the cluster current again' },
    );
    const after = await get(`${REVIEWS}?cluster=flaky`);
    expect(after.body.revision).toBe(current.revision);
    expect(after.body.revision).toBe(first.body.revision);
    expect(after.body.clusters[0].status).toEqual({ state: 'current' });
  });
});
