import {
  ANNOTATION_KUBERNETES_ID,
  chainTraffic,
  MemorySnapshot,
  resolveClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { generateScaleObjects } from '../scenarios/scale';
import { trafficSamplesOf } from './trafficSamples';

describe('trafficSamplesOf', () => {
  it('gives every routed component of a generated cluster its traffic, as the tab shows it', () => {
    const objects = generateScaleObjects({ objects: 300, includeBase: true });
    const samples = trafficSamplesOf(objects, 'bench', Date.UTC(2026, 0, 1));
    const snapshot = MemorySnapshot.fromObjects(objects as any, {
      clusterName: 'bench',
    });
    const components = [
      ...new Set(
        objects
          .filter(o => o.kind === 'VirtualService')
          .map(o => o.metadata.labels?.[ANNOTATION_KUBERNETES_ID]),
      ),
    ].filter((c): c is string => Boolean(c));
    expect(components.length).toBeGreaterThan(3);
    for (const component of components) {
      const chain = resolveClusterChain(
        snapshot,
        { labelSelector: `${ANNOTATION_KUBERNETES_ID}=${component}` },
        { clusterDomain: 'cluster.local' },
      );
      const traffic = chainTraffic(chain, samples);
      // The default route carries the component's load; a route matched
      // by a header only may carry none.
      const carrying = traffic.routes.filter(r => r.rps > 0);
      expect(carrying.length).toBeGreaterThan(0);
      for (const route of carrying) {
        expect(route.latencyMs?.p95).toBeGreaterThan(0);
        expect(route.health).toBe('healthy');
      }
      expect(traffic.autoscalers.length).toBe(chain.hpas.length);
    }
  });
});
