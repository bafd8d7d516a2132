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
 * What a page shows of a cluster besides its chain (the kinds it serves,
 * how current it is, its warnings), as text for `clusterHashOf`: the same
 * for every chain of the cluster, so worked out once for many. `seen` is
 * what the answer says of the cluster (a cache snapshot computes these on
 * every read, so callers pass what they already copied when they can).
 */
export function clusterStateText(
  seen: Pick<ClusterSnapshot, 'istio' | 'gatewayApi' | 'warnings'>,
  status: ClusterStatus,
): string {
  return [
    seen.istio,
    seen.gatewayApi,
    `${status.state}|${status.reason ?? ''}|${status.since ?? ''}`,
    ...seen.warnings.map(w => `${w.reason}|${w.resource}|${w.message}`),
  ].join('\n');
}

/** What a page shows of a cluster: its chain, and the cluster's state. */
export function clusterHashOf(resolvedHash: string, stateText: string): string {
  return sha(`${resolvedHash}\n${stateText}`);
}

/** What a page shows of a cluster: its chain, and how current it is. */
export function clusterHash(
  resolvedHash: string,
  seen: Pick<ClusterSnapshot, 'istio' | 'gatewayApi' | 'warnings'>,
  status: ClusterStatus,
): string {
  return clusterHashOf(resolvedHash, clusterStateText(seen, status));
}
