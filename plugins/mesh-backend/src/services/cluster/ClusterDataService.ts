import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterError } from '@mesh-chain/plugin-mesh-common';
import {
  classifyClusterError,
  MeshCluster,
  MeshClustersService,
  MeshUserAuth,
} from '@mesh-chain/plugin-mesh-node';
import {
  ClusterSnapshot,
  KindInfo,
  WATCHED_KINDS,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import {
  CacheChange,
  CacheSettings,
  ClusterCache,
  ClusterCacheStatus,
} from './ClusterCache';
import { KubeStatusError, KubeTransport } from './KubeTransport';
import { ObjectStore } from './ObjectStore';
import { Semaphore } from './Semaphore';
import { keepChainFields } from './trimObject';

/** One read of a direct (per-request) fetch. */
export interface DirectRead {
  kind: WatchedKind;
  namespace?: string;
  labelSelector?: string;
}

/** The outcome of direct reads: a snapshot, or why the cluster is unreadable. */
export interface DirectReadResult {
  snapshot: ClusterSnapshot;
  store: ObjectStore;
  /** Set when no core kind could be read at all. */
  error?: ClusterError;
}

const VERSIONS: Record<string, string[]> = {
  'networking.istio.io': ['v1', 'v1beta1'],
  'gateway.networking.k8s.io': ['v1', 'v1beta1'],
};

/** Raised when a user-auth cluster is read without the user's credential. */
export class MeshCredentialsError extends Error {
  readonly name = 'MeshCredentialsError';
}

/**
 * The data layer: a watch cache per cluster with server-side credentials
 * (started eagerly, so the first page view is already warm), and direct,
 * uncached reads with the user's own credential for the others.
 */
export class ClusterDataService {
  private readonly caches = new Map<
    string,
    { cache: ClusterCache; signature: string }
  >();
  /** List pages being fetched and parsed at once, over all clusters. */
  private readonly listSlots = new Semaphore(2);
  private readonly listeners = new Set<
    (cluster: string, change: CacheChange) => void
  >();
  private readonly statusListeners = new Set<(cluster: string) => void>();
  private started = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly clusters: MeshClustersService,
    private readonly settings: CacheSettings,
    private readonly logger: LoggerService,
    private readonly onRequest?: (cluster: string, path: string) => void,
    /** How often the caches are matched to the cluster list (0: only on calls). */
    private readonly reconcileIntervalMs = 30_000,
  ) {}

  /**
   * Starts a watch cache for every cluster with server-side credentials,
   * then keeps the caches in step with the cluster list (clusters of the
   * catalog locator come and go): on every `listClusters()` and every
   * `reconcileIntervalMs`.
   */
  async start(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.started = true;
    await this.listClusters();
    if (this.reconcileIntervalMs > 0 && !this.stopped && !this.timer) {
      this.timer = setInterval(() => {
        this.listClusters().catch(error =>
          this.logger.warn(`mesh: could not list the clusters: ${error}`),
        );
      }, this.reconcileIntervalMs);
      // Never keeps the process (or a test) alive on its own.
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    await Promise.all([...this.caches.values()].map(c => c.cache.stop()));
  }

  /** The clusters now; starts and stops caches to match them. */
  async listClusters(): Promise<MeshCluster[]> {
    const clusters = await this.clusters.listClusters();
    this.reconcile(clusters);
    return clusters;
  }

  /**
   * Stops and drops the caches of clusters that are gone (or whose
   * connection settings changed), and, once started, starts caches for new
   * server-credential clusters.
   */
  private reconcile(clusters: MeshCluster[]) {
    if (this.stopped) {
      return;
    }
    const wanted = new Map(
      clusters.filter(c => c.authMode === 'server').map(c => [c.name, c]),
    );
    for (const [name, entry] of [...this.caches]) {
      const cluster = wanted.get(name);
      if (!cluster || signature(cluster) !== entry.signature) {
        this.caches.delete(name);
        this.logger.info(
          `mesh: cluster '${name}' ${
            cluster ? 'changed' : 'is no longer configured'
          }; its watch cache is stopped`,
        );
        entry.cache
          .stop()
          .catch(error =>
            this.logger.warn(
              `mesh: stopping the cache of cluster '${name}' failed: ${error}`,
            ),
          );
      }
    }
    if (this.started) {
      for (const cluster of wanted.values()) {
        this.cacheFor(cluster);
      }
    }
  }

  /** Called with a cluster's name and the change whenever its cache changes. */
  onChange(
    listener: (cluster: string, change: CacheChange) => void,
  ): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called with a cluster's name whenever its cache's status changes
   * (`syncing`, `current`, `stale`, `error`) or its warnings do.
   */
  onStatusChange(listener: (cluster: string) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  cacheStatus(cluster: MeshCluster): ClusterCacheStatus | undefined {
    return cluster.authMode === 'server'
      ? this.cacheFor(cluster).status()
      : undefined;
  }

  /**
   * The watch cache of a server-credential cluster (created on first use,
   * and started right away once the service has started).
   */
  cacheFor(cluster: MeshCluster): ClusterCache {
    const existing = this.caches.get(cluster.name);
    if (existing && existing.signature === signature(cluster)) {
      return existing.cache;
    }
    if (existing) {
      // The cluster was configured anew (e.g. its catalog entity changed).
      this.caches.delete(cluster.name);
      existing.cache.stop().catch(() => {});
    }
    const cache = new ClusterCache(
      cluster.name,
      this.transportFor(cluster),
      this.settings,
      this.logger.child({ cluster: cluster.name }),
      this.listSlots,
    );
    cache.onChange(change => {
      for (const listener of this.listeners) {
        listener(cluster.name, change);
      }
    });
    cache.onStatusChange(() => {
      for (const listener of this.statusListeners) {
        listener(cluster.name);
      }
    });
    this.caches.set(cluster.name, { cache, signature: signature(cluster) });
    if (this.stopped) {
      cache.stop();
    } else if (this.started) {
      cache.start();
    }
    return cache;
  }

  /** Names of the clusters that have a watch cache now. */
  cachedClusterNames(): string[] {
    return [...this.caches.keys()];
  }

  transportFor(cluster: MeshCluster, userAuth?: MeshUserAuth): KubeTransport {
    return new KubeTransport(
      async () => {
        try {
          return await this.clusters.getKubeConfig(cluster, {
            ...(userAuth && { userAuth }),
          });
        } catch (error) {
          if (cluster.authMode === 'user') {
            throw new MeshCredentialsError(
              `Cluster '${cluster.name}' uses the '${
                cluster.authProvider
              }' auth provider, which needs the signed-in user's credential: send it in the backstage-mesh-auth header, e.g. ${exampleAuth(
                cluster.authProvider,
              )} (${(error as Error).message})`,
            );
          }
          throw error;
        }
      },
      {
        requestTimeoutMs: this.settings.requestTimeoutMs,
        onRequest: path => this.onRequest?.(cluster.name, path),
      },
    );
  }

  /**
   * Reads one object of a watched kind from its cluster (one GET): with
   * the credential the cluster's cache uses, or the user's for clusters
   * with `authMode: user`. `apiVersion` must be one the kind is served
   * at (as `watchedKindOf` checks). Throws what the transport throws
   * (`KubeStatusError` for an answer other than 2xx).
   */
  async readObject(
    cluster: MeshCluster,
    userAuth: MeshUserAuth | undefined,
    kind: WatchedKind,
    ref: { apiVersion: string; namespace?: string; name: string },
  ): Promise<unknown> {
    const info: KindInfo = WATCHED_KINDS[kind];
    const version = ref.apiVersion.split('/').pop()!;
    const base = info.group
      ? `/apis/${info.group}/${encodeURIComponent(version)}`
      : `/api/${encodeURIComponent(version)}`;
    const scope = ref.namespace
      ? `/namespaces/${encodeURIComponent(ref.namespace)}`
      : '';
    const transport = this.transportFor(
      cluster,
      cluster.authMode === 'user' ? userAuth : undefined,
    );
    return transport.getJson(
      `${base}${scope}/${info.plural}/${encodeURIComponent(ref.name)}`,
    );
  }

  /**
   * Reads the given kinds once with the user's credential (never cached,
   * never shared between users), in parallel, into a fresh store.
   */
  async readDirect(
    cluster: MeshCluster,
    userAuth: MeshUserAuth | undefined,
    reads: DirectRead[],
    into?: DirectReadResult,
  ): Promise<DirectReadResult> {
    const transport = this.transportFor(cluster, userAuth);
    const store = into?.store ?? new ObjectStore();
    const failures = new Map<WatchedKind, ClusterError>();
    const served = new Map<WatchedKind, boolean>();
    let credentialsError: ClusterError | undefined;

    await Promise.all(
      reads.map(async read => {
        const info: KindInfo = WATCHED_KINDS[read.kind];
        const versions = info.optional
          ? VERSIONS[info.group] ?? [info.version]
          : [info.version];
        for (const version of versions) {
          const base = info.group
            ? `/apis/${info.group}/${version}`
            : `/api/${version}`;
          const path = read.namespace
            ? `${base}/namespaces/${encodeURIComponent(read.namespace)}/${
                info.plural
              }`
            : `${base}/${info.plural}`;
          try {
            let continueToken: string | undefined;
            let total = 0;
            do {
              const page = await transport.getJson(path, {
                labelSelector: read.labelSelector,
                limit: this.settings.pageSize,
                continue: continueToken,
              });
              for (const raw of Array.isArray(page?.items) ? page.items : []) {
                const { object } = keepChainFields(read.kind, raw, {
                  apiVersion: info.group ? `${info.group}/${version}` : version,
                  kind: info.kind,
                });
                if (object && ++total <= this.settings.maxObjects) {
                  store.upsert(read.kind, object);
                }
              }
              continueToken = page?.metadata?.continue || undefined;
            } while (continueToken);
            served.set(read.kind, true);
            return;
          } catch (error) {
            if (
              error instanceof KubeStatusError &&
              error.statusCode === 404 &&
              info.optional
            ) {
              served.set(read.kind, served.get(read.kind) ?? false);
              continue;
            }
            const classified = classifyClusterError(error, {
              cluster: cluster.name,
              resource: info.plural,
            });
            if ((error as Error)?.name === 'MeshCredentialsError') {
              credentialsError = {
                reason: 'credentials',
                message: (error as Error).message,
              };
            }
            failures.set(read.kind, classified);
            return;
          }
        }
      }),
    );

    const previous = into ? (into.snapshot as any) : undefined;
    const warnings: ClusterError[] = [
      ...(previous?.warnings ?? []),
      ...failures.values(),
    ];
    const coreReads = reads.filter(
      r => !(WATCHED_KINDS[r.kind] as KindInfo).optional,
    );
    let error: ClusterError | undefined = into?.error;
    if (
      !into &&
      coreReads.length > 0 &&
      coreReads.every(r => failures.has(r.kind))
    ) {
      const first = failures.get(coreReads[0].kind)!;
      const { resource: _resource, ...rest } = first;
      error = credentialsError ?? rest;
    }
    const istio =
      previous?.istio ??
      [...served.entries()].some(
        ([kind, ok]) =>
          ok && (WATCHED_KINDS[kind] as KindInfo).optional === 'istio',
      );
    const gatewayApi =
      previous?.gatewayApi ??
      [...served.entries()].some(
        ([kind, ok]) =>
          ok && (WATCHED_KINDS[kind] as KindInfo).optional === 'gateway-api',
      );
    const meta = {
      clusterName: cluster.name,
      source: 'direct' as const,
      observedAt: new Date().toISOString(),
      istio,
      gatewayApi,
      warnings: error ? [] : dedupe(warnings),
    };
    return { snapshot: store.snapshot(() => meta), store, error };
  }
}

/**
 * Signatures by cluster object: the cluster service hands out the same
 * objects until a cluster changes, so a page view's reconcile does not
 * serialize CA bundles again.
 */
const signatures = new WeakMap<MeshCluster, string>();

/** What a cache depends on: a change means a new cache. */
function signature(cluster: MeshCluster): string {
  let known = signatures.get(cluster);
  if (known === undefined) {
    known = computeSignature(cluster);
    signatures.set(cluster, known);
  }
  return known;
}

function computeSignature(cluster: MeshCluster): string {
  return JSON.stringify([
    cluster.url,
    cluster.authProvider,
    cluster.skipTLSVerify,
    cluster.caData ?? null,
    cluster.caFile ?? null,
  ]);
}

function dedupe(errors: ClusterError[]): ClusterError[] {
  const seen = new Set<string>();
  return errors.filter(e => {
    const key = `${e.resource}|${e.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

function exampleAuth(provider: string): string {
  if (provider === 'oidc') {
    return '{"oidc":{"<oidcTokenProvider>":"<id token>"}}';
  }
  return `{"${provider}":"<token>"}`;
}
