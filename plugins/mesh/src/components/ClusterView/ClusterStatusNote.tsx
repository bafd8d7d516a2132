import { StatusPending, StatusWarning } from '@backstage/core-components';
import type { ClusterStatus } from '@mesh-chain/plugin-mesh-common';
import { formatTimestamp } from '../../utils/format';

/**
 * "syncing" or "stale since … (reason)" beside a cluster's name, when what
 * is shown of it is not (yet, or any more) current; nothing when it is.
 */
export function ClusterStatusNote(props: { status?: ClusterStatus }) {
  const { status } = props;
  if (status?.state === 'syncing') {
    return <StatusPending>syncing</StatusPending>;
  }
  if (status?.state === 'stale') {
    return (
      <StatusWarning>
        stale since {status.since ? formatTimestamp(status.since) : 'a while'}
        {status.reason ? ` (${status.reason})` : ''}
      </StatusWarning>
    );
  }
  return null;
}
