/*
 * One fault of the suite, measured: the page views and route traces while
 * it is on (nothing but 200s, answers at once, the other clusters current,
 * the faulty one saying what is wrong and naming itself, traces saying the
 * same as the chain), then, once it is removed, how long until the cluster
 * is current again with a cache equal to a fresh list of it.
 */
import type { DemoCluster } from '@mesh-chain/demo-cluster';
import type {
  ClusterChain,
  MeshChainResponse,
  RouteSimulationResponse,
} from '@mesh-chain/plugin-mesh-common';
import type { Child } from '../ipc';
import type { HttpClient } from '../load';
import type { CacheDigest } from './CacheObserver';
import { current } from './checks';
import type { FaultProxy } from './FaultProxy';
import {
  CacheDifference,
  compareWithCluster,
  differenceCount,
  freshList,
} from './freshList';
import type { Fault, FaultContext } from './types';

/** An answer slower than this is a failure: the caches answer in milliseconds. */
export const ANSWER_LIMIT_MS = 2500;
/** Longest wait for a cluster to be back (current, cache equal to a fresh list). */
export const RECOVERY_LIMIT_MS = 30_000;
/** Longest wait for the symptom of a fault. */
const OBSERVE_LIMIT_MS = 12_000;
/** How long a fault's answers are watched once its symptom showed (or, for a transient one, at all). */
const OBSERVE_HOLD_MS = 1500;

/** What one fault did. */
export interface FaultFigures {
  title: string;
  cluster: string;
  expected: string;
  /** Every check held. */
  survived: boolean;
  /** What the faulty cluster's part said while the fault was on (the last answer). */
  observed: string;
  /** Its message, if any. */
  observedMessage?: string;
  /** Fault removed -> the cluster current and its cache equal to a fresh list, ms. */
  recoveryMs?: number;
  /** Objects missing, stale or extra in the cache at the end (0 when recovered). */
  objectsLost: number;
  difference?: CacheDifference;
  /** Page views (and traces) answered while the fault was on. */
  answers: number;
  /** The slowest of them, ms. */
  slowestAnswerMs: number;
  /** Answers with a status other than 200. */
  failedAnswers: number;
  /**
   * A fault present from the start: how long after the backend was ready
   * the other clusters answered current (they never wait for this one).
   */
  othersCurrentAfterMs?: number;
  problems: string[];
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** A cluster's part of an answer in a few words: `current`, `stale (unreachable)`... */
function describeChain(chain: ClusterChain | undefined): string {
  if (!chain) {
    return 'missing from the answer';
  }
  if (chain.error) {
    return `error (${chain.error.reason})`;
  }
  const s = chain.status;
  if (!s || s.state === 'current') {
    return chain.istio ? 'current' : 'current, no Istio';
  }
  return `${s.state}${s.reason ? ` (${s.reason})` : ''}`;
}

/** What the cluster's part says in words, if anything. */
function messageOf(chain: ClusterChain | undefined): string | undefined {
  return chain?.error?.message ?? chain?.status?.message;
}

/** What the probe measures with. */
export interface ProbeEnvironment {
  client: HttpClient;
  backend: Child;
  proxies: FaultProxy[];
  /** The simulators now (one is replaced when it restarts). */
  clusters(): DemoCluster[];
  names: string[];
}

export class FaultProbe {
  private normalSize = 0;
  private readonly traceUrls = new Map<string, string>();

  constructor(private readonly env: ProbeEnvironment) {}

  private entityPath(entity: string) {
    return `/api/mesh/entities/component/default/${encodeURIComponent(entity)}`;
  }

  private async view(entity: string): Promise<{
    status: number;
    ms: number;
    body: string;
    chains?: Map<string, ClusterChain>;
  }> {
    const t0 = Date.now();
    const res = await this.env.client.request('GET', this.entityPath(entity));
    const ms = Date.now() - t0;
    if (res.status !== 200) {
      return { status: res.status, ms, body: res.body };
    }
    const body = JSON.parse(res.body) as MeshChainResponse;
    return {
      status: res.status,
      ms,
      body: res.body,
      chains: new Map(body.clusters.map(c => [c.cluster.name, c])),
    };
  }

  private async digestOf(cluster: number): Promise<CacheDifference> {
    const digest = await this.env.backend.call<CacheDigest>('digest');
    const fresh = await freshList(
      this.env.proxies[cluster].url,
      this.env.clusters()[cluster].tokens.readonly,
    );
    return compareWithCluster(digest[this.env.names[cluster]] ?? {}, fresh);
  }

