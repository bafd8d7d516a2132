import { screen, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import type { MeshChainResponse } from '@mesh-chain/plugin-mesh-common';
import {
  chain,
  chainResponse,
  componentEntity,
  emptyCluster,
  unannotatedEntity,
  unreachableCluster,
} from '../../__fixtures__/chains';
import { BASE_URL, renderWithEntity } from '../../__testUtils__/testUtils';
import { MeshCard } from './MeshCard';

const server = setupServer();
registerMswTestHooks(server);

/** Renders the card of a demo component whose chain is `response`. */
function renderCard(component: string, response: MeshChainResponse) {
  server.use(
    http.get(`${BASE_URL}/entities/component/default/${component}`, () =>
      HttpResponse.json(response),
    ),
  );
  renderWithEntity(<MeshCard />, componentEntity(component));
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
    renderCard(
      'storefront',
      chainResponse('storefront', [chain('dev/storefront')]),
    );
    await screen.findByText('External URL');
    expect(fields(document.body)).toEqual({
      'External URL':
        'http://storefront.demo.example.com/ (opens in a new tab)',
      Service: 'ClusterIP · in-cluster only',
      Replicas: '2/2 ready',
      Autoscaling: '2/6 current/max',
      'Worst problem': ' none',
    });
    expect(
      screen.getByRole('link', {
        name: 'http://storefront.demo.example.com/ (opens in a new tab)',
      }),
    ).toHaveAttribute('href', 'http://storefront.demo.example.com/');
    expect(
      screen.getByRole('link', { name: /View service mesh/ }),
    ).toHaveAttribute('href', '/catalog/default/component/storefront/mesh');
  });

  it('shows an autoscaler at its maximum', async () => {
    renderCard('search', chainResponse('search', [chain('dev/search')]));
    await screen.findByText('Worst problem');
    const f = fields(document.body);
    expect(f['Worst problem']).toMatch(/^HPA at its maximum \(MESH-6001\)$/);
    expect(f.Autoscaling).toBe('4/4 current/max · at max');
    expect(f.Replicas).toBe('4/4 ready');
  });

  it('shows the worst diagnostic, and how many more there are', async () => {
    renderCard('reviews', chainResponse('reviews', [chain('dev/reviews')]));
    await screen.findByText('Worst problem');
    expect(fields(document.body)['Worst problem']).toMatch(
      /^Route destination host not found \(MESH-1002, 1 more\)$/,
    );
  });

  it('says when no gateway exposes the component', async () => {
    renderCard(
      'recommendations',
      chainResponse('recommendations', [chain('dev/recommendations')]),
    );
    await screen.findByText('Worst problem');
    const f = fields(document.body);
    expect(f['External URL']).toBe('none: not exposed through a gateway');
    expect(f['Worst problem']).toMatch(
      /^VirtualService gateway not found \(MESH-1001\)$/,
    );
  });

  it('shows each cluster, with a cluster’s error in its place', async () => {
    renderCard(
      'storefront',
      chainResponse('storefront', [
        chain('edge/storefront'),
        unreachableCluster('prod'),
        emptyCluster('staging'),
      ]),
    );
    expect(
      await screen.findByText('Could not read this cluster (unreachable).'),
    ).toBeInTheDocument();
    expect(screen.getByText('Edge cluster (edge)')).toBeInTheDocument();
    expect(screen.getByText('Demo cluster (prod)')).toBeInTheDocument();
    // Where nothing runs, nothing is shown.
    expect(screen.queryByText(/staging/)).not.toBeInTheDocument();
    const f = fields(document.body);
    expect(f.Service).toBe('ClusterIP · in-cluster only');
    expect(f['External URL']).toBe('none (no Istio)');
  });

  it('asks for the annotation on entities without it', async () => {
    renderWithEntity(<MeshCard />, unannotatedEntity);
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });
});
