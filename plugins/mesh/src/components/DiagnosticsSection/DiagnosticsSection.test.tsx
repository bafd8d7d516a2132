import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { brokenCluster, healthyCluster, refs } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { DiagnosticsSection } from './DiagnosticsSection';

describe('DiagnosticsSection', () => {
  it('lists diagnostics worst first with severity, code, message, resources, field and fix', async () => {
    const { open } = await renderSection(
      <DiagnosticsSection chain={brokenCluster()} />,
    );
    expect(
      screen.getByText('3 errors, 2 warnings, 1 note'),
    ).toBeInTheDocument();
    const items = screen.getAllByTestId('diagnostic');
    expect(
      items.map(i => within(i).getByText(/^(error|warning|info)$/).textContent),
    ).toEqual(['error', 'error', 'error', 'warning', 'warning', 'info']);
    const gw = items.find(i => i.textContent?.includes('MESH-1102'))!;
    expect(
      within(gw).getByText('VirtualService gateway not found'),
    ).toBeInTheDocument();
    expect(gw).toHaveTextContent(
      'VirtualService shop/checkout binds to gateway istio-system/shop-gateway, which does not exist in cluster dev.',
    );
    expect(gw).toHaveTextContent('Gateway istio-system/shop-gateway (missing)');
    expect(within(gw).getByText('spec.gateways[0]')).toBeInTheDocument();
    expect(gw).toHaveTextContent(
      'Fix: Set spec.gateways to an existing Gateway (istio-system/public-gateway serves shop.example.com), or create istio-system/shop-gateway.',
    );
    await userEvent.click(within(gw).getByText('VirtualService shop/checkout'));
    expect(open).toHaveBeenCalledWith('dev', objectKey(refs.virtualService));
  });

  it('says when there is nothing wrong', async () => {
    await renderSection(<DiagnosticsSection chain={healthyCluster()} />);
    expect(screen.getByText(/No problems found/)).toBeInTheDocument();
    expect(screen.queryByTestId('diagnostic')).not.toBeInTheDocument();
  });
});
