import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { chain } from '../__fixtures__/chains';
import { buildChainGraph, podGroupKey } from './chainGraph';
import { layoutChain } from './chainLayout';

const k = objectKey;

describe('layoutChain', () => {
  it('puts each kind in its column and keeps only used columns', () => {
    const layout = layoutChain(buildChainGraph(chain('edge/storefront')), {
      width: 800,
    });
    expect(layout.columns.map(c => c.label)).toEqual([
      'Service',
      'Deployment',
      'Pods',
    ]);
    expect(layout.nodeWidth).toBeCloseTo((800 + 40) / 3 - 40);
  });

  it('places the HPA right below the Deployment it scales and its pods level with it', () => {
    const c = chain('dev/storefront');
    const layout = layoutChain(buildChainGraph(c), {
      width: 1200,
      nodeHeight: 64,
      rowGap: 16,
    });
    const pos = (key: string) => layout.positions.get(key)!;
    const deployment = pos(k(c.deployments[0].ref));
    const hpa = pos(k(c.hpas[0].ref));
    expect(hpa.x).toBe(deployment.x);
    expect(hpa.y).toBe(deployment.y + 80);
    expect(pos(podGroupKey(k(c.deployments[0].ref))).y).toBe(deployment.y);
  });

  it('keeps the boxes of one column apart, and each pod group level with its Deployment', () => {
    const c = chain('dev/checkout');
    const layout = layoutChain(buildChainGraph(c), {
      width: 1200,
      nodeHeight: 64,
      rowGap: 16,
    });
    const pos = (key: string) => layout.positions.get(key)!;
    for (const d of c.deployments) {
      expect(pos(podGroupKey(k(d.ref))).y).toBe(pos(k(d.ref)).y);
    }
    const byColumn = new Map<number, number[]>();
    for (const p of layout.positions.values()) {
      byColumn.set(p.x, [...(byColumn.get(p.x) ?? []), p.y]);
    }
    for (const ys of byColumn.values()) {
      const sorted = [...ys].sort((a, b) => a - b);
      sorted
        .slice(1)
        .forEach((y, i) => expect(y - sorted[i]).toBeGreaterThanOrEqual(80));
    }
  });

  it('never makes columns narrower than a readable node', () => {
    const layout = layoutChain(buildChainGraph(chain('dev/storefront')), {
      width: 300,
    });
    expect(layout.nodeWidth).toBeGreaterThanOrEqual(136);
    expect(layout.width).toBeGreaterThan(300);
  });
});
