/*
 * What a cluster's watch cache says about itself: whether it can be read at
 * all, how current it is, and its partial problems, derived from the state
 * of each kind's reflector.
 */
import type {
  ClusterError,
  ClusterStatus,
} from '@mesh-chain/plugin-mesh-common';
import type { KindInfo, WatchedKind } from '@mesh-chain/plugin-mesh-common';

/** The reflector state of one kind in one cluster's cache. */
export interface KindState {
  kind: WatchedKind;
  info: KindInfo;
  /** The version being served (after a fallback). */
  version: string;
  /** The API group/version is not served (CRD missing). */
  absent: boolean;
  /** The cache holds a complete list of the kind (it was listed). */
  synced: boolean;
  /** At least one attempt (success or failure) completed. */
  attempted: boolean;
  /** Scopes (namespaces, or '' for all) whose watch is open. */
  watching: Set<string>;
  /** Scopes that failed and have not been listed again since. */
  failing: Set<string>;
  /** Current failure, if any. */
  error?: ClusterError;
  /**
   * Since when (ms epoch) the kind has not been known current: set on a
   * failure, cleared only when the kind has been listed again.
   */
  staleSince?: number;
  /** Objects that are malformed or were cut, `ns/name` -> problem. */
  malformed: Map<string, string>;
}

/** A kind whose cached objects are no longer known to be current. */
function isStale(k: KindState): boolean {
  return !k.absent && k.synced && k.staleSince !== undefined;
}

/** The error that makes the whole cluster unreadable: no core kind was ever listed. */
export function clusterErrorOf(kinds: KindState[]): ClusterError | undefined {
  const core = kinds.filter(k => !k.info.optional);
  if (core.some(k => k.synced)) {
    return undefined;
  }
  const failed = core.find(k => k.error);
  if (failed?.error) {
    const { resource: _resource, ...rest } = failed.error;
    return rest;
  }
  return undefined;
}

/**
 * Partial problems: kinds that could not be listed while others could, and
 * malformed objects. (Kinds that were listed and then lost their cluster are
 * not warnings: they make the cluster `stale`.)
 */
export function warningsOf(
  clusterName: string,
  kinds: KindState[],
): ClusterError[] {
  if (clusterErrorOf(kinds)) {
    return [];
  }
  const out: ClusterError[] = [];
  for (const k of kinds) {
    if (k.absent) {
      continue;
    }
    if (k.error && !k.synced) {
      out.push(k.error);
    }
    if (k.malformed.size > 0) {
      const examples = [...k.malformed.entries()]
        .slice(0, 3)
        .map(([key, problem]) => `${key} (${problem})`)
        .join('; ');
      out.push({
        reason: 'unknown',
        resource: k.info.plural,
        message: `${k.malformed.size} malformed ${k.info.plural} in cluster '${clusterName}' were skipped or partly ignored: ${examples}`,
      });
    }
  }
  return out;
}

/** When the data was last known to be current (the oldest stale kind's). */
export function observedAtOf(kinds: KindState[], now: number): string {
  let oldest = now;
  for (const k of kinds) {
    if (isStale(k)) {
      oldest = Math.min(oldest, k.staleSince!);
    }
  }
  return new Date(oldest).toISOString();
}

/**
 * How current the cache is: `syncing` until every kind has been tried
 * once; `error` when no core kind could be listed; `stale` while any kind
 * that was listed is not current (its cluster failed, and it has not been
 * listed again since), since `outageSince` when given (else since the
 * oldest stale kind failed); else `current`.
 */
export function statusOf(
  clusterName: string,
  kinds: KindState[],
  startedAt: number,
  now: number,
  outageSince?: number,
): ClusterStatus {
  const error = clusterErrorOf(kinds);
  if (error) {
    return { state: 'error', reason: error.reason, message: error.message };
  }
  if (!kinds.every(k => k.attempted)) {
    const listed = kinds.filter(k => k.attempted).length;
    return {
      state: 'syncing',
      since: new Date(startedAt).toISOString(),
      message: `The mesh backend is still loading cluster '${clusterName}' (${listed} of ${kinds.length} kinds listed); this view updates when it is done.`,
    };
  }
  const stale = kinds.filter(isStale);
  if (stale.length === 0) {
    return { state: 'current' };
  }
  const since =
    outageSince !== undefined
      ? new Date(outageSince).toISOString()
      : observedAtOf(kinds, now);
  const cause = stale.find(k => k.error)?.error;
  const served = kinds.filter(k => !k.absent).length;
  const behind = stale.map(k => k.info.plural).join(', ');
  return {
    state: 'stale',
    since,
    reason: cause?.reason ?? 'unknown',
    message: `Showing cluster '${clusterName}' as last seen at ${since}: ${
      cause ? cause.message.replace(/\.?$/, '.') : 'it is being read again.'
    } Not current: ${behind} (${
      served - stale.length
    } of ${served} kinds current).`,
  };
}
