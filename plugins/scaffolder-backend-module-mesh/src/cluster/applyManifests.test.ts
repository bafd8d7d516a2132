import { mockServices } from '@backstage/backend-test-utils';
import { renderChain } from '../chain/render';
import { chainSpecSchema } from '../chain/spec';
import { KubeObject } from '../lib/models';
import { z } from '../lib/zod';
import {
  applyManifests,
  ApplyFailedError,
  orderForApply,
  rolloutState,
  waitForDeployments,
} from './applyManifests';
import { FakeCluster } from '../__testUtils__/FakeCluster';

function chain(input: Record<string, unknown> = {}) {
  const spec = chainSpecSchema(z).parse({
    name: 'checkout',
    namespace: 'shop',
    image: 'ghcr.io/acme/checkout:1.4.2',
    containerPort: 8080,
    hosts: ['checkout.example.com'],
    ...input,
  });
  return JSON.parse(JSON.stringify(renderChain(spec).objects)) as KubeObject[];
}

const logger = mockServices.logger.mock();

async function apply(cluster: FakeCluster, objects: KubeObject[]) {
  return applyManifests({
    client: cluster,
    cluster: 'dev',
    objects: orderForApply(objects),
    fieldManager: 'backstage-mesh',
    force: false,
    logger,
  });
}

describe('orderForApply', () => {
  it('puts what others refer to first and routes last', () => {
    const shuffled = [
      ...chain({
        createNamespace: true,
        autoscaling: { enabled: true, cpuUtilization: 50 },
        resources: { requests: { cpu: '1' } },
      }),
    ].reverse();
    expect(orderForApply(shuffled).map(o => o.kind)).toEqual([
      'Namespace',
      'Service',
      'Deployment',
      'HorizontalPodAutoscaler',
      'DestinationRule',
      'Gateway',
      'VirtualService',
    ]);
  });
});

describe('applyManifests', () => {
  it('dry-runs everything before applying anything, in order, then reports each object', async () => {
    const cluster = new FakeCluster();
    cluster.objects.set('Namespace//shop', { metadata: { name: 'shop' } });
    const results = await apply(cluster, chain());
    const dryRuns = cluster.calls.filter(c => c.startsWith('dry-run'));
    const applies = cluster.calls.filter(c => c.startsWith('apply'));
    expect(cluster.calls).toEqual([...dryRuns, ...applies]);
    expect(applies).toEqual([
      'apply Service/shop/checkout',
      'apply Deployment/shop/checkout',
      'apply DestinationRule/shop/checkout',
      'apply Gateway/shop/checkout-gateway',
      'apply VirtualService/shop/checkout',
    ]);
    expect(results.map(r => `${r.kind} ${r.result}`)).toEqual([
      'Service created',
      'Deployment created',
      'DestinationRule created',
      'Gateway created',
      'VirtualService created',
    ]);
  });

  it('is idempotent: a re-run reports unchanged, a changed input reports configured', async () => {
    const cluster = new FakeCluster();
    cluster.objects.set('Namespace//shop', { metadata: { name: 'shop' } });
    await apply(cluster, chain());
    const again = await apply(cluster, chain());
    expect(again.every(r => r.result === 'unchanged')).toBe(true);
    const changed = await apply(
      cluster,
      chain({ image: 'ghcr.io/acme/checkout:1.5.0' }),
    );
    expect(changed.map(r => `${r.kind} ${r.result}`)).toEqual([
      'Service unchanged',
      'Deployment configured',
      'DestinationRule unchanged',
      'Gateway unchanged',
      'VirtualService unchanged',
    ]);
  });

  it('applies nothing when any object would be rejected, and names every rejection', async () => {
    const cluster = new FakeCluster();
    cluster.objects.set('Namespace//shop', { metadata: { name: 'shop' } });
    cluster.reject.set('VirtualService/shop/checkout', {
      code: 422,
      message: 'VirtualService "checkout" is invalid: spec.http[0]: bad',
    });
    cluster.reject.set('Deployment/shop/checkout', {
      code: 403,
      message: 'deployments.apps is forbidden',
    });
    const error = await apply(cluster, chain()).catch(e => e);
    expect(error).toBeInstanceOf(ApplyFailedError);
    expect(error.message).toMatch(
      /would reject 2 of 5 objects \(server-side dry run\), so nothing was applied/,
    );
    expect(error.message).toMatch(
      /Deployment shop\/checkout: 403 Invalid: deployments.apps is forbidden/,
    );
    expect(error.message).toMatch(
      /VirtualService shop\/checkout: 422 Invalid: .*spec.http\[0\]: bad/,
    );
    expect(error.message).toMatch(/grant its identity get\/create\/patch/);
    expect(cluster.calls.some(c => c.startsWith('apply'))).toBe(false);
    expect([...cluster.objects.keys()]).toEqual(['Namespace//shop']);
    expect(error.results.map((r: any) => r.result)).toEqual([
      'not applied',
      'failed',
      'not applied',
      'not applied',
      'failed',
    ]);
  });

  it('creates a namespace the chain brings before dry-running the rest, and deletes it again on rejection', async () => {
    const cluster = new FakeCluster();
    const objects = chain({ createNamespace: true });
    cluster.reject.set('Service/shop/checkout', {
      code: 422,
      message: 'bad port',
    });
    const error = await apply(cluster, objects).catch(e => e);
    expect(error.message).toMatch(/nothing was applied/);
    expect(cluster.calls[0]).toBe('dry-run Namespace//shop');
    expect(cluster.calls[1]).toBe('apply Namespace//shop');
    expect(cluster.calls.at(-1)).toBe('delete Namespace//shop');
    expect(cluster.objects.size).toBe(0);

    cluster.reject.clear();
    const results = await apply(cluster, objects);
    expect(results[0]).toMatchObject({
      kind: 'Namespace',
      name: 'shop',
      result: 'created',
    });
    expect(results.every(r => r.result === 'created')).toBe(true);
  });

  it('refuses a missing namespace the chain does not bring', async () => {
    const cluster = new FakeCluster();
    await expect(apply(cluster, chain())).rejects.toThrow(
      /Namespace 'shop' does not exist in the cluster 'dev'; create it first, or render the chain with createNamespace. Nothing was applied./,
    );
    expect(cluster.calls).toEqual([]);
  });

  it('refuses kinds the cluster does not serve, naming Istio', async () => {
    const cluster = new FakeCluster();
    cluster.notServed.add('networking.istio.io/v1/VirtualService');
    await expect(apply(cluster, chain())).rejects.toThrow(
      /does not serve networking.istio.io\/v1 VirtualService. Install Istio 1.22 or later/,
    );
    expect(cluster.calls).toEqual([]);
  });
});