  /** Every cluster current and its cache equal to a fresh list. */
  private async settled(
    limitMs = RECOVERY_LIMIT_MS,
  ): Promise<string | undefined> {
    const t0 = Date.now();
    let last = '';
    while (Date.now() - t0 < limitMs) {
      const v = await this.view('storefront');
      const states = this.env.names.map(n => describeChain(v.chains?.get(n)));
      if (states.every(s => s === 'current')) {
        const diffs = await Promise.all(
          this.env.names.map((_, i) => this.digestOf(i)),
        );
        if (diffs.every(d => differenceCount(d) === 0)) {
          if (!this.normalSize) {
            this.normalSize = v.body.length;
            this.rememberTraceUrls(v.chains!);
          }
          return undefined;
        }
        last = `caches differ from the clusters: ${diffs
          .map((d, i) => `${this.env.names[i]} ${differenceCount(d)}`)
          .join(', ')}`;
      } else {
        last = states.join('; ');
      }
      await sleep(100);
    }
    return last;
  }

  private rememberTraceUrls(chains: Map<string, ClusterChain>) {
    for (const chain of chains.values()) {
      const url = chain.routes.flatMap(r => r.externalUrls ?? [])[0];
      if (url) {
        this.traceUrls.set('storefront', url);
      }
    }
  }

  /** Injects a fault, watches the answers, removes it, waits for recovery. */
  async runFault(fault: Fault, ctx: FaultContext): Promise<FaultFigures> {
    const result: FaultFigures = {
      title: fault.title,
      cluster: ctx.name,
      expected: fault.expected,
      survived: false,
      observed: '',
      objectsLost: 0,
      answers: 0,
      slowestAnswerMs: 0,
      failedAnswers: 0,
      problems: [],
    };
    if (!fault.atStart) {
      const unsettled = await this.settled();
      if (unsettled) {
        result.problems.push(
          `did not start from a settled state: ${unsettled}`,
        );
      }
      await fault.inject(ctx);
    }
    await this.observe(fault, ctx, result);
    await fault.remove(ctx);
    await this.recover(fault, ctx, result);
    result.survived = result.problems.length === 0;
    return result;
  }

  private note(result: FaultFigures, problem: string) {
    if (!result.problems.includes(problem) && result.problems.length < 8) {
      result.problems.push(problem);
    }
  }

  /** Page views and traces while the fault is on. */
  private async observe(fault: Fault, ctx: FaultContext, result: FaultFigures) {
    const entity = fault.entity ?? 'storefront';
    const t0 = Date.now();
    let seenAt: number | undefined;
    let lastSaid = '';
    let meanwhileDone = !fault.meanwhile;
    for (let i = 0; Date.now() - t0 < OBSERVE_LIMIT_MS; i++) {
      const v = await this.view(entity);
      this.count(result, v.status, v.ms, `GET ${entity}`);
      const chain = v.chains?.get(ctx.name);
      if (v.chains && chain) {
        // While the backend first loads, the others may be loading too.
        this.checkOthers(v.chains, ctx.name, result, fault.atStart);
        if (
          fault.atStart &&
          result.othersCurrentAfterMs === undefined &&
          this.env.names.every(
            n =>
              n === ctx.name || describeChain(v.chains!.get(n)) === 'current',
          )
        ) {
          result.othersCurrentAfterMs = Date.now() - t0;
        }
        result.observed = describeChain(chain);
        result.observedMessage = messageOf(chain);
        const said = fault.expect(chain, ctx);
        if (said === undefined) {
          seenAt ??= Date.now();
        } else {
          lastSaid = said;
          if (!fault.mustShow) {
            this.note(result, `${ctx.name} answered ${said}`);
          }
        }
        const size = fault.checkAnswer?.(v.body, this.normalSize);
        if (size) {
          this.note(result, size);
        }
      }
      if (i % 3 === 0) {
        await this.trace(fault, ctx, chain, result);
      }
      if (seenAt !== undefined && !meanwhileDone) {
        meanwhileDone = true;
        await fault.meanwhile!(ctx);
      }
      const since = fault.mustShow ? seenAt : t0;
      const othersSeen =
        !fault.atStart || result.othersCurrentAfterMs !== undefined;
      if (
        since !== undefined &&
        Date.now() - since > OBSERVE_HOLD_MS &&
        othersSeen
      ) {
        break;
      }
      await sleep(150);
    }
    if (fault.atStart && result.othersCurrentAfterMs === undefined) {
      this.note(
        result,
        `the other clusters never answered current while ${ctx.name} loaded`,
      );
    }
    if (fault.mustShow && seenAt === undefined) {
      this.note(
        result,
        `${ctx.name} never answered ${fault.expected}: ${lastSaid}`,
      );
    }
  }

