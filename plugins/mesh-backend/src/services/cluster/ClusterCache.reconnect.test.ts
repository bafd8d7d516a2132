/*
 * How a cluster's cache lives through outages, under fake timers with a
 * fake transport: backoff capped at `maxMs`, every kind reconnecting as soon
 * as the cluster answers again, `stale` until every kind has been listed
 * again, a cut-off watch resumed at once, `syncing` while loading.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { fakeObject, FakeTransport } from '../../__testUtils__/fakeTransport';
import { WATCHED_KINDS } from '@mesh-chain/plugin-mesh-common';
import { CacheSettings, ClusterCache } from './ClusterCache';

const SETTINGS: CacheSettings = {
  requestTimeoutMs: 10_000,
  watchTimeoutSeconds: 300,
  relistIntervalMs: 0,
  crdRecheckIntervalMs: 300_000,
  backoff: { initialMs: 500, maxMs: 5000 },
  maxObjects: 10_000,
  pageSize: 250,
};

const KINDS = Object.keys(WATCHED_KINDS).length;

/** Lets the cache's promise chains run, without moving the clock. */
async function settle() {
  await jest.advanceTimersByTimeAsync(0);
}

describe('ClusterCache through outages', () => {
  let fake: FakeTransport;
  let cache: ClusterCache;
  let statusChanges: string[];

  beforeEach(async () => {
    jest.useFakeTimers();
    fake = new FakeTransport();
    fake.set('deployments', [
      fakeObject('web', { status: { readyReplicas: 1 } }),
    ]);
    fake.set('pods', [fakeObject('web-1')]);
    cache = new ClusterCache(
      'east',
      fake.transport,
      SETTINGS,
      mockServices.logger.mock(),
    );
    statusChanges = [];
    cache.onStatusChange(() => statusChanges.push(cache.dataStatus().state));
  });

  afterEach(async () => {
    await cache.stop();
    jest.useRealTimers();
  });

  async function startSynced() {
    cache.start();
    await settle();
    expect(cache.dataStatus()).toEqual({ state: 'current' });
    expect(fake.openWatches()).toBe(KINDS);
    expect(statusChanges).toEqual(['syncing', 'current']);
    statusChanges.length = 0;
  }

  it('is syncing, saying how far it got, until every kind was listed', async () => {
    fake.holding.add('pods');
    fake.holding.add('services');
    cache.start();
    await settle();
    expect(cache.dataStatus()).toMatchObject({
      state: 'syncing',
      message: expect.stringContaining(
        `cluster 'east' (${KINDS - 2} of ${KINDS} kinds listed)`,
      ),
    });
    fake.release();
    await settle();
    expect(cache.dataStatus()).toEqual({ state: 'current' });
    expect(statusChanges).toEqual(['syncing', 'current']);
  });

  it('retries a cluster that is down at least every maxBackoff, never less often', async () => {
    await startSynced();
    const wentDown = Date.now();
    fake.goDown();
    await settle();
    expect(cache.dataStatus()).toMatchObject({
      state: 'stale',
      reason: 'unreachable',
      since: new Date(wentDown).toISOString(),
    });

    await jest.advanceTimersByTimeAsync(60_000);
    for (const plural of ['pods', 'services', 'virtualservices']) {
      const times = fake.requestsFor(plural).map(r => r.at);
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      // Doubling from ~1 s, then never more than 5 s apart.
      expect(Math.max(...gaps)).toBeLessThanOrEqual(5000);
      expect(times.filter(t => t > wentDown).length).toBeGreaterThanOrEqual(12);
    }
  });

  it('reconnects every kind at once when any request succeeds again, and is current within one backoff', async () => {
    await startSynced();
    fake.goDown();
    await jest.advanceTimersByTimeAsync(90_000);
    const cameBack = Date.now();
    fake.down = false;
    const okLists = () => fake.requests.filter(r => !r.watch && r.ok);
    const before = okLists().length;
    // Step the clock until the first retry of any kind gets through.
    while (okLists().length === before) {
      await jest.advanceTimersByTimeAsync(10);
    }
    const firstSuccess = okLists()[before].at;
    expect(firstSuccess - cameBack).toBeLessThanOrEqual(5000);
    await settle();
    // Every other kind listed again at that same moment, not after its
    // own backoff.
    const relisted = okLists().slice(before);
    expect(new Set(relisted.map(r => r.path)).size).toBe(KINDS);
    expect(relisted.every(r => r.at === firstSuccess)).toBe(true);
    expect(cache.dataStatus()).toEqual({ state: 'current' });
    expect(fake.openWatches()).toBe(KINDS);
  });

  it('stays stale, never a mix presented as current, until every kind has been listed again', async () => {
    await startSynced();
    const wentDown = Date.now();
    fake.goDown();
    await jest.advanceTimersByTimeAsync(30_000);
    // Meanwhile the Deployment scaled up and its pods changed.
    fake.set('deployments', [
      fakeObject('web', { status: { readyReplicas: 3 } }),
    ]);
    fake.set('pods', [
      fakeObject('web-2'),
      fakeObject('web-3'),
      fakeObject('web-4'),
    ]);
    // The cluster answers again, but pods still fail.
    fake.refusing.add('pods');
    fake.down = false;
    await jest.advanceTimersByTimeAsync(5000);

    const snapshot = cache.snapshot();
    expect(
      snapshot.get('deployments', 'shop', 'web')!.status.readyReplicas,
    ).toBe(3);
    expect(snapshot.list('pods').map(p => p.metadata.name)).toEqual(['web-1']);
    const status = cache.dataStatus();
    expect(status).toMatchObject({
      state: 'stale',
      reason: 'unreachable',
      since: new Date(wentDown).toISOString(),
    });
    expect(status.message).toContain(
      `Not current: pods (${KINDS - 1} of ${KINDS} kinds current)`,
    );
    expect(snapshot.observedAt).toBe(status.since);

    fake.refusing.delete('pods');
    await jest.advanceTimersByTimeAsync(5000);
    expect(cache.dataStatus()).toEqual({ state: 'current' });
    expect(
      cache
        .snapshot()
        .list('pods')
        .map(p => p.metadata.name),
    ).toEqual(['web-2', 'web-3', 'web-4']);
    expect(statusChanges).toEqual(['stale', 'current']);
  });

  it('stays stale since the first failure while kinds come back one by one', async () => {
    await startSynced();
    const firstFailure = Date.now();
    fake.refusing.add('deployments');
    fake.cutWatches('deployments');
    await jest.advanceTimersByTimeAsync(3000);
    fake.goDown();
    await jest.advanceTimersByTimeAsync(3000);
    // Deployments (the first to fail) come back; pods do not.
    fake.refusing.clear();
    fake.refusing.add('pods');
    fake.down = false;
    await jest.advanceTimersByTimeAsync(5000);
    expect(cache.dataStatus()).toMatchObject({
      state: 'stale',
      since: new Date(firstFailure).toISOString(),
    });
    expect(statusChanges).toEqual(['stale']);
    fake.refusing.clear();
    await jest.advanceTimersByTimeAsync(5000);
    expect(statusChanges).toEqual(['stale', 'current']);
  });

  it('stays stale while any watched namespace of a kind has not been listed again', async () => {
    await cache.stop();
    cache = new ClusterCache(
      'east',
      fake.transport,
      { ...SETTINGS, namespaces: ['shop', 'ops'] },
      mockServices.logger.mock(),
    );
    cache.start();
    await settle();
    expect(fake.openWatches()).toBe(2 * KINDS);
    fake.goDown();
    await jest.advanceTimersByTimeAsync(10_000);
    // Back, except for one namespace.
    fake.refusing.add('/namespaces/ops/');
    fake.down = false;
    const cameBack = fake.requests.length;
    await jest.advanceTimersByTimeAsync(10_000);
    // Every kind was listed again in shop...
    const relisted = fake.requests
      .slice(cameBack)
      .filter(r => r.ok && !r.watch && r.path.includes('/namespaces/shop/'));
    expect(new Set(relisted.map(r => r.path)).size).toBe(KINDS);
    // ...but not in ops: not current.
    expect(cache.dataStatus()).toMatchObject({ state: 'stale' });
    fake.refusing.clear();
    await jest.advanceTimersByTimeAsync(5000);
    expect(cache.dataStatus()).toEqual({ state: 'current' });
  });

  it('resumes a watch that was cut off at once, from where it was, staying current', async () => {
    await startSynced();
    const lists = fake.requests.filter(r => !r.watch).length;
    const watch = fake.requestsFor('pods', true)[0];
    fake.cutWatches();
    await settle();
    expect(fake.openWatches()).toBe(KINDS);
    const resumed = fake.requestsFor('pods', true)[1];
    expect(resumed.at).toBe(watch.at);
    expect(resumed.resourceVersion).toBe(watch.resourceVersion);
    expect(fake.requests.filter(r => !r.watch)).toHaveLength(lists);
    expect(cache.dataStatus()).toEqual({ state: 'current' });
    expect(statusChanges).toEqual([]);
  });
});
