/*
 * Content hashes of what a page shows, per cluster, and the revision of a
 * whole answer: equal hashes mean the page would not change (timestamps
 * aside), so live updates and ETags compare hashes, not chains.
 */
import type {
  ClusterError,
  ClusterSnapshot,
  ClusterStatus,
} from '@mesh-chain/plugin-mesh-common';
import { createHash } from 'crypto';

/** The per-cluster hashes behind a response's revision. */
export interface ChainRevisions {
  revision: string;
  clusters: Record<string, string>;
}

/** A short content hash of a text. */
export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The overall revision from per-cluster hashes. */
export function combineRevisions(clusters: Record<string, string>): string {
  return sha(
    Object.keys(clusters)
      .sort()
      .map(name => `${name}=${clusters[name]}`)
      .join('\n'),
  );
}

/** The hash of a cluster that answers with an error. */
export function errorHash(error: ClusterError): string {
  return sha(`error|${error.reason}|${error.statusCode ?? ''}`);
}

/** The hash of a cluster whose cache is still loading. */
export const SYNCING_HASH = sha('syncing');

/**
 * What a page shows of a cluster: its chain, and how current it is; `seen`
 * is what the answer says of the cluster (the snapshot's, as `assemble`
 * copied it: a cache snapshot computes these on every read).
 */
export function clusterHash(
  resolvedHash: string,
  seen: Pick<ClusterSnapshot, 'istio' | 'gatewayApi' | 'warnings'>,
  status: ClusterStatus,
): string {
  return sha(
    [
      resolvedHash,
      seen.istio,
      seen.gatewayApi,
      `${status.state}|${status.reason ?? ''}|${status.since ?? ''}`,
      ...seen.warnings.map(w => `${w.reason}|${w.resource}|${w.message}`),
    ].join('\n'),
  );
}
