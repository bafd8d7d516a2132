/*
 * The load generator: page views over keep-alive HTTP connections, run at a
 * fixed concurrency for a while, with latency percentiles and throughput.
 */
import http from 'http';

/** How long a request may take before it is given up, as a user would. */
const VIEW_TIMEOUT_MS = 60_000;

/** A request given up after VIEW_TIMEOUT_MS. */
export class TimeoutError extends Error {
  readonly name = 'TimeoutError';
  constructor(what: string) {
    super(`${what} had no answer after ${VIEW_TIMEOUT_MS / 1000} s`);
  }
}

/** One HTTP exchange. */
export interface HttpResult {
  status: number;
  body: string;
}

/** A minimal JSON-over-HTTP client with its own pool of keep-alive sockets. */
export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    maxSockets = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<HttpResult> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${this.baseUrl}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(payload !== undefined && {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            }),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', chunk => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(VIEW_TIMEOUT_MS, () =>
        req.destroy(new TimeoutError(`${method} ${path}`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close() {
    this.agent.destroy();
  }
}

/** What one page view returned. */
export interface ViewResult {
  ok: boolean;
  /** The body of the last response (for checks). */
  bodies: string[];
  /** Why it failed, when it did. */
  problem?: string;
}

/** A page view of one entity. */
export type PageView = (entity: string) => Promise<ViewResult>;

/** Latency figures of a load run. */
export interface LoadFigures {
  concurrency: number;
  views: number;
  /** Views that failed: an error status, a refused connection. */
  errors: number;
  /** Views given up after VIEW_TIMEOUT_MS. */
  timeouts: number;
  firstError?: string;
  seconds: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * Runs page views at `concurrency` (each worker starts its next view as
 * soon as its last one is answered) for `durationMs`, and at least until
 * `minViews` views are done (but no longer than `maxMs`). Entities are
 * taken in turn from `entities`.
 */
export async function runLoad(options: {
  view: PageView;
  entities: string[];
  concurrency: number;
  durationMs: number;
  minViews: number;
  maxMs: number;
  /** Index of the first entity (so that runs do not all start alike). */
  offset?: number;
}): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  let timeouts = 0;
  const given: number[] = [];
  let firstError: string | undefined;
  let next = options.offset ?? 0;
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
  const done = () =>
    elapsed() >= options.maxMs ||
    (elapsed() >= options.durationMs && latencies.length >= options.minViews);

  async function worker() {
    while (!done()) {
      const entity = options.entities[next++ % options.entities.length];
      const t0 = process.hrtime.bigint();
      let result: ViewResult;
      try {
        result = await options.view(entity);
      } catch (error) {
        if (error instanceof TimeoutError) {
          // Counted in the percentiles at the time it was given up (a
          // lower bound), not in the throughput.
          timeouts++;
          given.push(Number(process.hrtime.bigint() - t0) / 1e6);
          continue;
        }
        result = { ok: false, bodies: [], problem: String(error) };
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (result.ok) {
        latencies.push(ms);
      } else {
        errors++;
        firstError ??= `${entity}: ${result.problem}`;
      }
    }
  }

  await Promise.all(
    Array.from({ length: options.concurrency }, () => worker()),
  );
  const seconds = elapsed() / 1000;
  const sorted = [...latencies, ...given].sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    views: latencies.length,
    errors,
    timeouts,
    ...(firstError && { firstError }),
    seconds,
    throughput: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}
