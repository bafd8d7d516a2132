import { objectKey } from '@mesh-chain/plugin-mesh-common';
import {
  brokenCluster,
  healthyCluster,
  missingGatewayRef,
  noIstioCluster,
  refs,
} from '../__fixtures__/chains';
import {
  buildChainGraph,
  layoutChain,
  parseObjectKey,
  podGroupKey,
} from './chainGraph';

const k = objectKey;

describe('buildChainGraph', () => {
  it('makes one node per object and one per Deployment’s pods', () => {
    const g = buildChainGraph(healthyCluster());
    expect(g.nodes.map(n => `${n.kind}:${n.name}`).sort()).toEqual([
      'deployment:checkout-v1',
      'deployment:checkout-v2',
      'destinationRule:checkout',
      'gateway:public-gateway',
      'hpa:checkout-v1',
      'pods:checkout-v1',
      'pods:checkout-v2',
      'service:checkout',
      'virtualService:checkout',
    ]);
  });

  it('draws routes through the DestinationRule, and pods from their Deployment', () => {
    const g = buildChainGraph(healthyCluster());
    const edges = g.edges.map(e => `${e.from} -${e.relation}-> ${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        `${k(refs.gateway)} -binds-> ${k(refs.virtualService)}`,
        `${k(refs.virtualService)} -routes via-> ${k(refs.destinationRule)}`,
        `${k(refs.destinationRule)} -policy for-> ${k(refs.service)}`,
        `${k(refs.service)} -selects-> ${k(refs.deploymentV1)}`,
        `${k(refs.hpa)} -scales-> ${k(refs.deploymentV1)}`,
        `${k(refs.deploymentV1)} -owns-> ${podGroupKey(k(refs.deploymentV1))}`,
      ]),
    );
    // No direct VirtualService -> Service edge when a DestinationRule sits between.
    expect(
      edges.filter(e => e.includes(`-routes to-> ${k(refs.service)}`)),
    ).toEqual([]);
    // Backend links to single pods were folded into the pod groups.
    expect(g.edges.some(e => e.to.startsWith('core/Pod/'))).toBe(false);
  });

  it('builds the chain from the data alone when the backend sends no links', () => {
    const chain = healthyCluster();
    chain.links = [];
    const g = buildChainGraph(chain);
    expect(g.edges).toHaveLength(8);
  });

  it('adds a placeholder for a broken reference', () => {
    const g = buildChainGraph(brokenCluster());
    const missing = g.nodes.find(n => n.kind === 'missing')!;
    expect(missing).toMatchObject({
      key: k(missingGatewayRef),
      kindLabel: 'Gateway',
      name: 'shop-gateway',
      health: 'error',
      column: 0,
      diagnostics: 1,
    });
    expect(g.edges.find(e => e.to === missing.key)).toMatchObject({
      broken: true,
    });
    const pods = g.nodes.find(
      n => n.key === podGroupKey(k(refs.deploymentV2)),
    )!;
    expect(pods).toMatchObject({
      health: 'error',
      summary: '0/1 ready · 7 restarts',
    });
  });

  it('counts the diagnostics naming each node', () => {
    const g = buildChainGraph(brokenCluster());
    const byName = (kind: string) =>
      g.nodes.find(n => n.kind === kind)!.diagnostics;
    expect(byName('virtualService')).toBe(2);
    expect(byName('destinationRule')).toBe(2);
    expect(byName('service')).toBe(1);
  });

  it('reads object keys back', () => {
    expect(parseObjectKey(k(refs.service))).toEqual(refs.service);
    expect(parseObjectKey(k(refs.gateway))).toMatchObject({
      kind: 'Gateway',
      namespace: 'istio-system',
      name: 'public-gateway',
    });
    expect(parseObjectKey('nonsense')).toBeUndefined();
  });
});

describe('layoutChain', () => {
  it('puts each kind in its column and keeps only used columns', () => {
    const layout = layoutChain(buildChainGraph(noIstioCluster()), {
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
    const g = buildChainGraph(healthyCluster());
    const layout = layoutChain(g, { width: 1200, nodeHeight: 64, rowGap: 16 });
    const pos = (key: string) => layout.positions.get(key)!;
    const v1 = pos(k(refs.deploymentV1));
    const hpa = pos(k(refs.hpa));
    expect(hpa.x).toBe(v1.x);
    expect(hpa.y).toBe(v1.y + 80);
    expect(pos(podGroupKey(k(refs.deploymentV1))).y).toBe(v1.y);
    expect(pos(podGroupKey(k(refs.deploymentV2))).y).toBe(
      pos(k(refs.deploymentV2)).y,
    );
    // Nothing overlaps within a column.
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
    const layout = layoutChain(buildChainGraph(healthyCluster()), {
      width: 300,
    });
    expect(layout.nodeWidth).toBeGreaterThanOrEqual(136);
    expect(layout.width).toBeGreaterThan(300);
  });
});
