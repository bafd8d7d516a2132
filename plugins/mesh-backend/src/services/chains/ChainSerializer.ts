/*
 * The JSON of a chain answer, reusing what was serialized when a cache
 * cluster's chain was resolved: a warm page view serializes only what
 * changes per request (timestamps, warnings, status), not the chain.
 */
import type {
  ClusterChain,
  MeshChainResponse,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { ASSEMBLED_KEYS } from './clusterAnswer';

/** JSON members of an object without some keys, e.g. `"a":1,"b":2`. */
function jsonMembers(obj: object, without: readonly string[]): string {
  const copy: Record<string, unknown> = { ...obj };
  for (const key of without) {
    delete copy[key];
  }
  return JSON.stringify(copy).slice(1, -1);
}

/**
 * Serializes chain answers equal to `JSON.stringify`, with the resolved
 * part of memoized chains serialized once (when they were resolved).
 */
export class ChainSerializer {
  /**
   * Per assembled chain of a cache cluster: the JSON members of its
   * resolved part (everything but `ASSEMBLED_KEYS`), kept while the chain
   * object lives.
   */
  private readonly resolvedJsonByChain = new WeakMap<ClusterChain, string>();

  /** The JSON members of a resolved chain, as `serialize` splices them. */
  resolvedJson(resolved: ResolvedClusterChain): string {
    return jsonMembers(resolved, ASSEMBLED_KEYS);
  }

  /**
   * Notes that `chain` is `assemble(..., resolved, ...)` where `resolvedJson`
   * is `this.resolvedJson(resolved)`.
   */
  remember(chain: ClusterChain, resolvedJson: string): void {
    this.resolvedJsonByChain.set(chain, resolvedJson);
  }

  /** The response as JSON, equal to `JSON.stringify(response)`. */
  serialize(response: MeshChainResponse): string {
    const clusters = response.clusters.map(chain => this.chainJson(chain));
    const rest = jsonMembers(response, ['clusters']);
    return `{${rest}${rest ? ',' : ''}"clusters":[${clusters.join(',')}]}`;
  }

  private chainJson(chain: ClusterChain): string {
    const resolvedJson = this.resolvedJsonByChain.get(chain);
    if (resolvedJson === undefined) {
      return JSON.stringify(chain);
    }
    const assembled = JSON.stringify(
      Object.fromEntries(
        ASSEMBLED_KEYS.filter(k => chain[k] !== undefined).map(k => [
          k,
          chain[k],
        ]),
      ),
    );
    return resolvedJson
      ? `${assembled.slice(0, -1)},${resolvedJson}}`
      : assembled;
  }
}
