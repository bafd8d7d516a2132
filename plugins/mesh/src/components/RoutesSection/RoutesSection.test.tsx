import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { chain } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { RoutesSection } from './RoutesSection';

describe('RoutesSection', () => {
  it('lists every route in order with URL, gateway, match, weighted destinations, rewrite, timeout and retries', async () => {
    await renderSection(<RoutesSection chain={chain('routes/checkout')} />);
    const table = screen.getByLabelText('Routes in dev');
    const [testers, api, redirect] = within(table).getAllByTestId('route-row');
    expect(
      screen.getByText('Tried top to bottom; the first match wins.'),
    ).toBeInTheDocument();

    expect(within(testers).getByText('#1 canary-testers')).toBeInTheDocument();
    expect(
      within(testers).getByText(
        'path starts with /api and header x-canary = true',
      ),
    ).toBeInTheDocument();
    expect(within(testers).getByText('100%')).toBeInTheDocument();
    expect(within(testers).getByText('3s')).toBeInTheDocument();
    expect(
      within(testers).getByText('3 × 1s on 5xx, connect-failure'),
    ).toBeInTheDocument();
    expect(within(testers).getByText(/abort 503 for 5%/)).toBeInTheDocument();
    expect(
      within(testers).getByText(
        'Mirrors 10% to checkout.shop.svc.cluster.local (v1)',
      ),
    ).toBeInTheDocument();

    const link = within(api).getByRole('link', {
      name: 'http://checkout.demo.example.com/api (opens in a new tab)',
    });
    expect(link).toHaveAttribute(
      'href',
      'http://checkout.demo.example.com/api',
    );
    expect(link).toHaveAttribute('target', '_blank');
    expect(
      within(api).getByText('istio-system/public-gateway'),
    ).toBeInTheDocument();
    expect(within(api).getByText('path starts with /api')).toBeInTheDocument();
    const weights = within(api)
      .getAllByText(/^\d+%$/)
      .map(w => w.textContent);
    expect(weights).toEqual(['90%', '10%']);
    expect(within(api).getByText('v1')).toBeInTheDocument();
    expect(within(api).getByText('v2')).toBeInTheDocument();
    expect(within(api).getByText('/')).toBeInTheDocument(); // rewrite
    expect(within(api).getByText('5s')).toBeInTheDocument();
    expect(within(api).getByText('Istio default (2)')).toBeInTheDocument();

    expect(
      within(redirect).getByText('path = /old-checkout'),
    ).toBeInTheDocument();
    expect(within(redirect).getByText(/Redirect 301 to/)).toBeInTheDocument();
    expect(within(redirect).getByText('/checkout')).toBeInTheDocument();
    expect(within(redirect).getByText('none')).toBeInTheDocument(); // no timeout
  });

  it('opens the drawer of the gateway, the VirtualService and the destination Service', async () => {
    const c = chain('dev/checkout');
    const { open } = await renderSection(<RoutesSection chain={c} />);
    const [row] = screen.getAllByTestId('route-row');
    await userEvent.click(within(row).getByText('istio-system/public-gateway'));
    expect(open).toHaveBeenLastCalledWith('dev', objectKey(c.gateways[0].ref));
    await userEvent.click(within(row).getByText('shop/checkout'));
    expect(open).toHaveBeenLastCalledWith(
      'dev',
      objectKey(c.virtualServices[0].ref),
    );
    await userEvent.click(
      within(row).getAllByText('checkout.shop.svc.cluster.local')[0],
    );
    expect(open).toHaveBeenLastCalledWith('dev', objectKey(c.services[0].ref));
  });

  it('links a Gateway API Gateway as well as an Istio one', async () => {
    const c = chain('dev/docs');
    const { open } = await renderSection(<RoutesSection chain={c} />);
    const [row] = screen.getAllByTestId('route-row');
    expect(within(row).getByText('HTTP in')).toBeInTheDocument();
    await userEvent.click(within(row).getByText('docs/docs-gateway'));
    expect(open).toHaveBeenLastCalledWith(
      'dev',
      'gateway.networking.k8s.io/Gateway/docs/docs-gateway',
    );
  });

  it('marks the route a traced request took', async () => {
    const c = chain('routes/checkout');
    await renderSection(
      <RoutesSection chain={c} matchedRouteId={c.routes[1].id} />,
    );
    const rows = screen.getAllByTestId('route-row');
    expect(rows.map(r => !!within(r).queryByText('your request'))).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('says when a gateway is missing', async () => {
    await renderSection(<RoutesSection chain={chain('dev/recommendations')} />);
    const [row] = screen.getAllByTestId('route-row');
    expect(
      within(row).getByText('none (gateway not found)'),
    ).toBeInTheDocument();
    expect(row).toHaveTextContent('istio-system/promo-gateway (not found)');
  });

  it('says when a destination has no Service behind it', async () => {
    await renderSection(<RoutesSection chain={chain('dev/reviews')} />);
    const [row] = screen.getAllByTestId('route-row');
    expect(row).toHaveTextContent(
      'reviews-api.shop.svc.cluster.local (no such Service)',
    );
  });

  it('shows routes inside the mesh only', async () => {
    const c = chain('dev/inventory');
    c.routes[0].retries = { attempts: 0 };
    await renderSection(<RoutesSection chain={c} />);
    const [row] = screen.getAllByTestId('route-row');
    expect(within(row).getByText('inside the mesh only')).toBeInTheDocument();
    expect(within(row).getByText('mesh (sidecars)')).toBeInTheDocument();
    expect(within(row).getByText('off')).toBeInTheDocument();
  });

  it('explains an empty route table', async () => {
    const noRoutes = chain('dev/storefront');
    noRoutes.routes = [];
    const { unmount } = await renderSection(<RoutesSection chain={noRoutes} />);
    expect(
      screen.getByText(
        /No VirtualService or HTTPRoute sends traffic to this component/,
      ),
    ).toBeInTheDocument();
    unmount();
    await renderSection(<RoutesSection chain={chain('edge/storefront')} />);
    expect(
      screen.getByText(/Neither Istio nor the Gateway API is installed/),
    ).toBeInTheDocument();
  });
});
