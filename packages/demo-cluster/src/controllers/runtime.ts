/*
 * What the simulated controllers share: scaled time, a coalescing work
 * queue per controller, internal writes through the ObjectApi (so they are
 * validated, versioned and watched like any client's), and an event
 * recorder.
 */
import { randomUUID } from 'crypto';
import { ApiError } from '../api/errors';
import { ObjectApi, WriteContext, now } from '../api/ObjectApi';
import { ResourceType, findByKind, mustFindByKind } from '../api/resources';
import type { Store, StoreEvent } from '../store/Store';
import type { KubeObject } from '../types';

/**
 * Durations of the simulated cluster, in seconds of simulated time; divided
 * by `timeScale` to get real time. @public
 */
export interface DemoTiming {
  /** Pending, unscheduled (default 0.3). */
  podScheduleSeconds: number;
  /** Scheduled until containers run: image pull and start (default 1.5). */
  podStartSeconds: number;
  /** Running until Ready when there is no readiness probe (default 0.5). */
  podReadySeconds: number;
  /** How long a deleted pod stays Terminating, at most its grace period (default 1). */
  podTerminationSeconds: number;
  /** Until a LoadBalancer Service gets its address (default 2). */
  loadBalancerSeconds: number;
  /** The HPA controller's sync period (default 15, like kube-controller-manager). */
  hpaSyncSeconds: number;
  /** How long a crash-looping container runs before it fails (default 3). */
  crashAfterSeconds: number;
}

export const DEFAULT_TIMING: DemoTiming = {
  podScheduleSeconds: 0.3,
  podStartSeconds: 1.5,
  podReadySeconds: 0.5,
  podTerminationSeconds: 1,
  loadBalancerSeconds: 2,
  hpaSyncSeconds: 15,
  crashAfterSeconds: 3,
};

/** Simulated time. */
export class Clock {
  constructor(readonly timeScale: number) {}

  /** Real milliseconds for simulated seconds. */
  ms(seconds: number): number {
    return (seconds * 1000) / this.timeScale;
  }

  /** Simulated seconds elapsed since an ISO timestamp. */
  secondsSince(iso: string | undefined, at = Date.now()): number {
    if (!iso) return Infinity;
    return ((at - Date.parse(iso)) / 1000) * this.timeScale;
  }
}

/** Runs `fn` for keys added with `add`, coalescing repeats, off the write path. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly fn: (key: string) => void,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  add(key: string) {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain() {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.fn(key);
      } catch (error) {
        this.onError(key, error);
      }
    }
  }

  stop() {
    this.stopped = true;
    this.pending.clear();
  }
}

const SYSTEM: WriteContext = {
  caller: {
    user: 'system:kube-controller-manager',
    groups: ['system:masters'],
  },
};

/** Everything a controller needs. */
export class ControllerRuntime {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly unsubscribers: Array<() => void> = [];

  constructor(
    readonly api: ObjectApi,
    readonly store: Store,
    readonly clock: Clock,
    readonly timing: DemoTiming,
    readonly log: (message: string) => void,
  ) {}

  type(apiVersion: string, kind: string): ResourceType {
    return mustFindByKind(apiVersion, kind);
  }

