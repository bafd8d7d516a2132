import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ClusterError,
  ClusterStatus,
} from '@mesh-chain/plugin-mesh-common';
import { classifyClusterError } from '@mesh-chain/plugin-mesh-node';
import {
  ClusterSnapshot,
  KindInfo,
  KubeObject,
  WATCHED_KINDS,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import {
  clusterErrorOf,
  KindState,
  observedAtOf,
  statusOf,
  warningsOf,
} from './cacheStatus';
import { KubeStatusError, KubeTransport, WatchEvent } from './KubeTransport';
import { ObjectStore } from './ObjectStore';
import { backoffMs, RetryGate } from './RetryGate';
import { Semaphore } from './Semaphore';
import { keepChainFields } from './trimObject';

/** Tuning of the watch caches (from `mesh.*` config). */
export interface CacheSettings {
  /** Deadline of one HTTP request to a cluster. */
  requestTimeoutMs: number;
  /** Watch only these namespaces; all when undefined. */
  namespaces?: string[];
  /** Server-side watch timeout; each watch gets it +-20% (jitter). */
  watchTimeoutSeconds: number;
  /** Full relist of every kind this often, to repair missed events; 0 = never. */
  relistIntervalMs: number;
  /** How often kinds whose CRDs are not installed are checked again. */
  crdRecheckIntervalMs: number;
  /**
   * Backoff after failures: from `initialMs`, doubling up to `maxMs`, with
   * jitter; cut short for every kind as soon as any request succeeds.
   */
  backoff: { initialMs: number; maxMs: number };
  /** Most objects held for one cluster; a kind that would exceed it is not cached. */
  maxObjects: number;
  /** `limit` of each list page. */
  pageSize: number;
}

/**
 * One change to a cache: an object added, modified or deleted (with its
 * labels before and after), or a whole kind replaced (`bulk`: a relist, or
 * the kind's CRD went away).
 */
export interface CacheChange {
  kind: WatchedKind;
  bulk?: boolean;
  namespace?: string;
  name?: string;
  /** Labels before and after the change (either may be absent). */
  labels?: Array<Record<string, string> | undefined>;
  /** The object before and after the change (either may be absent). */
  objects?: Array<KubeObject | undefined>;
}

/** The state of a cluster's cache, as `GET /clusters` shows it. */
export interface ClusterCacheStatus {
  state: 'syncing' | 'ready' | 'degraded' | 'stale' | 'error' | 'stopped';
  /** How current the data is, as chain answers report it. */
  status: ClusterStatus;
  objects: number;
  observedAt?: string;
  istio?: boolean;
  gatewayApi?: boolean;
  error?: ClusterError;
  warnings: ClusterError[];
}

/** How often the same failure of a cluster is logged as a warning. */
const LOG_EVERY_MS = 5 * 60_000;

/** Versions to try, in order, for the optional APIs. */
const FALLBACK_VERSIONS: Record<string, string[]> = {
  'networking.istio.io': ['v1', 'v1beta1'],
  'gateway.networking.k8s.io': ['v1', 'v1beta1'],
};

/** A kind would exceed `maxObjects`. */
class CacheLimitError extends Error {
  readonly name = 'CacheLimitError';
}

class Gone extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Gone';
  }
}

/** A watch that was open ended with an error (cut off, silent, refused later). */
class WatchLost extends Error {
  constructor(readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'WatchLost';
  }
}

/** A watch that lived this long was healthy: its loss is not a failure streak. */
const HEALTHY_WATCH_MS = 10_000;

function isStatus(error: unknown, code: number): boolean {
  return error instanceof KubeStatusError && error.statusCode === code;
}

/**
 * The watch-driven cache of one cluster: for every kind in WATCHED_KINDS (in
 * all namespaces, or in each of `namespaces`), list then watch from the
 * list's resourceVersion with bookmarks; resume a watch that was cut off
 * from the last resourceVersion seen; relist on 410 Gone and after any
 * failure; back off with jitter on failures, until any request to the
 * cluster succeeds again; record kinds whose CRDs are missing and check them
 * again now and then. Once every kind is synced, reading the chain needs no
 * request.
 *
 * Its status says how current it is: `syncing` until every kind was tried,
 * `stale` from a failure until every kind that failed has been listed again
 * (never a mix of new and old kinds presented as current), `current`.
 * Listeners of `onStatusChange` hear each change of it.
 */
