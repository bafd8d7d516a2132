import type {
  ClusterChain,
  MeshChainResponse,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { ChainSerializer } from './ChainSerializer';
import { assemble, errorAnswer } from './clusterAnswer';

const resolved = {
  istio: true,
  gatewayApi: false,
  gateways: [],
  virtualServices: [],
  httpRoutes: [],
  destinationRules: [],
  services: [{ ref: { kind: 'Service', name: 'reviews' }, health: 'ok' }],
  deployments: [],
  hpas: [],
  pods: [],
  routes: [],
  links: [],
  diagnostics: [],
} as unknown as ResolvedClusterChain;

const snapshot = {
  source: 'cache',
  observedAt: '2026-01-01T00:00:00Z',
  istio: true,
  gatewayApi: false,
  warnings: [{ reason: 'truncated', resource: 'pods', message: 'cut' }],
} as any;

function response(clusters: ClusterChain[]): MeshChainResponse {
  return {
    entityRef: 'component:default/reviews',
    status: 'configured',
    selector: 'app=reviews',
    clusters,
    revision: 'r1',
    generatedAt: '2026-01-01T00:00:01Z',
  };
}

describe('ChainSerializer', () => {
  it('answers what JSON.stringify would, reusing the JSON of a resolved chain', () => {
    const serializer = new ChainSerializer();
    const cached = assemble({ name: 'a' }, resolved, snapshot, {
      state: 'stale',
      reason: 'unreachable',
      since: '2026-01-01T00:00:00Z',
    });
    serializer.remember(cached, serializer.resolvedJson(resolved));
    const failed = errorAnswer(
      { name: 'b', title: 'B' },
      { reason: 'timeout', message: 'slow' },
      'direct',
    ).chain;
    const answer = response([cached, failed]);
    expect(JSON.parse(serializer.serialize(answer))).toEqual(
      JSON.parse(JSON.stringify(answer)),
    );
  });
});
