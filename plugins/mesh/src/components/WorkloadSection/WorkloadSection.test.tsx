import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { chain } from '../../__fixtures__/chains';
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
    // The canary's v2 crash-loops.
    await renderSection(
      <WorkloadSection chain={chain('crashloop/checkout')} />,
    );
    const [v1, v2] = screen.getAllByLabelText('Replicas');
    expect(replicas(v1)).toEqual({
      Desired: '3',
      Updated: '3',
      Ready: '3',
      Available: '3',
    });
    expect(replicas(v2)).toEqual({
      Desired: '1',
      Updated: '1',
      Ready: '0',
      Available: '0',
    });
  });

  it('shows rollout progress, images and strategy', async () => {
    await renderSection(
      <WorkloadSection chain={chain('crashloop/checkout')} />,
    );
    expect(screen.getByText('Rollout stalled')).toBeInTheDocument();
    expect(screen.getByText('Rollout complete')).toBeInTheDocument();
    expect(
      screen.getAllByText(
        /^ReplicaSet "checkout-v2-[a-z0-9]+" has timed out progressing\.$/,
      ).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText('1 unavailable')).toBeInTheDocument();
    expect(
      screen.getByText('ghcr.io/stefanprodan/podinfo:6.7.0'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('ghcr.io/stefanprodan/podinfo:6.7.1'),
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
    const c = chain('dev/storefront');
    const { open } = await renderSection(<WorkloadSection chain={c} />);
    const note = screen.getByText(/it\s+wants/);
    expect(note).toHaveTextContent(
      'Scaled by HorizontalPodAutoscaler shop/storefront: it wants 2 (min 2, max 6).',
    );
    await userEvent.click(within(note).getByRole('button'));
    expect(open).toHaveBeenCalledWith('dev', objectKey(c.hpas[0].ref));
  });

  it('says when no Deployment matches', async () => {
    const c = chain('dev/storefront');
    c.deployments = [];
    await renderSection(<WorkloadSection chain={c} />);
    expect(
      screen.getByText(/No Deployment carries this component’s labels/),
    ).toBeInTheDocument();
  });
});