  /** Runs `fn` after simulated `seconds`. */
  after(seconds: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.stopped) return undefined;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.stopped) return;
      try {
        fn();
      } catch (error) {
        this.report('timer', error);
      }
    }, Math.max(0, this.clock.ms(seconds)));
    t.unref();
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined) {
    if (t) {
      clearTimeout(t);
      this.timers.delete(t);
    }
  }

  /** Store events for one kind. */
  on(kind: string, fn: (event: StoreEvent) => void) {
    this.unsubscribers.push(
      this.store.subscribe(event => {
        if (!this.stopped && event.resource.kind === kind) fn(event);
      }),
    );
  }

  /**
   * Precise times of recent transitions (Kubernetes timestamps have whole
   * seconds, which is too coarse when simulated time runs fast).
   */
  private readonly moments = new Map<string, number>();

  remember(key: string, at = Date.now()) {
    this.moments.set(key, at);
    if (this.moments.size > 100_000) {
      const oldest = this.moments.keys().next().value;
      if (oldest !== undefined) this.moments.delete(oldest);
    }
  }

  /** Simulated seconds since a remembered moment, or since `iso` if none. */
  secondsSince(key: string, iso: string | undefined): number {
    const at = this.moments.get(key);
    if (at !== undefined)
      return ((Date.now() - at) / 1000) * this.clock.timeScale;
    return this.clock.secondsSince(iso);
  }

  /** Store events for every kind. */
  onAny(fn: (event: StoreEvent) => void) {
    this.unsubscribers.push(
      this.store.subscribe(event => {
        if (!this.stopped) fn(event);
      }),
    );
  }

  queue(name: string, fn: (key: string) => void): WorkQueue {
    const q = new WorkQueue(fn, (key, error) =>
      this.report(`${name} ${key}`, error),
    );
    this.unsubscribers.push(() => q.stop());
    return q;
  }

  report(where: string, error: unknown) {
    // Conflicts and races with deletion resolve on the next sync.
    if (error instanceof ApiError && (error.code === 409 || error.code === 404))
      return;
    this.log(
      `controller error in ${where}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }

  get(
    t: ResourceType,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    return this.store.get(t, namespace, name);
  }

  create(t: ResourceType, obj: KubeObject, manager: string): KubeObject {
    return this.api.create(t, obj.metadata.namespace, obj, {
      ...SYSTEM,
      fieldManager: manager,
    });
  }

  /**
   * Changes an object with `mutate` (on a copy) and writes it if anything
   * changed. `status` writes go through the status subresource.
   */
  mutate(
    t: ResourceType,
    obj: KubeObject,
    manager: string,
    mutate: (copy: KubeObject) => void,
    subresource?: 'status',
  ): KubeObject {
    const copy: KubeObject = JSON.parse(JSON.stringify(obj));
    mutate(copy);
    const before = subresource === 'status' ? obj.status : obj;
    const after = subresource === 'status' ? copy.status : copy;
    if (JSON.stringify(before) === JSON.stringify(after)) return obj;
    return this.api.update(
      t,
      obj.metadata.namespace,
      obj.metadata.name,
      copy,
      { ...SYSTEM, fieldManager: manager },
      subresource,
    );
  }

  delete(t: ResourceType, obj: KubeObject) {
    try {
      this.api.delete(t, obj.metadata.namespace, obj.metadata.name, SYSTEM);
    } catch (error) {
      this.report(`delete ${obj.metadata.name}`, error);
    }
  }

  /** Records an Event about an object, merging repeats like the event broadcaster. */
  event(
    involved: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
  ) {
    const events = findByKind('v1', 'Event')!;
    const ns = involved.metadata.namespace ?? 'default';
    const existing = this.store
      .list(events, ns)
      .find(
        e =>
          e.involvedObject?.uid === involved.metadata.uid &&
          e.reason === reason &&
          e.message === message &&
          e.source?.component === component,
      );
    const at = now();
    if (existing) {
      this.store.put(events, {
        ...existing,
        count: (existing.count ?? 1) + 1,
        lastTimestamp: at,
      });
      return;
    }
    const uidPart = randomUUID().replace(/-/g, '').slice(0, 16);
    this.store.put(events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${involved.metadata.name}.${uidPart}`,
        namespace: ns,
        uid: randomUUID(),
        creationTimestamp: at,
      },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        namespace: involved.metadata.namespace,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
      },
      reason,
      message,
      source: { component },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: '',
    });
    this.trimEvents(events, ns);
  }

  private trimEvents(events: ResourceType, ns: string) {
    const list = this.store.list(events, ns);
    const max = 500;
    if (list.length <= max) return;
    const oldest = [...list]
      .sort((a, b) =>
        String(a.lastTimestamp).localeCompare(String(b.lastTimestamp)),
      )
      .slice(0, list.length - max);
    for (const e of oldest) this.store.remove(events, ns, e.metadata.name);
  }

  stop() {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const u of this.unsubscribers) u();
  }

  get isStopped() {
    return this.stopped;
  }
}

/** `namespace/name`. */
export function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** The controller owner reference of an object, if any. */
export function controllerOf(obj: KubeObject) {
  return obj.metadata.ownerReferences?.find(r => r.controller);
}

/** Sets or replaces a condition, keeping lastTransitionTime when the status is unchanged. */
export function setCondition(
  conditions: any[] | undefined,
  condition: { type: string; status: string; reason: string; message: string },
  options: { lastUpdateTime?: boolean } = {},
): any[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex(c => c.type === condition.type);
  const at = now();
  const old = i >= 0 ? list[i] : undefined;
  const same =
    old &&
    old.status === condition.status &&
    old.reason === condition.reason &&
    old.message === condition.message;
  const next = {
    type: condition.type,
    status: condition.status,
    ...(options.lastUpdateTime && {
      lastUpdateTime: same ? old.lastUpdateTime ?? at : at,
    }),
    lastTransitionTime:
      old && old.status === condition.status
        ? old.lastTransitionTime ?? at
        : at,
    reason: condition.reason,
    message: condition.message,
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

/** Whether a pod is Ready. */
export function isPodReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );
}

/** Whether a pod counts for its owner (not terminating or finished). */
export function isPodActive(pod: KubeObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}