  private count(
    result: FaultFigures,
    status: number,
    ms: number,
    what: string,
  ) {
    result.answers++;
    result.slowestAnswerMs = Math.max(result.slowestAnswerMs, ms);
    if (status !== 200) {
      result.failedAnswers++;
      this.note(result, `${what} answered ${status}`);
    }
    if (ms > ANSWER_LIMIT_MS) {
      this.note(result, `${what} took ${ms} ms`);
    }
  }

  /** The clusters without the fault answer as if nothing happened. */
  private checkOthers(
    chains: Map<string, ClusterChain>,
    faulty: string,
    result: FaultFigures,
    loading = false,
  ) {
    for (const name of this.env.names) {
      if (name === faulty) {
        continue;
      }
      const chain = chains.get(name);
      const state = describeChain(chain);
      if (loading && chain?.status?.state === 'syncing') {
        continue;
      }
      if (state !== 'current' || !chain?.services.length) {
        this.note(result, `cluster ${name} (no fault) answered ${state}`);
      }
    }
  }

  /** A route trace: answered, and saying what the chain says about the cluster. */
  private async trace(
    fault: Fault,
    ctx: FaultContext,
    chain: ClusterChain | undefined,
    result: FaultFigures,
  ) {
    const entity = fault.entity ?? 'storefront';
    const url = fault.traceUrl ?? this.traceUrls.get(entity);
    if (!url) {
      return;
    }
    const t0 = Date.now();
    const res = await this.env.client.request(
      'POST',
      `${this.entityPath(entity)}/route`,
      { url },
    );
    this.count(result, res.status, Date.now() - t0, `trace of ${url}`);
    if (res.status !== 200 || !chain) {
      return;
    }
    const body = JSON.parse(res.body) as RouteSimulationResponse;
    const r = body.results.find(x => x.cluster === ctx.name);
    const state = chain.status?.state ?? 'current';
    if (r && state !== 'current' && r.status?.state !== state) {
      this.note(
        result,
        `the trace in ${ctx.name} said ${
          r.status?.state ?? 'nothing'
        } while the chain said ${state}${
          r.reachable ? ', and claimed reachable' : ''
        }`,
      );
    }
  }

  /** After the fault: until the cluster is back and its cache equals a fresh list. */
  private async recover(fault: Fault, ctx: FaultContext, result: FaultFigures) {
    const entity = fault.entity ?? 'storefront';
    const t0 = Date.now();
    let last: CacheDifference | undefined;
    let lastState = '';
    while (Date.now() - t0 < RECOVERY_LIMIT_MS) {
      const v = await this.view(entity);
      this.count(result, v.status, v.ms, `GET ${entity}`);
      const chain = v.chains?.get(ctx.name);
      if (fault.consistent) {
        const c = await this.view(fault.consistent.entity);
        const x = c.chains?.get(ctx.name);
        if (x && !x.error && (x.status?.state ?? 'current') === 'current') {
          const mixed = fault.consistent.check(x, ctx);
          if (mixed) {
            this.note(result, `${ctx.name} answered ${mixed}`);
          }
        }
      }
      const back =
        chain !== undefined &&
        (fault.back ?? current)(chain, ctx) === undefined;
      lastState = describeChain(chain);
      if (back) {
        last = await this.digestOf(fault.cluster);
        if (differenceCount(last) === 0) {
          result.recoveryMs = Date.now() - t0;
          result.objectsLost = 0;
          return;
        }
      }
      await sleep(100);
    }
    last = await this.digestOf(fault.cluster).catch(() => last);
    result.objectsLost = last ? differenceCount(last) : 0;
    result.difference = last;
    this.note(
      result,
      `not back within ${RECOVERY_LIMIT_MS / 1000} s: ${lastState}${
        last ? `; cache differs by ${differenceCount(last)} objects` : ''
      }`,
    );
  }
}
