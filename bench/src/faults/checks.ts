/*
 * What the fault suite expects a cluster's part of an answer to say: each
 * check is undefined when it holds, else what was seen instead.
 */
import type { ClusterChain } from '@mesh-chain/plugin-mesh-common';
import type { ChainCheck, FaultContext } from './types';

export function named(
  chain: ClusterChain,
  ctx: FaultContext,
): string | undefined {
  const text = chain.status?.message ?? chain.error?.message ?? '';
  return text.includes(`'${ctx.name}'`)
    ? undefined
    : `a message that does not name cluster '${ctx.name}': ${text}`;
}

export function describe(chain: ClusterChain): string {
  if (chain.error) {
    return `error ${chain.error.reason}: ${chain.error.message}`;
  }
  const s = chain.status;
  return s ? `${s.state}${s.reason ? ` (${s.reason})` : ''}` : 'no status';
}

/** Stale since when, for the expected reason, naming the cluster. */
export function staleFor(reason: string): ChainCheck {
  return (chain, ctx) => {
    if (chain.error || chain.status?.state !== 'stale') {
      return describe(chain);
    }
    if (chain.status.reason !== reason || !chain.status.since) {
      return `stale for ${chain.status.reason}, since ${chain.status.since}`;
    }
    if (chain.services.length === 0) {
      return 'stale without its last data';
    }
    return named(chain, ctx);
  };
}

/** Current, or stale for a moment with a reason naming the cluster; never an error. */
export const currentOrBriefly: ChainCheck = (chain, ctx) => {
  if (chain.error) {
    return describe(chain);
  }
  if (chain.status?.state === 'stale') {
    return named(chain, ctx);
  }
  return chain.status?.state === 'current' ? undefined : describe(chain);
};

/** Not an error, and the answer shows the injected object by name. */
export function shows(name: string): ChainCheck {
  return chain => {
    if (chain.error) {
      return describe(chain);
    }
    return JSON.stringify(chain).includes(`"${name}"`)
      ? undefined
      : `${name} is not in the answer`;
  };
}

export function replicasOf(
  deployment: string,
  expected: number,
): { entity: string; check: ChainCheck } {
  return {
    entity: deployment,
    check: chain => {
      const d = chain.deployments.find(x => x.ref.name === deployment);
      return d?.replicas.desired === expected
        ? undefined
        : `current, but ${deployment} wants ${d?.replicas.desired} replicas, not ${expected}`;
    },
  };
}

/** The cluster answers current (what `Fault.back` defaults to). */
export const current: ChainCheck = chain =>
  !chain.error && (chain.status?.state ?? 'current') === 'current'
    ? undefined
    : describe(chain);
