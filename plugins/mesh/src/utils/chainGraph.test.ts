import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { chain, simulationResponse } from '../__fixtures__/chains';
import { buildChainGraph, isOnPath, podGroupKey } from './chainGraph';

const k = objectKey;
const described = (g: ReturnType<typeof buildChainGraph>) =>
  g.edges.map(e => `${e.from} -${e.relation}-> ${e.to}`).sort();

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

  it('draws the links of the answer, routes through the DestinationRule and pods in their Deployment’s group', () => {
    const c = chain('dev/storefront');
    const [gateway, vs, dr, svc, deployment, hpa] = [
      c.gateways[0].ref,
      c.virtualServices[0].ref,
      c.destinationRules[0].ref,
      c.services[0].ref,
      c.deployments[0].ref,
      c.hpas[0].ref,
    ].map(k);
    expect(described(buildChainGraph(c))).toEqual(
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

  it('follows no reference itself: without links there are no edges', () => {
    const c = chain('dev/storefront');
    c.links = [];
    const g = buildChainGraph(c);
    expect(g.edges).toEqual([]);
    expect(g.nodes.map(n => n.kind)).toEqual(
      expect.arrayContaining(['gateway', 'virtualService', 'service', 'hpa']),
    );
  });

  it('adds a placeholder at the end of a broken link', () => {
    const g = buildChainGraph(chain('dev/recommendations'));
    const missing = g.nodes.find(n => n.kind === 'missing')!;
    expect(missing).toMatchObject({
      key: 'networking.istio.io/Gateway/istio-system/promo-gateway',
      kindLabel: 'Gateway',
      name: 'promo-gateway',
      namespace: 'istio-system',
      health: 'error',
      column: 0,
      diagnostics: 1,
    });
    expect(g.edges.find(e => e.from === missing.key)).toMatchObject({
      broken: true,
      relation: 'binds',
    });
  });

  it('draws a subset that selects no pods as a missing pod box', () => {
    const g = buildChainGraph(chain('dev/payments'));
    const missing = g.nodes.find(n => n.kind === 'missing')!;
    expect(missing).toMatchObject({ kindLabel: 'Pod', name: 'subset v2' });
    expect(g.edges.find(e => e.to === missing.key)).toMatchObject({
      relation: 'subset v2',
      broken: true,
    });
  });

  it('sums up a Deployment’s pods, restarts and health', () => {
    const c = chain('crashloop/checkout');
    const g = buildChainGraph(c);
    const pods = (name: string) =>
      g.nodes.find(n => n.kind === 'pods' && n.name === name)!;
    expect(pods('checkout-v2')).toMatchObject({
      health: 'error',
      summary: '0/1 ready · 7 restarts',
      diagnostics: 1,
    });
    expect(pods('checkout-v1')).toMatchObject({
      health: 'ok',
      summary: '3/3 ready',
    });
  });

  it('groups the pods no Deployment owns, linked from the Service that selects them', () => {
    const c = chain('dev/storefront');
    const svc = k(c.services[0].ref);
    c.deployments = [];
    c.hpas = [];
    c.links = [
      ...c.links.filter(
        l => l.relation !== 'owns' && !l.to.includes('/Deployment/'),
      ),
      ...c.pods.map(p => ({ from: svc, to: k(p.ref), relation: 'selects' })),
    ];
    const g = buildChainGraph(c);
    const others = g.nodes.find(n => n.kind === 'pods')!;
    expect(others).toMatchObject({
      key: 'pods:unowned',
      name: 'other pods',
      summary: '2/2 ready',
    });
    expect(described(g)).toContain(`${svc} -selects-> pods:unowned`);
  });

  it('counts the diagnostics naming each node', () => {
    const g = buildChainGraph(chain('dev/reviews'));
    const count = (kind: string) =>
      g.nodes.find(n => n.kind === kind)!.diagnostics;
    expect(count('virtualService')).toBe(1);
    expect(count('destinationRule')).toBe(1);
    expect(count('service')).toBe(0);
  });

  it('says how the engine found each object', () => {
    // Only the pods carry the component's label.
    const g = buildChainGraph(chain('podlabels/storefront'));
    const node = (kind: string) => g.nodes.find(n => n.kind === kind)!;
    expect(node('gateway')).toMatchObject({
      foundBy: 'reference',
      foundFrom: {
        relation: 'binds',
        ref: expect.objectContaining({ kind: 'VirtualService' }),
      },
    });
    expect(node('hpa')).toMatchObject({
      foundBy: 'reference',
      foundFrom: { relation: 'scales' },
    });
    expect(node('pods').foundBy).toBe('label');
    expect(
      buildChainGraph(chain('dev/storefront')).nodes.find(
        n => n.kind === 'service',
      )!.foundBy,
    ).toBe('label');
  });
});

describe('isOnPath', () => {
  it('puts on the path of a traced request the objects it names, and the pod groups of its pods', () => {
    // http://checkout.demo.example.com/api/cart: 90% v1, 10% v2.
    const g = buildChainGraph(chain('routes/checkout'));
    const [result] = simulationResponse('routes/checkout').results;
    const path = new Set(result.path);
    // 90% to v1 and 10% to v2: every box of the canary is on it.
    expect(g.nodes.filter(n => !isOnPath(n, path))).toEqual([]);
    expect(g.nodes.map(n => n.kind)).toContain('pods');
    expect(g.nodes.filter(n => isOnPath(n, new Set()))).toEqual([]);
  });
});
