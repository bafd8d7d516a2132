/*
 * Plain GET requests to a Kubernetes API server with the user's kubeconfig,
 * through @kubernetes/client-node's configuration: server URL, TLS,
 * proxies and every credential it supports (tokens, client certificates,
 * exec plugins, OIDC). Answers are read as raw JSON, as the API server
 * sends them (client-node's typed models turn timestamps into Dates and
 * drop the fields of custom resources they do not know).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';

/** An answer other than 2xx, with the API server's `Status` message. */
export class KubeHttpError extends Error {
  readonly name = 'KubeHttpError';
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

/** The largest answer read, after which the request is given up. */
const MAX_BODY_BYTES = 256 * 2 ** 20;

/** Reads JSON from one API server. */
export class KubeReader {
  constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs: number,
  ) {}

  /** The API server's URL. */
  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  /** GET a path (with query) and parse the JSON answer. */
  async get<T = any>(path: string, query: Record<string, string> = {}) {
    const options: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(options);
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const transport = url.protocol === 'https:' ? https : http;
    return await new Promise<T>((resolve, reject) => {
      const req = transport.request(url, {
        method: 'GET',
        agent: options.agent,
        auth: options.auth,
        timeout: this.timeoutMs,
        headers: {
          ...(options.headers as Record<string, string>),
          accept: 'application/json',
          'user-agent': 'mesh-chain-cli',
        },
      });
      req.on('timeout', () =>
        req.destroy(
          new Error(`no answer to GET ${path} within ${this.timeoutMs} ms`),
        ),
      );
      req.on('error', reject);
      req.on('response', res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(
              new Error(
                `GET ${path} returned more than ${
                  MAX_BODY_BYTES / 2 ** 20
                } MiB`,
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new KubeHttpError(status, statusMessage(body, status)));
            return;
          }
          try {
            resolve(JSON.parse(body) as T);
          } catch {
            reject(new Error(`GET ${path} returned a body that is not JSON`));
          }
        });
      });
      req.end();
    });
  }
}

function statusMessage(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body);
    if (typeof parsed?.message === 'string') return parsed.message;
  } catch {
    // not a Status object
  }
  return `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
}
