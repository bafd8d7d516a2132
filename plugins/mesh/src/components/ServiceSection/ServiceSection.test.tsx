import { screen, within } from '@testing-library/react';
import type { ServiceInfo } from '@mesh-chain/plugin-mesh-common';
import { chain } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { describeReachability, ServiceSection } from './ServiceSection';

describe('ServiceSection', () => {
  it('shows a ClusterIP Service as in-cluster only, with port → target port', async () => {
    await renderSection(<ServiceSection chain={chain('dev/storefront')} />);
    expect(screen.getByText('ClusterIP')).toBeInTheDocument();
    expect(screen.getByText('In-cluster only')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Reachable only from inside the cluster, at storefront.shop.svc.cluster.local:80. Outside traffic has to come through the mesh gateway.',
      ),
    ).toBeInTheDocument();
    const ports = screen.getByLabelText('Ports of Service storefront');
    const [, row] = within(ports).getAllByRole('row');
    expect(row).toHaveTextContent('http80→http (9898)TCP');
    expect(screen.getByText('2 of 2 ready')).toBeInTheDocument();
    expect(screen.getByText('app=storefront')).toBeInTheDocument();
  });

  it('shows the node port of a NodePort Service', async () => {
    await renderSection(<ServiceSection chain={chain('dev/legacy-reports')} />);
    expect(screen.getByText('NodePort')).toBeInTheDocument();
    expect(screen.getByText('Node ports')).toBeInTheDocument();
    const [, row] = within(
      screen.getByLabelText('Ports of Service legacy-reports'),
    ).getAllByRole('row');
    expect(row).toHaveTextContent('80→http (9898)→30080');
    expect(
      screen.getByText(/every node’s address at port 30080/),
    ).toBeInTheDocument();
  });

  it('warns when a named target port matches no container port', async () => {
    const c = chain('dev/storefront');
    c.services[0].ports[0].resolvedTargetPort = undefined;
    await renderSection(<ServiceSection chain={c} />);
    expect(
      screen.getByText(/no container port named “http” on the selected pods/),
    ).toBeInTheDocument();
  });

  it('explains a missing Service', async () => {
    const c = chain('dev/storefront');
    c.services = [];
    await renderSection(<ServiceSection chain={c} />);
    expect(
      screen.getByText(/No Service selects this component’s pods/),
    ).toBeInTheDocument();
  });

  it('describes each kind of reachability', () => {
    const base = chain('dev/storefront').services[0];
    const s = (patch: Partial<ServiceInfo>): ServiceInfo => ({
      ...base,
      ...patch,
    });
    expect(
      describeReachability(
        s({
          type: 'LoadBalancer',
          reachability: 'external',
          externalAddresses: ['203.0.113.7'],
        }),
      ),
    ).toBe(
      'Exposed outside the cluster by a load balancer at 203.0.113.7 (port 80), and inside it at storefront.shop.svc.cluster.local:80.',
    );
    expect(
      describeReachability(
        s({ type: 'LoadBalancer', reachability: 'pending' }),
      ),
    ).toMatch(/has no external address yet/);
    expect(
      describeReachability(
        s({ type: 'ExternalName', externalName: 'db.example.com' }),
      ),
    ).toBe('A DNS alias for db.example.com; it has no pods of its own.');
  });
});
