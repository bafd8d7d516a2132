import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type {
  ChainTelemetry,
  ClusterChain,
  DestinationTraffic,
} from '@mesh-chain/plugin-mesh-common';
import { meshApiRef } from '../../api';
import {
  chain as fixtureChain,
  componentEntity,
} from '../../__fixtures__/chains';
import { TrafficSection } from './TrafficSection';

const figures = { errors4xx: 0, latencyMs: { p50: 14, p95: 31, p99: 45 } };

function destination(
  subset: string,
  weight: number,
  share: number,
  extra: Partial<DestinationTraffic> = {},
): DestinationTraffic {
  return {
    fqdn: 'checkout.shop.svc.cluster.local',
    subset,
    weight,
    share,
    rps: share / 5,
    errors5xx: 0,
    responses: [{ code: '200', flags: '-', rps: share / 5 }],
    health: 'healthy',
    ...figures,
    ...extra,
  };
}

function withTelemetry(telemetry: Partial<ChainTelemetry>): ClusterChain {
  const chain = fixtureChain('dev/checkout');
  chain.telemetry = {
    state: 'ok',
    measuredAt: '2026-11-25T12:00:00Z',
    windowSeconds: 60,
    tolerances: [
      { code: '5xx', degraded: 0, failure: 10 },
      { code: '4xx', degraded: 10, failure: 20 },
    ],
    routes: [],
    unrouted: [],
    autoscalers: [],
    health: {},
    diagnostics: [],
    ...telemetry,
  };
  return chain;
}

function render(chain: ClusterChain) {
  const getTraffic = jest.fn(async () => ({
    entityRef: 'component:default/checkout',
    windowSeconds: 900,
    stepSeconds: 15,
    clusters: [],
  }));
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, { getTraffic } as any]]}>
      <EntityProvider entity={componentEntity('checkout')}>
        <TrafficSection chain={chain} />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('TrafficSection', () => {
  it('shows each destination’s observed share beside its weight, and what fails', async () => {
    const chain = withTelemetry({
      routes: [
        {
          routeId: 'dev/shop/checkout/http/0',
          rps: 20,
          errors5xx: 20,
          responses: [],
          health: 'failure',
          ...figures,
          destinations: [
            destination('v1', 80, 80),
            destination('v2', 20, 20, {
              errors5xx: 100,
              health: 'failure',
              responses: [{ code: '503', flags: 'UH', rps: 4 }],
            }),
          ],
        },
      ],
    });
    await render(chain);
    const rows = screen.getAllByTestId('traffic-destination');
    expect(within(rows[0]).getByText('80% (weight 80%)')).toBeInTheDocument();
    expect(within(rows[1]).getByText('20% (weight 20%)')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('503 UH (no healthy upstream): 4 rps'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('failing')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('14 ms / 31 ms / 45 ms'),
    ).toBeInTheDocument();
  });

  it('says why traffic is missing when Prometheus cannot be asked', async () => {
    await render(
      withTelemetry({
        state: 'error',
        message:
          "The Prometheus of cluster 'dev' could not be asked: Prometheus refused the connection (is it running?)",
      }),
    );
    expect(
      screen.getByText(/Traffic figures are missing for this cluster/),
    ).toBeInTheDocument();
    expect(screen.getByText(/refused the connection/)).toBeInTheDocument();
  });

  it('says that no Prometheus is configured when the answer has no telemetry', async () => {
    await render(fixtureChain('dev/checkout'));
    expect(screen.getByText(/no Prometheus is configured/)).toBeInTheDocument();
  });
});
