/*
 * The live cluster's objects of the kinds the chain engine reads, listed
 * with the user's kubeconfig (its current context, or --context), in every
 * namespace or only in --namespace ones.
 */
import { KubeConfig } from '@kubernetes/client-node';
import path from 'node:path';
import {
  ClusterError,
  KindInfo,
  KubeObject,
  LiveObjects,
  WATCHED_KINDS,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import { InputError } from '../errors';
import { KubeHttpError, KubeReader } from './KubeReader';

/** Which cluster to read, and how. @public */
export interface ClusterAccess {
  /** A kubeconfig file; default `$KUBECONFIG` or `~/.kube/config`. */
  kubeconfig?: string;
  /** The directory a relative `kubeconfig` is read from. */
  cwd: string;
  /** A context of the kubeconfig; default its current context. */
  context?: string;
  /** Only these namespaces; default all. */
  namespaces?: readonly string[];
  /** Deadline of one request. */
  timeoutMs: number;
}

/** The live objects, and which context and server they came from. @public */
export interface LiveCluster extends LiveObjects {
  context: string;
  server: string;
}

/** API versions tried in order, for APIs whose CRDs serve several. */
const VERSIONS: Record<NonNullable<KindInfo['optional']>, string[]> = {
  istio: ['v1', 'v1beta1', 'v1alpha3'],
  'gateway-api': ['v1', 'v1beta1'],
};

const PAGE_SIZE = '500';

/**
 * Reads every watched kind from the cluster. A kind the credentials may not
 * list (403) becomes a warning and the others are still read; a cluster
 * that cannot be reached or refuses the credentials is an InputError.
 *
 * @public
 */
export async function readLiveCluster(
  access: ClusterAccess,
): Promise<LiveCluster> {
  const kc = loadKubeConfig(access);
  const reader = new KubeReader(kc, access.timeoutMs);
  const context = kc.getCurrentContext();
  const kinds = Object.keys(WATCHED_KINDS) as WatchedKind[];
  const results = await Promise.all(
    kinds.map(kind => readKind(reader, kind, access.namespaces, context)),
  );
  if (!results.some(r => r.readable)) {
    throw new InputError(
      `the credentials of context "${context}" may not list any of the kinds the chain engine reads${
        access.namespaces?.length
          ? ` in ${access.namespaces.join(', ')}`
          : ' across all namespaces; name the namespaces they may read with --namespace'
      } (${results.flatMap(r => r.warnings)[0]?.message ?? 'forbidden'})`,
    );
  }
  const served = (api: KindInfo['optional']) =>
    kinds.some(
      (k, i) =>
        (WATCHED_KINDS[k] as KindInfo).optional === api && results[i].served,
    );
  return {
    clusterName: context,
    context,
    server: reader.server,
    objects: results.flatMap(r => r.objects),
    istio: served('istio'),
    gatewayApi: served('gateway-api'),
    warnings: results.flatMap(r => r.warnings),
    observedAt: new Date().toISOString(),
  };
}

function loadKubeConfig(access: ClusterAccess): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (access.kubeconfig) {
      kc.loadFromFile(path.resolve(access.cwd, access.kubeconfig));
    } else {
      kc.loadFromDefault();
    }
  } catch (e) {
    throw new InputError(
      `cannot read the kubeconfig ${
        access.kubeconfig ?? '(KUBECONFIG or ~/.kube/config)'
      }: ${(e as Error).message}`,
    );
  }
  if (access.context) {
    if (!kc.getContextObject(access.context)) {
      throw new InputError(
        `the kubeconfig has no context "${access.context}"; its contexts are ${
          kc
            .getContexts()
            .map(c => c.name)
            .join(', ') || 'none'
        }`,
      );
    }
    kc.setCurrentContext(access.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new InputError(
      `the kubeconfig's context "${kc.getCurrentContext()}" names no cluster; pass --context with one that does`,
    );
  }
  return kc;
}

interface KindRead {
  /** Whether the cluster serves the kind at all. */
  served: boolean;
  /** Whether it could be listed in at least one of the namespaces asked for. */
  readable: boolean;
  objects: KubeObject[];
  warnings: ClusterError[];
}

/**
 * One kind, in each namespace asked for (or all), in the first version the
 * cluster serves.
 */
async function readKind(
  reader: KubeReader,
  kind: WatchedKind,
  namespaces: readonly string[] | undefined,
  context: string,
): Promise<KindRead> {
  const info = WATCHED_KINDS[kind] as KindInfo;
  const versions = info.optional ? VERSIONS[info.optional] : [info.version];
  const scopes = namespaces?.length ? namespaces : [undefined];
  for (const version of versions) {
    const read = await readVersion(reader, info, version, scopes, context);
    if (read) return read;
  }
  return { served: false, readable: false, objects: [], warnings: [] };
}

/**
 * One version of a kind in each scope; nothing when the version (or the
 * whole API) is not served. A namespace the credentials may not list it
 * in becomes a warning.
 */
async function readVersion(
  reader: KubeReader,
  info: KindInfo,
  version: string,
  scopes: ReadonlyArray<string | undefined>,
  context: string,
): Promise<KindRead | undefined> {
  const read: KindRead = {
    served: true,
    readable: false,
    objects: [],
    warnings: [],
  };
  for (const ns of scopes) {
    try {
      read.objects.push(...(await listAll(reader, info, version, ns)));
      read.readable = true;
    } catch (e) {
      if (e instanceof KubeHttpError && e.statusCode === 404) {
        return undefined;
      }
      if (!(e instanceof KubeHttpError && e.statusCode === 403)) {
        throw unreadable(e as Error, reader.server, context);
      }
      read.warnings.push({
        reason: 'forbidden',
        statusCode: 403,
        resource: ns ? `${info.plural} in ${ns}` : info.plural,
        message: e.message,
      });
    }
  }
  return read;
}

/** Every page of a list, each item with its apiVersion and kind. */
async function listAll(
  reader: KubeReader,
  info: KindInfo,
  version: string,
  namespace: string | undefined,
): Promise<KubeObject[]> {
  const apiVersion = info.group ? `${info.group}/${version}` : version;
  const base = info.group ? `/apis/${apiVersion}` : `/api/${version}`;
  const listPath = `${base}${
    namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  }/${info.plural}`;
  const out: KubeObject[] = [];
  let next: string | undefined;
  do {
    const page: any = await reader.get(listPath, {
      limit: PAGE_SIZE,
      ...(next && { continue: next }),
    });
    for (const item of Array.isArray(page?.items) ? page.items : []) {
      out.push({ apiVersion, kind: info.kind, ...item });
    }
    next = page?.metadata?.continue || undefined;
  } while (next);
  return out;
}

function unreadable(e: Error, server: string, context: string): InputError {
  if (e instanceof KubeHttpError && e.statusCode === 401) {
    return new InputError(
      `the cluster of context "${context}" (${server}) refused the kubeconfig's credentials (401 Unauthorized): ${e.message}`,
    );
  }
  return new InputError(
    `cannot read the cluster of context "${context}" (${server}): ${e.message}`,
  );
}
