/*
 * Watches: newline-delimited JSON events on a chunked HTTP response, as the
 * API server streams them. Events are filtered by namespace and selectors
 * (an object that stops matching is sent as DELETED, one that starts
 * matching as ADDED), serialized once per event and version however many
 * watchers receive it, and bookmarks are sent on request.
 */
import type { ServerResponse } from 'http';
import { ApiError } from '../api/errors';
import { ResourceType, apiVersionOf, resourceKey } from '../api/resources';
import type { FieldSelector, LabelSelector } from '../api/selectors';
import { IncludeObject, toTable } from '../api/table';
import type { Store, StoreEvent } from '../store/Store';
import type { KubeObject } from '../types';
import type { StatsRecorder } from './stats';

/** A slow client whose unsent data exceeds this is disconnected. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export interface WatchRequest {
  type: ResourceType;
  version: string;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
  /** Parsed `resourceVersion`; undefined for "unset". */
  resourceVersion?: number;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  table?: IncludeObject;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export class Watcher {
  private closed = false;
  private headersSent = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly apiVersion: string;

  constructor(
    readonly req: WatchRequest,
    private readonly res: ServerResponse,
    private readonly hub: WatchHub,
  ) {
    this.apiVersion = apiVersionOf(req.type, req.version);
  }

  private matches(obj: KubeObject | undefined): boolean {
    if (!obj) return false;
    const { namespace, labels, fields } = this.req;
    if (
      namespace !== undefined &&
      (obj.metadata.namespace ?? '') !== namespace
    ) {
      return false;
    }
    return labels.matches(obj.metadata.labels) && fields.matches(obj);
  }

  /** Decides what a store change means for this watch and sends it. */
  deliver(event: StoreEvent) {
    if (this.closed) return;
    let type: EventType | undefined;
    const now = this.matches(event.object);
    if (event.type === 'ADDED') {
      if (now) type = 'ADDED';
    } else if (event.type === 'DELETED') {
      if (this.matches(event.old ?? event.object)) type = 'DELETED';
    } else {
      const before = this.matches(event.old);
      if (before && now) type = 'MODIFIED';
      else if (!before && now) type = 'ADDED';
      else if (before && !now) type = 'DELETED';
    }
    if (type) this.send(type, event.object, event);
  }

  private line(
    type: EventType,
    obj: KubeObject | object,
    event?: StoreEvent,
  ): string {
    if (
      this.req.table &&
      (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')
    ) {
      const table = toTable(this.req.type, [obj as KubeObject], {
        include: this.req.table,
        apiVersion: this.apiVersion,
        resourceVersion: (obj as KubeObject).metadata?.resourceVersion,
        noHeaders: this.headersSent,
      });
      this.headersSent = true;
      return `${JSON.stringify({ type, object: table })}\n`;
    }
    if (event) return this.hub.serialize(event, type, this.apiVersion);
    const o = obj as KubeObject;
    const object =
      o.apiVersion && o.apiVersion !== this.apiVersion
        ? { ...o, apiVersion: this.apiVersion }
        : o;
    return `${JSON.stringify({ type, object })}\n`;
  }

  send(type: EventType, obj: KubeObject | object, event?: StoreEvent) {
    if (this.closed) return;
    this.res.write(this.line(type, obj, event));
    this.hub.stats.watchEvent();
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      // Like the API server, drop a watcher that cannot keep up; it re-lists.
      this.close();
    }
  }

  bookmark(extra?: Record<string, string>) {
    this.send('BOOKMARK', {
      kind: this.req.type.kind,
      apiVersion: this.apiVersion,
      metadata: {
        resourceVersion: String(this.hub.store.resourceVersion),
        ...(extra && { annotations: extra }),
      },
    });
  }

  start(initial: KubeObject[] | undefined, backlog: StoreEvent[] | undefined) {
    this.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    this.res.flushHeaders();
    if (
      this.req.resourceVersion !== undefined &&
      backlog === undefined &&
      !initial
    ) {
      const status = new ApiError(
        410,
        'Expired',
        `too old resource version: ${this.req.resourceVersion} (${this.hub.store.oldestResumableVersion})`,
      ).toStatus();
      this.send('ERROR', status);
      this.close();
      return;
    }
    for (const o of initial ?? []) {
      if (this.matches(o)) this.send('ADDED', o);
    }
    if (initial && this.req.sendInitialEvents) {
      this.bookmark({ 'k8s.io/initial-events-end': 'true' });
    }
    for (const e of backlog ?? []) {
      if (resourceKey(e.resource) === resourceKey(this.req.type))
        this.deliver(e);
    }
    if (this.req.allowBookmarks) {
      const t = setInterval(() => this.bookmark(), this.hub.bookmarkIntervalMs);
      t.unref();
      this.timers.push(t);
    }
    const timeout = (this.req.timeoutSeconds ?? 1800) * 1000;
    const t = setTimeout(() => this.close(), timeout);
    t.unref();
    this.timers.push(t);
    this.res.on('close', () => this.close());
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.hub.remove(this);
    if (!this.res.writableEnded) this.res.end();
  }
}

export class WatchHub {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly cache = new WeakMap<StoreEvent, Map<string, string>>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly store: Store,
    readonly stats: StatsRecorder,
    readonly bookmarkIntervalMs: number,
  ) {
    this.unsubscribe = store.subscribe(event => {
      const set = this.watchers.get(resourceKey(event.resource));
      if (set) for (const w of set) w.deliver(event);
    });
  }

  /** One JSON line per event, type and version, shared by all watchers. */
  serialize(event: StoreEvent, type: string, apiVersion: string): string {
    let m = this.cache.get(event);
    if (!m) {
      m = new Map();
      this.cache.set(event, m);
    }
    const key = `${type}|${apiVersion}`;
    let line = m.get(key);
    if (!line) {
      const o = event.object;
      const object = o.apiVersion === apiVersion ? o : { ...o, apiVersion };
      line = `${JSON.stringify({ type, object })}\n`;
      m.set(key, line);
    }
    return line;
  }

  open(req: WatchRequest, res: ServerResponse) {
    const w = new Watcher(req, res, this);
    const key = resourceKey(req.type);
    let initial: KubeObject[] | undefined;
    let backlog: StoreEvent[] | undefined;
    const rv = req.resourceVersion;
    if (rv === undefined || rv === 0 || req.sendInitialEvents) {
      initial = this.store.list(
        req.type,
        req.type.namespaced ? req.namespace : undefined,
      );
    } else {
      backlog = this.store.changesSince(rv);
    }
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(w);
    this.stats.activeWatches++;
    w.start(initial, backlog);
    return w;
  }

  remove(w: Watcher) {
    const set = this.watchers.get(resourceKey(w.req.type));
    if (set?.delete(w)) this.stats.activeWatches--;
  }

  /** Ends every open watch (clients re-watch from their last resourceVersion). */
  endAll() {
    for (const set of this.watchers.values()) {
      for (const w of [...set]) w.close();
    }
  }

  closeAll() {
    this.endAll();
    this.unsubscribe();
  }
}