export class ClusterCache {
  readonly store = new ObjectStore();
  private readonly kinds = new Map<WatchedKind, KindState>();
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private readonly statusListeners = new Set<() => void>();
  private readonly aborts = new Set<() => void>();
  private readonly retries = new RetryGate();
  private readonly crdRechecks = new RetryGate();
  private readonly loggedFailures = new Map<string, number>();
  private readonly startedAt = Date.now();
  /** When the cache went stale, until it is current again. */
  private outageSince?: number;
  private lastStatusKey = '';
  private started = false;
  private stopped = false;
  private initialWaiters: Array<() => void> = [];

  constructor(
    readonly clusterName: string,
    private readonly transport: KubeTransport,
    private readonly settings: CacheSettings,
    private readonly logger: LoggerService,
    private readonly listSlots: Semaphore = new Semaphore(2),
  ) {
    for (const [kind, info] of Object.entries(WATCHED_KINDS) as Array<
      [WatchedKind, KindInfo]
    >) {
      this.kinds.set(kind, {
        kind,
        info,
        version: info.version,
        absent: false,
        synced: false,
        attempted: false,
        watching: new Set(),
        failing: new Set(),
        malformed: new Map(),
      });
    }
  }

  /** Starts listing and watching every kind (idempotent). */
  start(): void {
    if (this.started || this.stopped) {
      return;
    }
    this.started = true;
    const scopes = this.settings.namespaces ?? [undefined];
    for (const state of this.kinds.values()) {
      for (const namespace of scopes) {
        this.runReflector(state, namespace).catch(error =>
          this.logger.error(
            `mesh cache for cluster '${this.clusterName}', ${state.kind}: reflector stopped unexpectedly: ${error}`,
          ),
        );
      }
    }
  }

  /** Stops every watch and timer. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const abort of this.aborts) {
      abort();
    }
    this.retries.stop();
    this.crdRechecks.stop();
    this.initialWaiters.forEach(w => w());
    this.initialWaiters = [];
  }

  /** Called after each change to the store. */
  onChange(listener: (change: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called when the cache's status changes (e.g. `syncing` to `current`,
   * `current` to `stale` and back), or its warnings do, with no object
   * necessarily changed.
   */
  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** True once every kind has been listed or has failed at least once. */
  get initialSyncDone(): boolean {
    return [...this.kinds.values()].every(k => k.attempted);
  }

  /** Resolves when every kind has been tried once, or after `timeoutMs`. */
  async waitForInitialSync(timeoutMs: number): Promise<boolean> {
    if (this.initialSyncDone || this.stopped) {
      return this.initialSyncDone;
    }
    this.start();
    await new Promise<void>(resolve => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      const waiters = this.initialWaiters;
      function done() {
        clearTimeout(timer);
        const index = waiters.indexOf(done);
        if (index >= 0) {
          waiters.splice(index, 1);
        }
        resolve();
      }
      waiters.push(done);
    });
    return this.initialSyncDone;
  }

  /** The error that makes the whole cluster unreadable, if any. */
  clusterError(): ClusterError | undefined {
    return clusterErrorOf([...this.kinds.values()]);
  }

  /** Partial problems: kinds that could not be listed, malformed objects. */
  warnings(): ClusterError[] {
    return warningsOf(this.clusterName, [...this.kinds.values()]);
  }

  /**
   * How current the cache is, as chain answers report it. A stale cache
   * stays stale since the moment it went stale (not since its oldest kind
   * still behind), until every kind is current again.
   */
  dataStatus(): ClusterStatus {
    const status = statusOf(
      this.clusterName,
      [...this.kinds.values()],
      this.startedAt,
      Date.now(),
      this.outageSince,
    );
    if (status.state === 'stale') {
      this.outageSince ??= Date.parse(status.since!);
    } else {
      this.outageSince = undefined;
    }
    return status;
  }

  private optionalServed(which: 'istio' | 'gateway-api'): boolean | undefined {
    const kinds = [...this.kinds.values()].filter(
      k => k.info.optional === which,
    );
    if (kinds.some(k => k.synced && !k.absent)) {
      return true;
    }
    if (kinds.every(k => k.absent)) {
      return false;
    }
    return undefined;
  }

