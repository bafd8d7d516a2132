import { screen, within } from '@testing-library/react';
import type { ServiceInfo } from '@mesh-chain/plugin-mesh-common';
import { healthyCluster, noIstioCluster } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { describeReachability, ServiceSection } from './ServiceSection';

describe('ServiceSection', () => {
  it('shows a ClusterIP Service as in-cluster only, with port → target port', async () => {
    await renderSection(<ServiceSection chain={healthyCluster()} />);
    expect(screen.getByText('ClusterIP')).toBeInTheDocument();
    expect(screen.getByText('In-cluster only')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Reachable only from inside the cluster, at checkout.shop.svc.cluster.local:80. Outside traffic has to come through the mesh gateway.',
      ),
    ).toBeInTheDocument();
    const ports = screen.getByLabelText('Ports of Service checkout');
    const [, row] = within(ports).getAllByRole('row');
    expect(row).toHaveTextContent('http80→http (8080)TCP (http)');
    expect(screen.getByText('4 of 4 ready')).toBeInTheDocument();
    expect(screen.getByText('app=checkout')).toBeInTheDocument();
  });

  it('shows the node port of a NodePort Service', async () => {
    await renderSection(<ServiceSection chain={noIstioCluster()} />);
    expect(screen.getByText('NodePort')).toBeInTheDocument();
    expect(screen.getByText('Node ports')).toBeInTheDocument();
    const [, row] = within(
      screen.getByLabelText('Ports of Service checkout'),
    ).getAllByRole('row');
    expect(row).toHaveTextContent('80→http (8080)→30080');
    expect(
      screen.getByText(/every node’s address at port 30080/),
    ).toBeInTheDocument();
  });

  it('warns when a named target port matches no container port', async () => {
    const chain = healthyCluster();
    chain.services[0].ports[0].resolvedTargetPort = undefined;
    await renderSection(<ServiceSection chain={chain} />);
    expect(
      screen.getByText(/no container port named “http” on the selected pods/),
    ).toBeInTheDocument();
  });

  it('explains a missing Service', async () => {
    const chain = healthyCluster();
    chain.services = [];
    await renderSection(<ServiceSection chain={chain} />);
    expect(
      screen.getByText(/No Service selects this component’s pods/),
    ).toBeInTheDocument();
  });

  it('describes each kind of reachability', () => {
    const base = healthyCluster().services[0];
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
      'Exposed outside the cluster by a load balancer at 203.0.113.7 (port 80), and inside it at checkout.shop.svc.cluster.local:80.',
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
