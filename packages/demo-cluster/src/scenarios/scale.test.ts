/*
 * The generated clusters of the benchmarks: whole, healthy chains of the
 * demo's shape, the same every time, already rolled out.
 */
import {
  MemorySnapshot,
  resolveClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { DemoCluster, startDemoCluster } from '../DemoCluster';
import { KUBERNETES_ID } from './builders';
import { generateScaleObjects, scaleChainShape } from './scale';

jest.setTimeout(60_000);

const countBy = (objects: Array<{ kind: string }>) =>
  objects.reduce<Record<string, number>>((n, o) => {
    n[o.kind] = (n[o.kind] ?? 0) + 1;
    return n;
  }, {});

describe('generateScaleObjects', () => {
  it('builds about the objects asked for, the same every time', () => {
    const objects = generateScaleObjects({ objects: 1000 });
    expect(objects.length).toBeGreaterThan(950);
    expect(objects.length).toBeLessThanOrEqual(1000);
    expect(generateScaleObjects({ objects: 1000 })).toEqual(objects);
  });

  it('gives every component the chain scaleChainShape describes', () => {
    const shape = scaleChainShape({ podsPerDeployment: 3 });
    const objects = generateScaleObjects({
      objects: 300,
      podsPerDeployment: 3,
    });
    const components = objects.filter(o => o.kind === 'Service').length;
    expect(countBy(objects)).toMatchObject({
      Deployment: components * shape.deployments,
      ReplicaSet: components * shape.replicaSets,
      Pod: components * shape.pods,
      HorizontalPodAutoscaler: components * shape.hpas,
      VirtualService: components * shape.virtualServices,
      DestinationRule: components * shape.destinationRules,
    });
  });

  it('builds chains the engine follows whole, with nothing to diagnose', () => {
    const shape = scaleChainShape();
    const snapshot = MemorySnapshot.fromObjects(
      generateScaleObjects({ objects: 200, includeBase: true }),
      { clusterName: 'scale' },
    );
    const chain = resolveClusterChain(
      snapshot,
      { labelSelector: `${KUBERNETES_ID}=scale-svc-00003` },
      { clusterDomain: 'cluster.local' },
    );
    expect(chain.diagnostics).toEqual([]);
    expect(chain.deployments).toHaveLength(shape.deployments);
    expect(chain.pods).toHaveLength(shape.pods);
    expect(chain.hpas).toHaveLength(shape.hpas);
    expect(chain.gateways).toHaveLength(shape.gateways);
    expect(chain.routes.map(r => r.name)).toEqual([
      'testers',
      'api',
      'default',
    ]);
    expect(chain.pods.every(p => p.health === 'ok')).toBe(true);
  });
});

describe('a demo cluster seeded with generated chains', () => {
  let cluster: DemoCluster;
  const objects = generateScaleObjects({ objects: 120 });

  beforeAll(async () => {
    cluster = await startDemoCluster({
      scenario: 'base',
      objects,
      timeScale: 300,
    });
  });

  afterAll(() => cluster.stop());

  it('finds them rolled out: no pod, ReplicaSet or replica count changes', async () => {
    const hpas = objects.filter(o => o.kind === 'HorizontalPodAutoscaler');
    // Once every HPA has read its metrics, the controllers have seen it all.
    await cluster.waitFor(
      async () =>
        (await cluster.list('autoscaling/v2', 'HorizontalPodAutoscaler'))
          .filter(h => h.metadata.namespace?.startsWith('scale-'))
          .every(h => h.status?.currentMetrics?.length === 3),
      { timeoutMs: 45_000, description: 'every HPA to read its metrics' },
    );
    const names = async (kind: string, apiVersion: string) =>
      (await cluster.list(apiVersion, kind))
        .filter(o => o.metadata.namespace?.startsWith('scale-'))
        .map(o => o.metadata.name)
        .sort();
    const generated = (kind: string) =>
      objects
        .filter(o => o.kind === kind)
        .map(o => o.metadata.name)
        .sort();
    expect(await names('Pod', 'v1')).toEqual(generated('Pod'));
    expect(await names('ReplicaSet', 'apps/v1')).toEqual(
      generated('ReplicaSet'),
    );
    for (const hpa of await cluster.list(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
    )) {
      if (!hpas.some(h => h.metadata.name === hpa.metadata.name)) continue;
      expect(hpa.status.desiredReplicas).toBe(hpa.spec.minReplicas);
    }
  });
});
