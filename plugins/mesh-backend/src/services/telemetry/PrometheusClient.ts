/*
 * The Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`), as
 * Prometheus, Thanos Query and Mimir serve it. POST with form bodies (long
 * queries), a deadline per query, a size limit on answers, and errors in
 * words a page can show: neither the URL's credentials nor the headers ever
 * appear in a message.
 */
import type { PrometheusTarget } from './settings';

/** Most bytes read from one answer. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** One series of an instant vector. */
export interface InstantSeries {
  metric: Record<string, string>;
  value: number;
}

/** One series of a range matrix. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, number]>;
}

/** Prometheus could not answer; `message` is safe to show. */
export class PrometheusError extends Error {}

/** Talks to one Prometheus; counts the queries it sends. */
export class PrometheusClient {
  /** Queries sent since start (for the benchmark). */
  queries = 0;

  constructor(
    private readonly target: PrometheusTarget,
    private readonly timeoutMs: number,
  ) {}

  async instant(query: string, time?: number): Promise<InstantSeries[]> {
    const data = await this.post('/api/v1/query', {
      query,
      ...(time !== undefined && { time: String(time) }),
    });
    if (data.resultType !== 'vector') {
      throw new PrometheusError(
        `Prometheus answered a ${data.resultType}, not a vector`,
      );
    }
    return (data.result as any[]).map(r => ({
      metric: r.metric ?? {},
      value: Number(r.value?.[1]),
    }));
  }

  async range(
    query: string,
    start: number,
    end: number,
    step: number,
  ): Promise<RangeSeries[]> {
    const data = await this.post('/api/v1/query_range', {
      query,
      start: String(start),
      end: String(end),
      step: String(step),
    });
    if (data.resultType !== 'matrix') {
      throw new PrometheusError(
        `Prometheus answered a ${data.resultType}, not a matrix`,
      );
    }
    return (data.result as any[]).map(r => ({
      metric: r.metric ?? {},
      values: (r.values ?? []).map((v: [number, string]) => [
        Number(v[0]),
        Number(v[1]),
      ]),
    }));
  }

  private async post(path: string, form: Record<string, string>) {
    this.queries++;
    let response: Response;
    try {
      response = await fetch(`${this.target.url}${path}`, {
        method: 'POST',
        headers: {
          ...this.target.headers,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw new PrometheusError(describeFetchError(error, this.timeoutMs));
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_ANSWER_BYTES) {
      throw new PrometheusError(
        `Prometheus answered ${length} bytes, more than the ${MAX_ANSWER_BYTES} allowed`,
      );
    }
    let body: any;
    try {
      body = await response.json();
    } catch {
      throw new PrometheusError(
        `Prometheus answered HTTP ${response.status} without a JSON body${
          response.status === 404 ? ': is the URL the Prometheus base URL?' : ''
        }`,
      );
    }
    if (!response.ok || body?.status !== 'success') {
      const why =
        response.status === 401 || response.status === 403
          ? 'the credentials were refused'
          : String(body?.error ?? '').slice(0, 300);
      throw new PrometheusError(
        `Prometheus answered HTTP ${response.status}${why ? `: ${why}` : ''}`,
      );
    }
    return body.data;
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return `Prometheus did not answer within ${timeoutMs} ms`;
  }
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED')
    return 'Prometheus refused the connection (is it running?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return 'the Prometheus host name does not resolve';
  }
  if (code && /CERT|SSL|TLS/.test(code)) {
    return `Prometheus' TLS certificate is not trusted (${code}); set NODE_EXTRA_CA_CERTS`;
  }
  return `Prometheus could not be reached${code ? ` (${code})` : ''}`;
}
