import type { ClusterChain } from '@mesh-chain/plugin-mesh-common';
import { summarizeCluster } from './getChainAction';

function chain(overrides: Partial<ClusterChain>): ClusterChain {
  return {
    cluster: { name: 'east' },
    warnings: [],
    source: 'cache',
    observedAt: '2026-03-01T10:00:00.000Z',
    istio: true,
    gatewayApi: false,
    gateways: [],
    virtualServices: [],
    httpRoutes: [],
    destinationRules: [],
    services: [],
    deployments: [],
    hpas: [],
    pods: [],
    routes: [],
    links: [],
    diagnostics: [],
    ...overrides,
  };
}

describe('summarizeCluster', () => {
  it('tells a model when a cluster is shown as last seen, or not loaded yet', () => {
    expect(
      summarizeCluster(
        chain({
          status: {
            state: 'stale',
            since: '2026-03-01T10:00:00.000Z',
            reason: 'unreachable',
            message: "Showing cluster 'east' as last seen at 10:00.",
          },
        }),
      ).status,
    ).toBe("stale: Showing cluster 'east' as last seen at 10:00.");
    expect(
      summarizeCluster(
        chain({ status: { state: 'syncing', message: 'still loading' } }),
      ).status,
    ).toBe('syncing: still loading');
    expect(
      summarizeCluster(chain({ status: { state: 'current' } })),
    ).not.toHaveProperty('status');
  });
});
