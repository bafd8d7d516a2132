import { mockServices } from '@backstage/backend-test-utils';
import { KubeConfig } from '@kubernetes/client-node';
import { DemoCluster, startDemoCluster } from '@mesh-chain/demo-cluster';
import { KubeObject } from '../lib/models';
import { waitForDeployments } from './applyManifests';
import { MeshObjectApi } from './MeshObjectApi';

/*
 * The rollout wait against the demo cluster's Deployment controller, during
 * an image update with `maxUnavailable: 0`: while the last new pod starts,
 * the remaining old pod keeps the Deployment at its desired number of
 * available replicas with every replica updated. A wait that only counted
 * available replicas would say "done" there.
 */

jest.setTimeout(30_000);

const deployment = (image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 4,
    strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image }] },
    },
  },
});

describe('waitForDeployments against the demo cluster', () => {
  let cluster: DemoCluster;

  beforeAll(async () => {
    // Slow enough simulated time that each rollout step lasts many polls.
    cluster = await startDemoCluster({ scenario: 'none', timeScale: 20 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function wait() {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    const logger = mockServices.logger.mock();
    const states = await waitForDeployments({
      client: MeshObjectApi.fromKubeConfig(kc),
      cluster: 'demo',
      deployments: [deployment('any')],
      timeoutMs: 20_000,
      pollIntervalMs: 5,
      logger,
    });
    // What the cluster holds the moment the wait says done.
    const [sets, pods] = await Promise.all([
      cluster.list('apps/v1', 'ReplicaSet', { namespace: 'default' }),
      cluster.list('v1', 'Pod', { namespace: 'default' }),
    ]);
    return { states, sets, pods, logger };
  }

  it('returns only when the new ReplicaSet has every ready pod and the old one none', async () => {
    await cluster.apply([deployment('ghcr.io/acme/web:1.0.0')]);
    await wait();

    await cluster.apply([deployment('ghcr.io/acme/web:1.1.0')]);
    const { states, sets, pods, logger } = await wait();

    expect(states.map(s => s.available)).toEqual([true]);
    const setOf = (image: string) =>
      sets.find(rs => rs.spec.template.spec.containers[0].image === image);
    const next = setOf('ghcr.io/acme/web:1.1.0');
    const previous = setOf('ghcr.io/acme/web:1.0.0');
    expect(next?.status).toMatchObject({
      replicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
    });
    expect(previous?.spec.replicas).toBe(0);
    expect(previous?.status?.replicas ?? 0).toBe(0);
    expect(
      pods
        .filter(p => !p.metadata.deletionTimestamp)
        .map(p => p.spec.containers[0].image),
    ).toEqual(Array(4).fill('ghcr.io/acme/web:1.1.0'));
    // It waited through the moment the old pod was still there.
    expect(logger.info.mock.calls.map(c => c[0]).join('\n')).toMatch(
      /4\/4 updated; 1 old replica pending termination/,
    );
  });
});
