import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { MeshChainResponse } from '@mesh-chain/plugin-mesh-common';
import {
  brokenCluster,
  chainResponse,
  checkoutEntity,
  emptyCluster,
  healthyCluster,
  noIstioCluster,
  unannotatedEntity,
  unreachableCluster,
} from '../../__fixtures__/chains';
import { BASE_URL, renderWithEntity } from '../../__testUtils__/testUtils';
import { MeshCard } from './MeshCard';

const server = setupServer();
registerMswTestHooks(server);

function serve(response: MeshChainResponse) {
  server.use(
    http.get(`${BASE_URL}/entities/component/default/checkout`, () =>
      HttpResponse.json(response),
    ),
  );
}

function fields(container: HTMLElement) {
  return Object.fromEntries(
    within(container)
      .getAllByRole('term')
      .map(dt => [dt.textContent, dt.nextElementSibling!.textContent]),
  );
}

describe('MeshCard', () => {
  it('sums up one cluster and links to the tab', async () => {
    serve(chainResponse([healthyCluster()]));
    renderWithEntity(<MeshCard />, checkoutEntity);
    await screen.findByText('External URL');
    expect(fields(document.body)).toEqual({
      'External URL':
        'https://shop.example.com/api (opens in a new tab) +1 more',
      Service: 'ClusterIP · in-cluster only',
      Replicas: '4/4 ready',
      Autoscaling: '3/10 current/max',
      'Worst problem': ' none',
    });
    expect(
      screen.getByRole('link', {
        name: 'https://shop.example.com/api (opens in a new tab)',
      }),
    ).toHaveAttribute('href', 'https://shop.example.com/api');
    expect(
      screen.getByRole('link', { name: /View service mesh/ }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout/mesh');
  });

  it('shows the worst diagnostic and an autoscaler at its maximum', async () => {
    serve(chainResponse([brokenCluster()]));
    renderWithEntity(<MeshCard />, checkoutEntity);
    await screen.findByText('Worst problem');
    const f = fields(document.body);
    expect(f['Worst problem']).toMatch(
      /^VirtualService gateway not found \(MESH-1102, 5 more\)$/,
    );
    expect(f.Autoscaling).toBe('10/10 current/max · at max');
    expect(f.Replicas).toBe('10/11 ready');
    expect(f['External URL']).toBe('none: not exposed through a gateway');
  });

  it('shows each cluster, with a cluster’s error in its place', async () => {
    serve(
      chainResponse([
        noIstioCluster('edge'),
        unreachableCluster('prod'),
        emptyCluster('staging'),
      ]),
    );
    renderWithEntity(<MeshCard />, checkoutEntity);
    expect(
      await screen.findByText('Could not read this cluster (unreachable).'),
    ).toBeInTheDocument();
    expect(screen.getByText('Edge cluster (edge)')).toBeInTheDocument();
    expect(screen.getByText('Demo cluster (prod)')).toBeInTheDocument();
    // Where nothing runs, nothing is shown.
    expect(screen.queryByText(/staging/)).not.toBeInTheDocument();
    const f = fields(document.body);
    expect(f.Service).toBe('NodePort · node ports');
    expect(f['External URL']).toBe('none (no Istio)');
  });

  it('asks for the annotation on entities without it', async () => {
    renderWithEntity(<MeshCard />, unannotatedEntity);
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });
});
