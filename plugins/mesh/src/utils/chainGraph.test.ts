import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { chain } from '../__fixtures__/chains';
import {
  buildChainGraph,
  layoutChain,
  parseObjectKey,
  podGroupKey,
} from './chainGraph';

const k = objectKey;

describe('buildChainGraph', () => {
  it('makes one node per object and one per Deployment’s pods', () => {
    const g = buildChainGraph(chain('dev/checkout'));
    expect(g.nodes.map(n => `${n.kind}:${n.name}`).sort()).toEqual([
      'deployment:checkout-v1',
      'deployment:checkout-v2',
      'destinationRule:checkout',
      'gateway:public-gateway',
      'pods:checkout-v1',
      'pods:checkout-v2',
      'service:checkout',
      'virtualService:checkout',
    ]);
  });

  it('draws routes through the DestinationRule, and pods from their Deployment', () => {
    const c = chain('dev/storefront');
    const [gateway, vs, dr, svc, deployment, hpa] = [
      c.gateways[0].ref,
      c.virtualServices[0].ref,
      c.destinationRules[0].ref,
      c.services[0].ref,
      c.deployments[0].ref,
      c.hpas[0].ref,
    ].map(k);
    const g = buildChainGraph(c);
    const edges = g.edges.map(e => `${e.from} -${e.relation}-> ${e.to}`);
    expect(edges.sort()).toEqual(
      [
        `${gateway} -binds-> ${vs}`,
        `${vs} -routes via-> ${dr}`,
        `${dr} -policy for-> ${svc}`,
        `${svc} -selects-> ${deployment}`,
        `${hpa} -scales-> ${deployment}`,
        `${deployment} -owns-> ${podGroupKey(deployment)}`,
      ].sort(),
    );
  });

  it('adds a placeholder for a broken reference', () => {
    const g = buildChainGraph(chain('dev/recommendations'));
    const missing = g.nodes.find(n => n.kind === 'missing')!;
    expect(missing).toMatchObject({
      key: 'networking.istio.io/Gateway/istio-system/promo-gateway',
      kindLabel: 'Gateway',
      name: 'promo-gateway',
      health: 'error',
      column: 0,
      diagnostics: 1,
    });
    expect(g.edges.find(e => e.from === missing.key)).toMatchObject({
      broken: true,
    });
  });

  it('sums up a Deployment’s pods, restarts and health', () => {
    const c = chain('crashloop/checkout');
    const g = buildChainGraph(c);
    const pods = (name: string) =>
      g.nodes.find(
        n =>
          n.key ===
          podGroupKey(k(c.deployments.find(d => d.ref.name === name)!.ref)),
      )!;
    expect(pods('checkout-v2')).toMatchObject({
      health: 'error',
      summary: '0/1 ready · 7 restarts',
    });
    expect(pods('checkout-v1')).toMatchObject({
      health: 'ok',
      summary: '3/3 ready',
    });
  });

  it('counts the diagnostics naming each node', () => {
    const g = buildChainGraph(chain('dev/reviews'));
    const count = (kind: string) =>
      g.nodes.find(n => n.kind === kind)!.diagnostics;
    expect(count('virtualService')).toBe(1);
    expect(count('destinationRule')).toBe(1);
    expect(count('service')).toBe(0);
  });

  it('reads object keys back', () => {
    const svc = chain('dev/storefront').services[0].ref;
    expect(parseObjectKey(k(svc))).toEqual(svc);
    expect(parseObjectKey('nonsense')).toBeUndefined();
  });
});

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

  it('places the HPA right below the Deployment it scales and aligns pods with their Deployment', () => {
    const c = chain('dev/storefront');
    const g = buildChainGraph(c);
    const layout = layoutChain(g, { width: 1200, nodeHeight: 64, rowGap: 16 });
    const pos = (key: string) => layout.positions.get(key)!;
    const deployment = pos(k(c.deployments[0].ref));
    const hpa = pos(k(c.hpas[0].ref));
    expect(hpa.x).toBe(deployment.x);
    expect(hpa.y).toBe(deployment.y + 80);
    expect(pos(podGroupKey(k(c.deployments[0].ref))).y).toBe(deployment.y);
  });

  it('keeps nodes of one column apart, and pods level with their Deployment', () => {
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
