import type { Config } from '@backstage/config';
import { ConfigReader, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import type { CacheSettings } from './services/cluster/ClusterCache';

/** The `mesh.*` settings, with defaults applied. */
export interface MeshSettings {
  clusterDomain: string;
  /** Deadline for answering a page view, per cluster. */
  requestTimeoutMs: number;
  cache: CacheSettings;
  /**
   * How often clusters of the `catalog` locator are read again, and the
   * watch caches matched to the cluster list.
   */
  clusterRefreshMs: number;
  /** Most memoized chains kept (per target and cluster). */
  maxChains: number;
  live: {
    /** Quiet time after a change before chains are resolved again. */
    debounceMs: number;
    /** Longest a burst of changes can delay the update. */
    maxWaitMs: number;
    /** How long after a page view an entity keeps getting live updates. */
    interestWindowMs: number;
    /** Most entities followed for live updates. */
    maxEntities: number;
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function durationMs(
  config: Config,
  prefix: string,
  key: string,
  fallbackMs: number,
  minMs: number,
): number {
  if (!config.has(key)) {
    return fallbackMs;
  }
  let ms: number;
  try {
    const value = config.get(key);
    if (typeof value === 'number') {
      ms = value;
    } else {
      ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
    }
  } catch (error) {
    throw new InputError(
      `Invalid ${prefix}.${key}: ${
        (error as Error).message
      }; use a duration such as '10s', '5m' or { seconds: 10 }, or a number of milliseconds`,
    );
  }
  if (!Number.isFinite(ms) || ms < minMs) {
    throw new InputError(
      `Invalid ${prefix}.${key}: ${ms} ms is below the minimum of ${minMs} ms`,
    );
  }
  return ms;
}

function positiveInt(
  config: Config,
  prefix: string,
  key: string,
  fallback: number,
): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(
      `Invalid ${prefix}.${key}: ${value}; expected a whole number of at least 1`,
    );
  }
  return value;
}

/** Reads and validates `mesh.*`; every setting is optional. */
export function readMeshSettings(root: Config): MeshSettings {
  const empty = new ConfigReader({});
  const mesh = root.getOptionalConfig('mesh') ?? empty;

  const clusterDomain = (
    mesh.getOptionalString('clusterDomain') ?? 'cluster.local'
  ).replace(/\.$/, '');
  if (!DNS_SUBDOMAIN.test(clusterDomain)) {
    throw new InputError(
      `Invalid mesh.clusterDomain '${clusterDomain}'; expected a DNS domain such as cluster.local`,
    );
  }

  let namespaces: string[] | undefined;
  if (mesh.has('namespaces')) {
    namespaces = mesh.getStringArray('namespaces');
    const bad = namespaces.find(ns => !DNS_LABEL.test(ns));
    if (bad !== undefined) {
      throw new InputError(
        `Invalid namespace '${bad}' in mesh.namespaces; namespaces are lower-case DNS labels such as 'shop'`,
      );
    }
    if (namespaces.length === 0) {
      throw new InputError(
        'mesh.namespaces is empty; remove it to watch all namespaces, or list the namespaces to watch (include the ingress gateway namespace, e.g. istio-system)',
      );
    }
  }

  const cache = mesh.getOptionalConfig('cache') ?? empty;
  const live = mesh.getOptionalConfig('live') ?? empty;
  const requestTimeoutMs = durationMs(
    mesh,
    'mesh',
    'requestTimeout',
    10_000,
    100,
  );

  return {
    clusterDomain,
    requestTimeoutMs,
    clusterRefreshMs: durationMs(
      mesh,
      'mesh',
      'catalogClusterRefreshInterval',
      30_000,
      10,
    ),
    maxChains: positiveInt(cache, 'mesh.cache', 'maxChains', 5000),
    cache: {
      requestTimeoutMs,
      ...(namespaces && { namespaces }),
      watchTimeoutSeconds: Math.round(
        durationMs(cache, 'mesh.cache', 'watchTimeout', 300_000, 1000) / 1000,
      ),
      relistIntervalMs: cache.has('relistInterval')
        ? durationMs(cache, 'mesh.cache', 'relistInterval', 0, 60_000)
        : 3_600_000,
      crdRecheckIntervalMs: durationMs(
        cache,
        'mesh.cache',
        'crdRecheckInterval',
        300_000,
        1000,
      ),
      backoff: {
        initialMs: 500,
        maxMs: durationMs(cache, 'mesh.cache', 'maxBackoff', 5_000, 100),
      },
      maxObjects: positiveInt(
        cache,
        'mesh.cache',
        'maxObjectsPerCluster',
        250_000,
      ),
      pageSize: positiveInt(cache, 'mesh.cache', 'pageSize', 250),
    },
    live: {
      debounceMs: durationMs(live, 'mesh.live', 'debounce', 250, 0),
      maxWaitMs: 1000,
      interestWindowMs: durationMs(
        live,
        'mesh.live',
        'interestWindow',
        3_600_000,
        1000,
      ),
      maxEntities: positiveInt(live, 'mesh.live', 'maxEntities', 1000),
    },
  };
}
