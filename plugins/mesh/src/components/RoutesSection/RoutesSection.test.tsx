import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import {
  brokenCluster,
  healthyCluster,
  noIstioCluster,
  refs,
} from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { RoutesSection } from './RoutesSection';

describe('RoutesSection', () => {
  it('lists every route in order with URL, gateway, match, weighted destinations, rewrite, timeout and retries', async () => {
    await renderSection(<RoutesSection chain={healthyCluster()} />);
    const table = screen.getByLabelText('Routes in dev');
    const [canary, api, redirect] = within(table).getAllByTestId('route-row');
    expect(
      screen.getByText('Tried top to bottom; the first match wins.'),
    ).toBeInTheDocument();

    expect(within(canary).getByText('#1 canary-testers')).toBeInTheDocument();
    expect(
      within(canary).getByText(
        'path starts with /api and header x-canary = true',
      ),
    ).toBeInTheDocument();
    expect(within(canary).getByText('100%')).toBeInTheDocument();
    expect(within(canary).getByText('3s')).toBeInTheDocument();
    expect(
      within(canary).getByText('3 × 1s on 5xx, connect-failure'),
    ).toBeInTheDocument();

    const link = within(api).getByRole('link', {
      name: 'https://shop.example.com/api (opens in a new tab)',
    });
    expect(link).toHaveAttribute('href', 'https://shop.example.com/api');
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
    const { open } = await renderSection(
      <RoutesSection chain={healthyCluster()} />,
    );
    const [, api] = screen.getAllByTestId('route-row');
    await userEvent.click(within(api).getByText('istio-system/public-gateway'));
    expect(open).toHaveBeenLastCalledWith('dev', objectKey(refs.gateway));
    await userEvent.click(within(api).getByText('shop/checkout'));
    expect(open).toHaveBeenLastCalledWith(
      'dev',
      objectKey(refs.virtualService),
    );
    await userEvent.click(within(api).getAllByText('checkout')[0]);
    expect(open).toHaveBeenLastCalledWith('dev', objectKey(refs.service));
  });

  it('links a Gateway API Gateway as well as an Istio one', async () => {
    const chain = healthyCluster();
    const ref = {
      kind: 'Gateway',
      apiVersion: 'gateway.networking.k8s.io/v1',
      namespace: 'istio-system',
      name: 'public-gateway',
    };
    chain.gateways[0] = { ...chain.gateways[0], ref, flavor: 'gateway-api' };
    const { open } = await renderSection(<RoutesSection chain={chain} />);
    const [, api] = screen.getAllByTestId('route-row');
    await userEvent.click(within(api).getByText('istio-system/public-gateway'));
    expect(open).toHaveBeenLastCalledWith('dev', objectKey(ref));
  });

  it('marks the route a traced request took', async () => {
    const chain = healthyCluster();
    await renderSection(
      <RoutesSection chain={chain} matchedRouteId={chain.routes[1].id} />,
    );
    const rows = screen.getAllByTestId('route-row');
    expect(rows.map(r => !!within(r).queryByText('your request'))).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('says when a gateway is missing and a subset has no Service behind it', async () => {
    await renderSection(<RoutesSection chain={brokenCluster()} />);
    const [, api] = screen.getAllByTestId('route-row');
    expect(
      within(api).getByText('none (gateway not found)'),
    ).toBeInTheDocument();
    expect(within(api).getByText('(not found)')).toBeInTheDocument();
    expect(within(api).getByText('v3')).toBeInTheDocument();
  });

  it('shows routes inside the mesh only, fault injection and mirroring', async () => {
    const chain = healthyCluster();
    const r = chain.routes[0];
    r.gateways = ['mesh'];
    r.externalUrls = [];
    r.fault = { abortStatus: 503, abortPercent: 5 };
    r.mirror = { host: 'checkout-shadow', percent: 10 };
    r.retries = { attempts: 0 };
    await renderSection(<RoutesSection chain={chain} />);
    const [row] = screen.getAllByTestId('route-row');
    expect(within(row).getByText('inside the mesh only')).toBeInTheDocument();
    expect(within(row).getByText('mesh (sidecars)')).toBeInTheDocument();
    expect(within(row).getByText(/abort 503 for 5%/)).toBeInTheDocument();
    expect(
      within(row).getByText('Mirrors 10% to checkout-shadow'),
    ).toBeInTheDocument();
    expect(within(row).getByText('off')).toBeInTheDocument();
  });

  it('explains an empty route table', async () => {
    const noRoutes = healthyCluster();
    noRoutes.routes = [];
    const { unmount } = await renderSection(<RoutesSection chain={noRoutes} />);
    expect(
      screen.getByText(
        /No VirtualService or HTTPRoute sends traffic to this component/,
      ),
    ).toBeInTheDocument();
    unmount();
    await renderSection(<RoutesSection chain={noIstioCluster()} />);
    expect(
      screen.getByText(/Neither Istio nor the Gateway API is installed/),
    ).toBeInTheDocument();
  });
});