  /** When the data was last known to be current. */
  observedAt(): string {
    return this.outageSince !== undefined
      ? new Date(this.outageSince).toISOString()
      : observedAtOf([...this.kinds.values()], Date.now());
  }

  status(): ClusterCacheStatus {
    const error = this.clusterError();
    const warnings = this.warnings();
    const status = this.dataStatus();
    let state: ClusterCacheStatus['state'];
    if (this.stopped) {
      state = 'stopped';
    } else if (status.state === 'syncing') {
      state = 'syncing';
    } else if (error) {
      state = 'error';
    } else if (status.state === 'stale') {
      state = 'stale';
    } else {
      state = warnings.length ? 'degraded' : 'ready';
    }
    const istio = this.optionalServed('istio');
    const gatewayApi = this.optionalServed('gateway-api');
    return {
      state,
      status,
      objects: this.store.size,
      ...(this.initialSyncDone && { observedAt: this.observedAt() }),
      ...(istio !== undefined && { istio }),
      ...(gatewayApi !== undefined && { gatewayApi }),
      ...(error && { error }),
      warnings,
    };
  }

  /**
   * The view of the cached objects for the chain logic: one long-lived
   * object per cluster, so that the chain logic's indexes survive between
   * requests and are rebuilt only for the kinds that changed.
   */
  snapshot(): ClusterSnapshot {
    return this.view;
  }

  private readonly view: ClusterSnapshot = this.store.snapshot(() => ({
    clusterName: this.clusterName,
    source: 'cache',
    observedAt: this.observedAt(),
    istio: this.optionalServed('istio') ?? false,
    gatewayApi: this.optionalServed('gateway-api') ?? false,
    warnings: this.warnings(),
  }));

  // -------------------------------------------------------------------------

