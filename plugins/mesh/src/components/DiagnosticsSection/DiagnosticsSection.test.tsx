import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { chain } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { DiagnosticsSection } from './DiagnosticsSection';

describe('DiagnosticsSection', () => {
  it('lists diagnostics worst first', async () => {
    // The route and the DestinationRule name a Service that does not exist.
    await renderSection(<DiagnosticsSection chain={chain('dev/reviews')} />);
    expect(screen.getByText('1 error, 1 warning')).toBeInTheDocument();
    const items = screen.getAllByTestId('diagnostic');
    expect(
      items.map(i => within(i).getByText(/^(error|warning|info)$/).textContent),
    ).toEqual(['error', 'warning']);
    expect(items[0]).toHaveTextContent('MESH-1002');
    expect(items[1]).toHaveTextContent('MESH-3001');
  });

  it('shows severity, code, message, resources, field and fix, and opens the resource', async () => {
    const c = chain('dev/recommendations');
    const { open } = await renderSection(<DiagnosticsSection chain={c} />);
    const [gw] = screen.getAllByTestId('diagnostic');
    expect(gw).toHaveTextContent('MESH-1001');
    expect(
      within(gw).getByText('VirtualService gateway not found'),
    ).toBeInTheDocument();
    expect(gw).toHaveTextContent(
      'VirtualService shop/recommendations binds gateway "istio-system/promo-gateway"',
    );
    expect(gw).toHaveTextContent(
      'Gateway istio-system/promo-gateway (missing)',
    );
    expect(within(gw).getByText('spec.gateways[0]')).toBeInTheDocument();
    expect(gw).toHaveTextContent(
      'Fix: Change spec.gateways[0] to an existing Gateway (in istio-system: public-gateway), or create Gateway istio-system/promo-gateway.',
    );
    await userEvent.click(
      within(gw).getByText('VirtualService shop/recommendations'),
    );
    expect(open).toHaveBeenCalledWith(
      'dev',
      objectKey(c.virtualServices[0].ref),
    );
  });

  it('says when there is nothing wrong', async () => {
    await renderSection(<DiagnosticsSection chain={chain('dev/storefront')} />);
    expect(screen.getByText(/No problems found/)).toBeInTheDocument();
    expect(screen.queryByTestId('diagnostic')).not.toBeInTheDocument();
  });
});
