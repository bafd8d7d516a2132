/*
 * The oracle of the fault suite: a fresh list of every kind the mesh
 * backend watches, straight from the cluster (through the proxy, with its
 * faults off, so hostile objects still served count too), compared object
 * by object, by resourceVersion, with what the backend's cache holds.
 */
import http from 'http';
import {
  KindInfo,
  WATCHED_KINDS,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import { digestKey } from './CacheObserver';

/** `kind/namespace/name` -> resourceVersion. */
export type ObjectVersions = Record<string, string>;

function getJson(
  url: string,
  token: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      {
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () =>
      req.destroy(new Error(`GET ${url} timed out`)),
    );
    req.on('error', reject);
  });
}

/** Every watched object of a cluster now, as a fresh list shows it. */
export async function freshList(
  baseUrl: string,
  token: string,
): Promise<ObjectVersions> {
  const out: ObjectVersions = {};
  await Promise.all(
    (Object.keys(WATCHED_KINDS) as WatchedKind[]).map(async kind => {
      const info: KindInfo = WATCHED_KINDS[kind];
      const path = info.group
        ? `/apis/${info.group}/${info.version}/${info.plural}`
        : `/api/${info.version}/${info.plural}`;
      let next: string | undefined;
      do {
        const url = new URL(path, baseUrl);
        url.searchParams.set('limit', '500');
        if (next) {
          url.searchParams.set('continue', next);
        }
        const { status, body } = await getJson(url.toString(), token);
        if (status === 404 && info.optional) {
          return; // not served: nothing to hold
        }
        if (status !== 200) {
          throw new Error(`GET ${path} answered ${status}`);
        }
        for (const o of body.items ?? []) {
          out[digestKey(kind, o.metadata?.namespace, o.metadata?.name)] =
            o.metadata?.resourceVersion ?? '';
        }
        next = body.metadata?.continue || undefined;
      } while (next);
    }),
  );
  return out;
}

/** How a cache differs from a fresh list. */
export interface CacheDifference {
  /** In the cluster, not in the cache. */
  missing: string[];
  /** In the cache at another resourceVersion. */
  stale: string[];
  /** In the cache, gone from the cluster. */
  extra: string[];
}

export function compareWithCluster(
  cache: ObjectVersions,
  cluster: ObjectVersions,
): CacheDifference {
  const diff: CacheDifference = { missing: [], stale: [], extra: [] };
  for (const [key, rv] of Object.entries(cluster)) {
    if (!(key in cache)) {
      diff.missing.push(key);
    } else if (cache[key] !== rv) {
      diff.stale.push(key);
    }
  }
  for (const key of Object.keys(cache)) {
    if (!(key in cluster)) {
      diff.extra.push(key);
    }
  }
  return diff;
}

export function differenceCount(diff: CacheDifference): number {
  return diff.missing.length + diff.stale.length + diff.extra.length;
}
