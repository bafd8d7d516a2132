/*
 * A stand-in for KubeTransport, driven by the test and free of sockets and
 * timers, so that ClusterCache's retries can be run under Jest's fake
 * timers: lists answer from memory, watches stay open until cut, and the
 * "cluster" can go down (connections refused), come back, refuse some
 * kinds only, or hold some lists unanswered.
 */
import type {
  KubeQuery,
  KubeTransport,
  WatchEvent,
  WatchHandle,
} from '../services/cluster/KubeTransport';

interface OpenWatch {
  plural: string;
  onEvent(event: WatchEvent): void;
  cut(error: Error): void;
}

/** One request the fake transport received. */
export interface FakeTransportRequest {
  path: string;
  plural: string;
  watch: boolean;
  /** `Date.now()` when it was made (fake time under fake timers). */
  at: number;
  resourceVersion?: string;
  ok: boolean;
}

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6443'), {
    code: 'ECONNREFUSED',
  });
}

/** The plural at the end of an API path, e.g. `pods`. */
function pluralOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The fake; `transport` is what ClusterCache is given. */
export class FakeTransport {
  /** Every new request is refused while true. */
  down = false;
  /**
   * Requests for these kinds (plurals), or for paths containing these
   * (e.g. `/namespaces/ops/`), are refused even when up.
   */
  readonly refusing = new Set<string>();
  /** Lists of these kinds wait until `release()`. */
  readonly holding = new Set<string>();
  readonly requests: FakeTransportRequest[] = [];
  private readonly objects = new Map<string, any[]>();
  private readonly watches = new Set<OpenWatch>();
  private readonly held: Array<() => void> = [];
  private rv = 100;

  readonly transport = {
    getJson: async (
      path: string,
      query: KubeQuery = {},
      options: { reduce?: (answer: any) => unknown } = {},
    ) => {
      const answer = await this.list(path, query);
      return options.reduce ? options.reduce(answer) : answer;
    },
    watch: (
      path: string,
      query: KubeQuery,
      onEvent: (event: WatchEvent) => void,
      options: { onOpen?: () => void },
    ) => this.openWatch(path, query, onEvent, options),
  } as unknown as KubeTransport;

  /** Sets the objects of a kind (plural), as a list will return them. */
  set(plural: string, objects: any[]) {
    this.objects.set(
      plural,
      objects.map(o => ({
        ...o,
        metadata: { ...o.metadata, resourceVersion: String(++this.rv) },
      })),
    );
  }

  /** The cluster goes away: open watches are cut, new requests refused. */
  goDown() {
    this.down = true;
    this.cutWatches();
  }

  /** Cuts every open watch (of a kind) mid-stream; the cluster is still up. */
  cutWatches(plural?: string) {
    for (const w of [...this.watches]) {
      if (plural === undefined || w.plural === plural) {
        w.cut(new Error('the watch was cut off by the server'));
      }
    }
  }

  /** Answers the held lists. */
  release() {
    this.holding.clear();
    this.held.splice(0).forEach(go => go());
  }

  openWatches(): number {
    return this.watches.size;
  }

  /** Requests for a kind, optionally only lists or only watches. */
  requestsFor(plural: string, watch?: boolean): FakeTransportRequest[] {
    return this.requests.filter(
      r => r.plural === plural && (watch === undefined || r.watch === watch),
    );
  }

  private refuses(path: string): boolean {
    return [...this.refusing].some(
      r => r === pluralOf(path) || (r.includes('/') && path.includes(r)),
    );
  }

  private async list(path: string, query: KubeQuery) {
    const plural = pluralOf(path);
    if (this.holding.has(plural)) {
      await new Promise<void>(resolve => this.held.push(resolve));
    }
    const ok = !this.down && !this.refuses(path);
    this.requests.push({
      path,
      plural,
      watch: false,
      at: Date.now(),
      ok,
      resourceVersion: query.resourceVersion as string | undefined,
    });
    if (!ok) {
      throw refused();
    }
    return {
      metadata: { resourceVersion: String(this.rv) },
      // A new list each time, as a parsed answer is.
      items: [...(this.objects.get(plural) ?? [])],
    };
  }

  private openWatch(
    path: string,
    query: KubeQuery,
    onEvent: (event: WatchEvent) => void,
    options: { onOpen?: () => void },
  ): WatchHandle {
    const plural = pluralOf(path);
    const ok = !this.down && !this.refuses(path);
    this.requests.push({
      path,
      plural,
      watch: true,
      at: Date.now(),
      ok,
      resourceVersion: query.resourceVersion as string | undefined,
    });
    if (!ok) {
      return { done: Promise.reject(refused()), abort: () => {} };
    }
    let end: () => void = () => {};
    let fail: (error: Error) => void = () => {};
    const entry: OpenWatch = {
      plural,
      onEvent,
      cut: error => fail(error),
    };
    const done = new Promise<void>((resolve, reject) => {
      end = resolve;
      fail = reject;
    }).finally(() => this.watches.delete(entry));
    this.watches.add(entry);
    options.onOpen?.();
    return { done, abort: () => end() };
  }
}

/** A minimal object of a kind, enough for the cache to index it. */
export function fakeObject(
  name: string,
  extra: Record<string, unknown> = {},
): any {
  return { metadata: { name, namespace: 'shop' }, ...extra };
}
