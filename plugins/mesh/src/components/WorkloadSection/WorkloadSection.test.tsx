import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { brokenCluster, healthyCluster, refs } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { WorkloadSection } from './WorkloadSection';

function replicas(group: HTMLElement) {
  return Object.fromEntries(
    within(group)
      .getAllByRole('term')
      .map(dt => [
        dt.textContent,
        dt.parentElement!.querySelector('dd')!.textContent,
      ]),
  );
}

describe('WorkloadSection', () => {
  it('shows desired, updated, ready and available replicas per Deployment', async () => {
    await renderSection(<WorkloadSection chain={brokenCluster()} />);
    const [v1, v2] = screen.getAllByLabelText('Replicas');
    expect(replicas(v1)).toEqual({
      Desired: '10',
      Updated: '10',
      Ready: '10',
      Available: '10',
    });
    expect(replicas(v2)).toEqual({
      Desired: '1',
      Updated: '1',
      Ready: '0',
      Available: '0',
    });
  });

  it('shows rollout progress, images and strategy', async () => {
    await renderSection(<WorkloadSection chain={brokenCluster()} />);
    expect(screen.getByText('Rollout stalled')).toBeInTheDocument();
    expect(screen.getByText('Rollout complete')).toBeInTheDocument();
    expect(
      screen.getAllByText(
        'ReplicaSet "checkout-v2-5c6b9d7f8" has timed out progressing.',
      ).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText('1 unavailable')).toBeInTheDocument();
    expect(
      screen.getByText('registry.example.com/shop/checkout:1.9.0-rc.1'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('registry.example.com/shop/checkout:1.8.2'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(
        'Rolling update (max surge 25%, max unavailable 25%)',
      ),
    ).toHaveLength(2);
    expect(
      screen.getByText('Deployment does not have minimum availability.'),
    ).toBeInTheDocument();
  });

  it('puts the autoscaler’s wish next to the Deployment’s own count, and links to it', async () => {
    const { open } = await renderSection(
      <WorkloadSection chain={healthyCluster()} />,
    );
    const note = screen.getByText(/it\s+wants/);
    expect(note).toHaveTextContent(
      'Scaled by HorizontalPodAutoscaler shop/checkout-v1: it wants 3 (min 2, max 10).',
    );
    await userEvent.click(within(note).getByRole('button'));
    expect(open).toHaveBeenCalledWith('dev', objectKey(refs.hpa));
  });

  it('says when no Deployment matches', async () => {
    const chain = healthyCluster();
    chain.deployments = [];
    await renderSection(<WorkloadSection chain={chain} />);
    expect(
      screen.getByText(/No Deployment carries this component’s labels/),
    ).toBeInTheDocument();
  });
});