describe('rolloutState', () => {
  const deployment = (status: object, replicas = 3, generation = 2) => ({
    metadata: { generation },
    spec: { replicas },
    status: { observedGeneration: generation, ...status },
  });

  it.each<[string, object, number, number, RegExp]>([
    [
      'the controller has not seen the new generation',
      {
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
      },
      3,
      2,
      /has not seen generation 2 yet \(it has seen 1\)/,
    ],
    [
      'not every replica runs the new template',
      { replicas: 4, updatedReplicas: 1, availableReplicas: 3 },
      3,
      2,
      /1 of 3 new replicas updated/,
    ],
    [
      'old pods are still there, though enough are available',
      { replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
      3,
      2,
      /1 old replica pending termination/,
    ],
    [
      'new pods are not available yet',
      { replicas: 3, updatedReplicas: 3, availableReplicas: 2 },
      3,
      2,
      /2 of 3 updated replicas available/,
    ],
    [
      'a replica is reported unavailable',
      {
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        unavailableReplicas: 1,
      },
      3,
      2,
      /1 replica unavailable/,
    ],
  ])('is not done while %s', (_why, status, replicas, generation, message) => {
    const state = rolloutState(deployment(status, replicas, generation));
    expect(state.done).toBe(false);
    expect(state.failed).toBe(false);
    expect(state.message).toMatch(message);
  });

  it('is done when every replica is updated and available and no old one is left', () => {
    expect(
      rolloutState(
        deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      ),
    ).toEqual({
      done: true,
      failed: false,
      message: '3/3 available, 3/3 updated',
    });
  });
});

describe('waitForDeployments', () => {
  const deployment = chain().find(o => o.kind === 'Deployment')!;

  it('returns once the Deployment is rolled out, logging its progress', async () => {
    const cluster = new FakeCluster();
    const progress = mockServices.logger.mock();
    let reads = 0;
    const statuses = [
      // A rolling update: the old pods keep the Deployment available.
      { replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
      { replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
      { replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
    ];
    cluster.get = async () =>
      ({
        metadata: { generation: 2 },
        spec: { replicas: 2 },
        status: {
          observedGeneration: 2,
          conditions: [{ type: 'Available', status: 'True' }],
          ...statuses[Math.min(reads++, statuses.length - 1)],
        },
      } as any);
    const states = await waitForDeployments({
      client: cluster,
      cluster: 'dev',
      deployments: [deployment],
      timeoutMs: 5000,
      pollIntervalMs: 5,
      logger: progress,
    });
    expect(states).toEqual([
      {
        name: 'checkout',
        namespace: 'shop',
        available: true,
        message: '2/2 available, 2/2 updated',
      },
    ]);
    expect(reads).toBe(3);
    expect(progress.info.mock.calls.map(c => c[0])).toEqual([
      'Waiting for the rollout of shop/checkout (2/2 available, 1/2 updated; 1 of 2 new replicas updated)',
      'Waiting for the rollout of shop/checkout (2/2 available, 2/2 updated; 1 old replica pending termination)',
      'Rolled out: shop/checkout (2/2 available, 2/2 updated)',
    ]);
  });

  it('gives up after the timeout saying what is still waiting', async () => {
    const cluster = new FakeCluster();
    cluster.get = async () =>
      ({
        metadata: { generation: 1 },
        spec: { replicas: 3 },
        status: {
          observedGeneration: 1,
          replicas: 3,
          availableReplicas: 1,
          updatedReplicas: 3,
        },
      } as any);
    await expect(
      waitForDeployments({
        client: cluster,
        cluster: 'dev',
        deployments: [deployment],
        timeoutMs: 30,
        pollIntervalMs: 10,
        logger,
      }),
    ).rejects.toThrow(
      /were not rolled out within 0s; still waiting for shop\/checkout: 1\/3 available, 3\/3 updated; 1 of 3 updated replicas available. The objects were applied/,
    );
  });

  it('stops at once when the rollout is stalled', async () => {
    const cluster = new FakeCluster();
    cluster.get = async () =>
      ({
        metadata: {},
        spec: {},
        status: {
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "checkout-1" has timed out progressing.',
            },
          ],
        },
      } as any);
    await expect(
      waitForDeployments({
        client: cluster,
        cluster: 'dev',
        deployments: [deployment],
        timeoutMs: 60_000,
        pollIntervalMs: 10,
        logger,
      }),
    ).rejects.toThrow(
      /is not rolling out \(rollout stalled: ReplicaSet "checkout-1" has timed out progressing.\)/,
    );
  });
});
