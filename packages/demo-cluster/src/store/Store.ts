/*
 * The object store: every object by resource type, namespace and name; one
 * cluster-wide resourceVersion counter (like etcd's revision); a bounded
 * history of changes so that watches can resume from a resourceVersion
 * (older ones are answered with 410 Expired); and synchronous change
 * listeners for watches, controllers and persistence.
 *
 * Stored objects are never mutated: every write stores a new object. Callers
 * must treat what they get as read-only.
 */
import { ResourceType, resourceKey } from '../api/resources';
import type { KubeObject } from '../types';

/** A change to one object. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  object: KubeObject;
  /** The previous version, for MODIFIED and DELETED. */
  old?: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

class Bucket {
  constructor(readonly type: ResourceType) {}
  readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  size = 0;
  private sorted?: Array<[string, string]>;
  private sortedNs = new Map<string, string[]>();

  get(ns: string, name: string) {
    return this.byNamespace.get(ns)?.get(name);
  }

  set(ns: string, name: string, obj: KubeObject) {
    let m = this.byNamespace.get(ns);
    if (!m) {
      m = new Map();
      this.byNamespace.set(ns, m);
    }
    if (!m.has(name)) {
      this.size++;
      this.sorted = undefined;
      this.sortedNs.delete(ns);
    }
    m.set(name, obj);
  }

  delete(ns: string, name: string) {
    const m = this.byNamespace.get(ns);
    if (m?.delete(name)) {
      this.size--;
      this.sorted = undefined;
      this.sortedNs.delete(ns);
      if (m.size === 0) this.byNamespace.delete(ns);
    }
  }

  /** Objects in key order (namespace, then name), like etcd. */
  list(ns?: string): KubeObject[] {
    if (ns !== undefined) {
      const m = this.byNamespace.get(ns);
      if (!m) return [];
      let names = this.sortedNs.get(ns);
      if (!names) {
        names = [...m.keys()].sort();
        this.sortedNs.set(ns, names);
      }
      return names.map(n => m.get(n)!);
    }
    if (!this.sorted) {
      const keys: Array<[string, string]> = [];
      for (const [namespace, m] of this.byNamespace) {
        for (const name of m.keys()) keys.push([namespace, name]);
      }
      const cmp = (x: string, y: string) => (x < y ? -1 : Number(x > y));
      keys.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
      this.sorted = keys;
    }
    return this.sorted.map(([namespace, name]) => this.get(namespace, name)!);
  }
}

/** Options of the store. */
export interface StoreOptions {
  /** How many changes are kept for watches that resume (default 10,000). */
  historySize?: number;
}

export class Store {
  private rv = 0;
  private readonly buckets = new Map<string, Bucket>();
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  /** The newest resourceVersion that is no longer in the history. */
  private compactedRv = 0;
  private readonly historySize: number;
  private readonly listeners = new Set<StoreListener>();

  constructor(options: StoreOptions = {}) {
    this.historySize = Math.max(16, options.historySize ?? 10_000);
  }

  /** The current (newest) resourceVersion. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldestResumableVersion(): number {
    return this.compactedRv;
  }

  private bucket(t: ResourceType): Bucket {
    const key = resourceKey(t);
    let b = this.buckets.get(key);
    if (!b) {
      b = new Bucket(t);
      this.buckets.set(key, b);
    }
    return b;
  }

  get(
    t: ResourceType,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    return this.buckets.get(resourceKey(t))?.get(namespace, name);
  }

  /** Objects of a type, in one namespace or all, in key order. */
  list(t: ResourceType, namespace?: string): KubeObject[] {
    return this.buckets.get(resourceKey(t))?.list(namespace) ?? [];
  }

  count(t?: ResourceType): number {
    if (t) return this.buckets.get(resourceKey(t))?.size ?? 0;
    let n = 0;
    for (const b of this.buckets.values()) n += b.size;
    return n;
  }

  /** Namespaces holding objects of a type. */
  namespaces(t: ResourceType): string[] {
    return [...(this.buckets.get(resourceKey(t))?.byNamespace.keys() ?? [])];
  }

  /**
   * Stores a new version of an object, giving it the next resourceVersion.
   * Returns the stored object.
   */
  put(t: ResourceType, obj: KubeObject): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const b = this.bucket(t);
    const old = b.get(ns, obj.metadata.name);
    const rv = ++this.rv;
    const stored: KubeObject = {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(rv) },
    };
    b.set(ns, obj.metadata.name, stored);
    this.emit({
      type: old ? 'MODIFIED' : 'ADDED',
      resource: t,
      object: stored,
      old,
      resourceVersion: rv,
    });
    return stored;
  }

  /** Removes an object; returns its last version (with a new resourceVersion). */
  remove(
    t: ResourceType,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    const b = this.buckets.get(resourceKey(t));
    const old = b?.get(namespace, name);
    if (!b || !old) return undefined;
    b.delete(namespace, name);
    const rv = ++this.rv;
    const last: KubeObject = {
      ...old,
      metadata: { ...old.metadata, resourceVersion: String(rv) },
    };
    this.emit({
      type: 'DELETED',
      resource: t,
      object: last,
      old,
      resourceVersion: rv,
    });
    return last;
  }

  /**
   * Loads objects as they were saved (keeping their resourceVersions),
   * without events. Only for start-up.
   */
  restore(
    items: Array<{ type: ResourceType; object: KubeObject }>,
    rv: number,
  ) {
    for (const { type, object } of items) {
      this.bucket(type).set(
        object.metadata.namespace ?? '',
        object.metadata.name,
        object,
      );
    }
    this.rv = Math.max(this.rv, rv);
    this.compactedRv = this.rv;
  }

  private emit(event: StoreEvent) {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historySize) {
      this.compactedRv = this.history[this.historyStart].resourceVersion;
      this.historyStart++;
      // Drop the consumed prefix now and then rather than on every event.
      if (this.historyStart > this.historySize) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const listener of this.listeners) {
      listener(event);
    }
  }

  /**
   * Changes after `rv`, oldest first, or `undefined` when `rv` is older than
   * the history holds (the caller answers 410 Expired).
   */
  changesSince(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    // Binary search for the first event newer than rv.
    let lo = this.historyStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].resourceVersion <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Forgets the change history, as etcd compaction does (for tests). */
  compact() {
    this.compactedRv = this.rv;
    this.history.length = 0;
    this.historyStart = 0;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every object with its type, for persistence. */
  *all(): Generator<{ type: ResourceType; object: KubeObject }> {
    for (const b of this.buckets.values()) {
      for (const object of b.list()) {
        yield { type: b.type, object };
      }
    }
  }
}
