/*
 * A test-only window on the mesh backend's watch caches, for the fault
 * suite: the backend process replaces the chain engine service with the
 * default engine wrapped so that it remembers, per cluster, the cache view
 * it was last asked to resolve a chain from. That view is the live cache
 * (one long-lived object per cluster), so `digest()` reads what the cache
 * holds now, object by object, without any route of the plugin.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { meshChainEngineServiceRef } from '@mesh-chain/plugin-mesh-backend/alpha';
import {
  ChainEngine,
  ClusterSnapshot,
  defaultChainEngine,
  WATCHED_KINDS,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';

/** Cluster -> `kind/namespace/name` -> resourceVersion. */
export type CacheDigest = Record<string, Record<string, string>>;

/** The key of an object in a digest. */
export function digestKey(
  kind: string,
  namespace: string | undefined,
  name: string,
): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export class CacheObserver {
  private readonly views = new Map<string, ClusterSnapshot>();

  /** The chain engine service: the default engine, observed. */
  serviceFactory() {
    const views = this.views;
    const engine: ChainEngine = {
      resolve(snapshot, target, options) {
        if (snapshot.source === 'cache') {
          views.set(snapshot.clusterName, snapshot);
        }
        return defaultChainEngine.resolve(snapshot, target, options);
      },
      simulate: (chain, request, options) =>
        defaultChainEngine.simulate(chain, request, options),
    };
    return createServiceFactory({
      service: meshChainEngineServiceRef,
      deps: {},
      factory: () => engine,
    });
  }

  /** What each observed cache holds now. */
  digest(): CacheDigest {
    const out: CacheDigest = {};
    for (const [cluster, view] of this.views) {
      const objects: Record<string, string> = {};
      for (const kind of Object.keys(WATCHED_KINDS) as WatchedKind[]) {
        for (const o of view.list(kind)) {
          objects[digestKey(kind, o.metadata.namespace, o.metadata.name)] =
            o.metadata.resourceVersion ?? '';
        }
      }
      out[cluster] = objects;
    }
    return out;
  }
}