  private emit(change: CacheChange) {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.warn(`mesh cache change listener failed: ${error}`);
      }
    }
  }

  private markAttempted(state: KindState) {
    if (!state.attempted) {
      state.attempted = true;
      if (this.initialSyncDone) {
        const waiters = this.initialWaiters;
        this.initialWaiters = [];
        waiters.forEach(w => w());
      }
    }
    this.statusMayHaveChanged();
  }

  /** Tells status listeners when the status (or the warnings) changed. */
  private statusMayHaveChanged() {
    const status = this.dataStatus();
    const key = [
      status.state,
      status.reason ?? '',
      status.since ?? '',
      ...this.warnings().map(w => `${w.reason}|${w.resource}|${w.message}`),
    ].join('\n');
    if (key === this.lastStatusKey) {
      return;
    }
    this.lastStatusKey = key;
    for (const listener of this.statusListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.warn(`mesh cache status listener failed: ${error}`);
      }
    }
  }

  /** A request to the cluster succeeded: kinds waiting to retry go now. */
  private answered() {
    if (this.retries.size > 0) {
      this.retries.recovered();
    }
  }

  private path(state: KindState, namespace: string | undefined): string {
    const { group, plural } = state.info;
    const base = group
      ? `/apis/${group}/${state.version}`
      : `/api/${state.version}`;
    return namespace
      ? `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}`
      : `${base}/${plural}`;
  }

  /**
   * Logs a failure as a warning once per cluster and cause every few
   * minutes (a dead cluster fails for every kind at once), else at debug.
   */
  private logFailure(state: KindState, error: ClusterError) {
    const perKind = error.reason === 'forbidden' || error.reason === 'unknown';
    const key = `${error.reason}|${error.statusCode ?? ''}|${
      perKind ? state.kind : ''
    }`;
    const now = Date.now();
    const message = `mesh cache ${this.clusterName}/${state.kind}: ${error.message} (retrying with backoff)`;
    if (now - (this.loggedFailures.get(key) ?? 0) > LOG_EVERY_MS) {
      this.loggedFailures.set(key, now);
      this.logger.warn(message);
    } else {
      this.logger.debug(message);
    }
  }

  private async runReflector(state: KindState, namespace: string | undefined) {
    const scope = namespace ?? '';
    let resourceVersion: string | undefined;
    let needList = true;
    let lastListAt = 0;
    let failures = 0;
    let resumedAfterLoss = false;
    const versions = state.info.optional
      ? FALLBACK_VERSIONS[state.info.group] ?? [state.info.version]
      : [state.info.version];

    while (!this.stopped) {
      try {
        if (
          this.settings.relistIntervalMs > 0 &&
          Date.now() - lastListAt > this.settings.relistIntervalMs
        ) {
          needList = true;
        }
        if (needList) {
          resourceVersion = await this.listWithFallback(
            state,
            namespace,
            versions,
          );
          lastListAt = Date.now();
          needList = false;
          failures = 0;
          resumedAfterLoss = false;
          this.listed(state, scope);
        }
        if (this.stopped) {
          // Stopped during the list: open no watch.
          break;
        }
        const startedAt = Date.now();
        resourceVersion = await this.watchOnce(
          state,
          namespace,
          resourceVersion!,
        );
        if (Date.now() - startedAt > HEALTHY_WATCH_MS) {
          failures = 0;
          resumedAfterLoss = false;
        }
      } catch (error) {
        state.watching.delete(scope);
        if (this.stopped) {
          break;
        }
        if (error instanceof Gone || isStatus(error, 410)) {
          // The resourceVersion is too old: relist right away.
          this.logger.debug(
            `mesh cache ${this.clusterName}/${state.kind}: ${
              (error as Error).message
            }; relisting`,
          );
          needList = true;
          continue;
        }
        if (error instanceof WatchLost && !resumedAfterLoss) {
          // A watch that was open was cut off (a load balancer, an API
          // server going away): resume it once at once, from where it was.
          resumedAfterLoss = true;
          continue;
        }
        const cause = error instanceof WatchLost ? error.cause : error;
        if (isStatus(cause, 404) && state.info.optional) {
          await this.kindAbsent(state);
          needList = true;
          continue;
        }
        failures++;
        this.failed(state, scope, cause);
        // Whatever failed, the kind is listed again before it counts as
        // current: events may have been missed meanwhile.
        needList = true;
        const wake = await (cause instanceof CacheLimitError
          ? this.crdRechecks.wait(this.settings.crdRecheckIntervalMs)
          : this.retries.wait(backoffMs(failures, this.settings.backoff)));
        if (wake === 'recovered') {
          // The cluster answers again: start again from the first step.
          failures = 0;
        }
      }
    }
    state.watching.delete(scope);
  }

  /**
   * A list of the kind completed (in one scope): it is current once no
   * scope of it is failing.
   */
  private listed(state: KindState, scope: string) {
    state.synced = true;
    state.failing.delete(scope);
    if (state.failing.size === 0) {
      state.error = undefined;
      state.staleSince = undefined;
    }
    this.markAttempted(state);
    this.answered();
  }

  /** A request for the kind failed: it is stale (or unreadable) until listed again. */
  private failed(state: KindState, scope: string, error: unknown) {
    state.failing.add(scope);
    const classified = classifyClusterError(error, {
      cluster: this.clusterName,
      resource: state.info.plural,
    });
    this.logFailure(state, classified);
    state.error = classified;
    state.staleSince ??= Date.now();
    if (error instanceof CacheLimitError) {
      // Its objects were dropped: nothing of it is cached any more.
      state.synced = false;
    }
    this.markAttempted(state);
  }

  /** The kind's API is not served (its CRD is not installed). */
  private async kindAbsent(state: KindState) {
    const wasServed = !state.absent;
    state.absent = true;
    state.error = undefined;
    state.synced = false;
    state.staleSince = undefined;
    state.failing.clear();
    this.markAttempted(state);
    if (wasServed) {
      this.logger.info(
        `mesh cache ${this.clusterName}: ${state.info.plural}.${state.info.group} is not served (CRD not installed); checking again every ${this.settings.crdRecheckIntervalMs} ms`,
      );
    }
    if (this.store.clear(state.kind)) {
      this.emit({ kind: state.kind, bulk: true });
    }
    await this.crdRechecks.wait(this.settings.crdRecheckIntervalMs);
  }

  private async listWithFallback(
    state: KindState,
    namespace: string | undefined,
    versions: string[],
  ): Promise<string> {
    let lastError: unknown;
    for (const version of versions) {
      state.version = version;
      try {
        const rv = await this.list(state, namespace);
        if (state.absent) {
          this.logger.info(
            `mesh cache ${this.clusterName}: ${state.info.plural}.${state.info.group}/${version} is now served`,
          );
        }
        state.absent = false;
        return rv;
      } catch (error) {
        lastError = error;
        if (!isStatus(error, 404)) {
          throw error;
        }
      }
    }
    state.version = versions[0];
    throw lastError;
  }

  /** Lists a kind page by page; replaces the stored objects; returns the RV. */
  private async list(
    state: KindState,
    namespace: string | undefined,
  ): Promise<string> {
    const path = this.path(state, namespace);
    for (let attempt = 0; ; attempt++) {
      const items: KubeObject[] = [];
      const malformed = new Map<string, string>();
      let continueToken: string | undefined;
      let resourceVersion = '';
      try {
        do {
          if (this.stopped) {
            // E.g. the cluster was removed during its first sync.
            throw new Error(`mesh cache ${this.clusterName} is stopped`);
          }
          // A slot is taken once the cluster has answered, to read, parse
          // and reduce the page to records: a slow cluster never holds up
          // the others, and no more raw pages (megabytes of JSON each) are
          // alive at once than there are slots, so the heap grown at
          // start-up, which stays taken, stays small.
          const page = await this.transport.getJson(
            path,
            { limit: this.settings.pageSize, continue: continueToken },
            {
              readSlots: this.listSlots,
              reduce: (answer: unknown) =>
                this.recordsOfPage(state, path, answer, malformed),
            },
          );
          for (const record of page.records) {
            items.push(record);
          }
          const limit =
            this.settings.maxObjects -
            (this.store.size - this.store.count(state.kind));
          if (items.length > limit) {
            throw new CacheLimitError(
              `${state.info.plural} in cluster '${this.clusterName}' exceed the cache limit of ${this.settings.maxObjects} objects (mesh.cache.maxObjectsPerCluster); raise it, or watch fewer namespaces with mesh.namespaces`,
            );
          }
          continueToken = page.continueToken;
          resourceVersion = page.resourceVersion ?? resourceVersion;
        } while (continueToken && !this.stopped);
      } catch (error) {
        // An expired continue token: start the list again, once.
        if (isStatus(error, 410) && attempt === 0) {
          continue;
        }
        if (error instanceof CacheLimitError && this.store.clear(state.kind)) {
          this.emit({ kind: state.kind, bulk: true });
        }
        throw error;
      }
      if (this.stopped) {
        return resourceVersion;
      }
      for (const key of [...state.malformed.keys()]) {
        if (namespace === undefined || key.startsWith(`${namespace}/`)) {
          state.malformed.delete(key);
        }
      }
      for (const [key, problem] of malformed) {
        state.malformed.set(key, problem);
      }
      if (this.store.replace(state.kind, namespace, items)) {
        this.emit({ kind: state.kind, bulk: true, namespace });
      }
      return resourceVersion;
    }
  }

  /**
   * One list page reduced to records (what is wrong with its objects into
   * `malformed`); each raw object is let go as soon as it is reduced, so
   * that it can be collected young rather than kept to the end of the page.
   */
  private recordsOfPage(
    state: KindState,
    path: string,
    answer: any,
    malformed: Map<string, string>,
  ): {
    records: KubeObject[];
    continueToken?: string;
    resourceVersion?: string;
  } {
    if (!answer || !Array.isArray(answer.items)) {
      throw new Error(`GET ${path} did not return a list`);
    }
    const raws: unknown[] = answer.items;
    const defaults = this.defaultsOf(state);
    const records: KubeObject[] = [];
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i];
      raws[i] = undefined;
      const { object, problem } = keepChainFields(state.kind, raw, defaults);
      if (problem) {
        malformed.set(keyOf(raw, object), problem);
      }
      if (object) {
        records.push(object);
      }
    }
    return {
      records,
      continueToken: answer.metadata?.continue || undefined,
      resourceVersion: answer.metadata?.resourceVersion,
    };
  }

  /** `apiVersion` and `kind` of a kind's objects, which list items leave out. */
  private defaultsOf(state: KindState): { apiVersion: string; kind: string } {
    return {
      apiVersion: state.info.group
        ? `${state.info.group}/${state.version}`
        : state.version,
      kind: state.info.kind,
    };
  }

  /** One watch connection; returns the last resourceVersion seen. */
  private async watchOnce(
    state: KindState,
    namespace: string | undefined,
    fromVersion: string,
  ): Promise<string> {
    let resourceVersion = fromVersion;
    let failure: Error | undefined;
    const timeoutSeconds = Math.round(
      this.settings.watchTimeoutSeconds * (0.8 + Math.random() * 0.4),
    );
    let openedAt: number | undefined;
    const handle = this.transport.watch(
      this.path(state, namespace),
      {
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
      },
      (event: WatchEvent) => {
        if (failure) {
          return;
        }
        const outcome = this.applyEvent(state, event);
        if (outcome.resourceVersion) {
          resourceVersion = outcome.resourceVersion;
        }
        if (outcome.error) {
          failure = outcome.error;
          handle.abort();
        }
      },
      {
        // Bookmarks arrive about every minute; silence well beyond the
        // server timeout means the connection is dead.
        idleTimeoutMs: (timeoutSeconds + 30) * 1000,
        onOpen: () => {
          openedAt = Date.now();
          this.answered();
        },
      },
    );
    this.aborts.add(handle.abort);
    state.watching.add(namespace ?? '');
    try {
      await handle.done;
    } catch (error) {
      // A refused watch is a failure like a failed list; one that was open
      // and broke off is first resumed (see runReflector).
      throw openedAt === undefined || error instanceof KubeStatusError
        ? error
        : new WatchLost(error);
    } finally {
      this.aborts.delete(handle.abort);
      state.watching.delete(namespace ?? '');
    }
    if (failure) {
      throw failure;
    }
    return resourceVersion;
  }

  private applyEvent(
    state: KindState,
    event: WatchEvent,
  ): { resourceVersion?: string; error?: Error } {
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const { object, problem } = keepChainFields(
          state.kind,
          event.object,
          this.defaultsOf(state),
        );
        const key = keyOf(event.object, object);
        if (problem) {
          state.malformed.set(key, problem);
        } else {
          state.malformed.delete(key);
        }
        if (object) {
          const { namespace, name, labels } = object.metadata;
          const before = this.store.get(state.kind, namespace ?? '', name);
          if (this.store.upsert(state.kind, object)) {
            this.emit({
              kind: state.kind,
              namespace,
              name,
              labels: [before?.metadata.labels, labels],
              objects: [before, object],
            });
          }
        }
        return { resourceVersion: object?.metadata.resourceVersion };
      }
      case 'DELETED': {
        const meta = event.object?.metadata;
        if (meta && typeof meta.name === 'string') {
          state.malformed.delete(keyOf(event.object));
          const before = this.store.get(
            state.kind,
            meta.namespace ?? '',
            meta.name,
          );
          if (this.store.remove(state.kind, meta.namespace, meta.name)) {
            this.emit({
              kind: state.kind,
              namespace: meta.namespace,
              name: meta.name,
              labels: [before?.metadata.labels],
              objects: [before],
            });
          }
        }
        return { resourceVersion: meta?.resourceVersion };
      }
      case 'BOOKMARK':
        return { resourceVersion: event.object?.metadata?.resourceVersion };
      case 'ERROR': {
        const status = event.object ?? {};
        if (status.code === 410) {
          return {
            error: new Gone(
              `watch expired (410 Gone: ${
                status.message ?? 'too old resource version'
              })`,
            ),
          };
        }
        return {
          error: new KubeStatusError(
            typeof status.code === 'number' ? status.code : 500,
            status.message ?? 'the watch returned an error',
            status.reason,
          ),
        };
      }
      default:
        state.malformed.set(
          `watch event ${String(event.type).slice(0, 20)}`,
          'not a valid watch event',
        );
        return {};
    }
  }
}

function keyOf(raw: any, object?: KubeObject): string {
  const meta = object?.metadata ?? raw?.metadata;
  const name = typeof meta?.name === 'string' ? meta.name : '(no name)';
  return typeof meta?.namespace === 'string'
    ? `${meta.namespace}/${name}`
    : name;
}
