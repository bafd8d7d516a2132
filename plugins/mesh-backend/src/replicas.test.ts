import { mockServices, TestBackend } from '@backstage/backend-test-utils';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import {
  meshSignalChannel,
  MeshChainSignal,
} from '@mesh-chain/plugin-mesh-common';
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
const CHANNEL = meshSignalChannel('component:default/reviews');

/**
 * Two replicas of the backend behind a load balancer: separate processes in
 * production, here two backends sharing one events bus (as
 * @backstage/plugin-events-backend provides across replicas) and nothing
 * else.
 */
describe('mesh backend with several replicas', () => {
  let api: FakeKubeApi;
  let replicaA: TestBackend;
  let replicaB: TestBackend;
  const received: MeshChainSignal[] = [];

  beforeAll(async () => {
    api = await startFakeKubeApi({ objects: meshObjects() });
    const bus = DefaultEventsService.create({
      logger: mockServices.logger.mock(),
    });
    // What signals-backend does on every replica: hear the `signals` topic.
    await bus.forPlugin('signals').subscribe({
      id: 'test-subscriber',
      topics: ['signals'],
      onEvent: async ({ eventPayload }) => {
        const payload = eventPayload as any;
        if (payload.channel === CHANNEL) {
          received.push(payload.message);
        }
      },
    });
    const start = async () =>
      (
        await startMeshBackend({
          clusters: [serviceAccountCluster('prod', api.url, api.token)],
          entities: [component('reviews')],
          // The real signals service, publishing on the shared bus.
          captureSignals: false,
          events: bus,
        })
      ).backend;
    replicaA = await start();
    replicaB = await start();
    await waitForCaches(replicaA);
    await waitForCaches(replicaB);
  }, 60_000);

  afterAll(async () => {
    await replicaA?.stop().catch(() => {});
    await replicaB?.stop();
    await api?.close();
  });

  it('answers the same revision on every replica', async () => {
    const a = await request(replicaA.server).get(REVIEWS);
    const b = await request(replicaB.server).get(REVIEWS);
    expect(a.status).toBe(200);
    expect(b.body.revision).toBe(a.body.revision);
    expect(b.body.clusters[0].services).toEqual(a.body.clusters[0].services);
  });

  /**
   * Signals that arrive for a second after the first (duplicates would),
   * each revision once: a replica publishing a change the other one already
   * published repeats its revision. A later signal with another revision is
   * another change (on a busy machine a cluster read may time out and the
   * cluster go stale and back), which the page rightly refetches.
   */
  async function signalsOfOneChange(what: string) {
    await waitFor(() => received.length >= 1, { timeoutMs: 3000, what });
    await new Promise(resolve => setTimeout(resolve, 1000));
    const signals = [...received];
    const revisions = signals.map(s => s.revision);
    expect(revisions).toEqual([...new Set(revisions)]);
    return signals;
  }

  it('publishes each change once when pages were served by both replicas', async () => {
    await request(replicaA.server).get(REVIEWS).expect(200);
    await request(replicaB.server).get(REVIEWS).expect(200);

    received.length = 0;
    api.apply({
      ...deployment(),
      status: { ...deployment().status, readyReplicas: 1 },
    });
    const signals = await signalsOfOneChange('the signal of the change');
    const refetch = await request(replicaA.server).get(REVIEWS);
    expect(refetch.body.revision).toBe(signals[signals.length - 1].revision);
  });

  it('keeps signalling, once, after the replica that served the page goes away', async () => {
    // The page was served by replica A last.
    const page = await request(replicaA.server).get(REVIEWS);
    const served = page.body.revision;

    received.length = 0;
    api.apply({
      ...deployment(),
      status: { ...deployment().status, readyReplicas: 0 },
    });
    const first = await signalsOfOneChange('a signal from replica A');
    expect(first[0].revision).not.toBe(served);

    // Replica A goes away; replica B alone still knows the page is open.
    await replicaA.stop();
    received.length = 0;
    api.apply({
      ...deployment(),
      status: { ...deployment().status, readyReplicas: 2 },
    });
    const second = await signalsOfOneChange('a signal from replica B');
    expect(second[0].revision).not.toBe(first[first.length - 1].revision);
    const refetch = await request(replicaB.server).get(REVIEWS);
    expect(refetch.body.revision).toBe(second[second.length - 1].revision);
  });
});
