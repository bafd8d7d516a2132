import { screen } from '@testing-library/react';
import type { ClusterChain } from '@mesh-chain/plugin-mesh-common';
import { chain, emptyCluster } from '../../__fixtures__/chains';
import { renderSection } from '../../__testUtils__/testUtils';
import { formatTimestamp } from '../../utils/format';
import { clusterHealth, isEmptyChain } from './clusterHealth';
import { ClusterView } from './ClusterView';

const SINCE = '2026-03-01T10:15:00.000Z';

function render(clusterChain: ClusterChain) {
  return renderSection(
    <ClusterView chain={clusterChain} onOpen={() => {}} showHeading />,
  );
}

describe('ClusterView', () => {
  it('says a stale cluster is stale since when and why, and still shows its last data', async () => {
    const stale: ClusterChain = {
      ...chain('dev/storefront'),
      status: {
        state: 'stale',
        since: SINCE,
        reason: 'unreachable',
        message: "Showing cluster 'dev' as last seen at 2026-03-01T10:15:00Z.",
      },
    };
    await render(stale);
    expect(
      screen.getByText(`stale since ${formatTimestamp(SINCE)} (unreachable)`),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Showing cluster 'dev' as last seen/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Ports of Service storefront')).toBeVisible();
    expect(clusterHealth(stale)).toBe('warning');
  });

  it('says a cluster still loading is syncing, in place of its (empty) chain', async () => {
    const syncing: ClusterChain = {
      ...emptyCluster('dev'),
      status: {
        state: 'syncing',
        since: SINCE,
        message:
          "The mesh backend is still loading cluster 'dev' (4 of 10 kinds listed); this view updates when it is done.",
      },
    };
    await render(syncing);
    expect(screen.getByText('syncing')).toBeInTheDocument();
    expect(screen.getByText(/4 of 10 kinds listed/)).toBeInTheDocument();
    expect(screen.queryByText(/observed/)).not.toBeInTheDocument();
    expect(screen.queryByText('Chain')).not.toBeInTheDocument();
    // Not "nothing of the component runs here": it is not known yet.
    expect(isEmptyChain(syncing)).toBe(false);
    expect(clusterHealth(syncing)).toBe('unknown');
  });

  it('shows nothing of the kind for a current cluster', async () => {
    await render({ ...chain('dev/storefront'), status: { state: 'current' } });
    expect(screen.queryByText(/stale since|syncing/)).not.toBeInTheDocument();
  });
});
