import type { KubeConfig } from '@kubernetes/client-node';
import http, { IncomingMessage } from 'http';
import https from 'https';
import { createGunzip } from 'zlib';
import { Readable } from 'stream';
import type { Semaphore } from './Semaphore';

/** An HTTP error answer from the API server, with its `Status` message. */
export class KubeStatusError extends Error {
  readonly name = 'KubeStatusError';
  constructor(
    readonly statusCode: number,
    message: string,
    /** `Status.reason`, e.g. `NotFound`, `Expired`, `Forbidden`. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** A request that took longer than its deadline. */
export class KubeTimeoutError extends Error {
  readonly name = 'MeshTimeoutError';
}

/** Query parameters of a list or watch request. */
export type KubeQuery = Record<string, string | number | boolean | undefined>;

/** One event of a watch stream. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR' | string;
  object: any;
}

/** A running watch. */
export interface WatchHandle {
  /** Settles when the stream ends: resolves on a clean close or abort. */
  done: Promise<void>;
  abort(): void;
}

const USER_AGENT = 'backstage-plugin-mesh-backend';

/**
 * Largest answer read (after decompression): a list page of
 * `mesh.cache.pageSize` objects is far below it; a cluster that sends more
 * is refused rather than allowed to take the backend's memory.
 */
export const MAX_BODY_BYTES = 128 * 2 ** 20;

/** Largest single watch event (one line of the stream). */
const MAX_WATCH_LINE_BYTES = 16 * 2 ** 20;

/**
 * Plain GET and watch requests to one Kubernetes API server through
 * `@kubernetes/client-node`'s configuration (server URL, TLS, credentials,
 * proxies), with bounded timeouts everywhere: connecting, waiting for
 * headers, reading a body, and silence on a watch stream.
 *
 * It reads raw JSON rather than client-node's typed models: those convert
 * timestamps to `Date`s and add fields, which costs memory in a cache and
 * changes the shape the chain logic expects.
 */
export class KubeTransport {
  constructor(
    private readonly getKubeConfig: () => Promise<KubeConfig>,
    private readonly options: {
      /** Deadline of one request (connect, headers and body). */
      requestTimeoutMs: number;
      /** Called before every HTTP request (for metrics and tests). */
      onRequest?: (path: string) => void;
    },
  ) {}

  /**
   * GET a path and parse the JSON answer; throws KubeStatusError on non-2xx.
   * With `readSlots`, the body is read and parsed in one of its slots, taken
   * once the server has answered (so a slow server holds no slot); with
   * `reduce` too, the parsed answer is reduced in the same slot, so no more
   * parsed answers are alive at once than there are slots.
   */
  async getJson<T = any, R = T>(
    path: string,
    query: KubeQuery = {},
    options: { readSlots?: Semaphore; reduce?: (answer: T) => R } = {},
  ): Promise<R> {
    const deadline = this.options.requestTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let request: http.ClientRequest | undefined;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        const error = new KubeTimeoutError(
          `no complete answer to GET ${path} within ${deadline} ms`,
        );
        request?.destroy(error);
        reject(error);
      }, deadline);
      timer.unref?.();
    });
    try {
      return await Promise.race([
        timeout,
        (async () => {
          const { req, res } = await this.open(path, query, r => {
            request = r;
          });
          request = req;
          const read = async () => {
            if (timedOut) {
              // Gave up while waiting for a slot: read nothing.
              throw new KubeTimeoutError(`GET ${path} was given up`);
            }
            const body = await readBody(res, path);
            if (res.statusCode! < 200 || res.statusCode! >= 300) {
              throw statusError(res.statusCode!, body, path);
            }
            let answer: T;
            try {
              answer = JSON.parse(body) as T;
            } catch {
              throw new KubeStatusError(
                res.statusCode!,
                `GET ${path} returned a body that is not JSON`,
              );
            }
            return options.reduce
              ? options.reduce(answer)
              : (answer as unknown as R);
          };
          return options.readSlots ? options.readSlots.run(read) : read();
        })(),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Starts a watch; `onEvent` is called for each event line. The stream is
   * aborted when nothing (not even a bookmark) arrives for `idleTimeoutMs`.
   * Rejects `done` with KubeStatusError for a non-200 answer (e.g. 410).
   */
  watch(
    path: string,
    query: KubeQuery,
    onEvent: (event: WatchEvent) => void,
    options: {
      idleTimeoutMs: number;
      /** Called once the server accepted the watch (200). */
      onOpen?: () => void;
    },
  ): WatchHandle {
    let request: http.ClientRequest | undefined;
    let aborted = false;
    let idleTimer: NodeJS.Timeout | undefined;
    let rejectDone: (error: Error) => void = () => {};

    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        const error = new KubeTimeoutError(
          `the watch on ${path} was silent for ${options.idleTimeoutMs} ms`,
        );
        request?.destroy(error);
        rejectDone(error);
      }, options.idleTimeoutMs);
      idleTimer.unref?.();
    };

    const done = new Promise<void>((resolve, reject) => {
      rejectDone = reject;
      // Until the headers arrive, the request deadline applies.
      const headerTimer = setTimeout(() => {
        const error = new KubeTimeoutError(
          `no answer to the watch on ${path} within ${this.options.requestTimeoutMs} ms`,
        );
        request?.destroy(error);
        reject(error);
      }, this.options.requestTimeoutMs);
      headerTimer.unref?.();

      this.open(path, { ...query, watch: true }, r => {
        request = r;
        if (aborted) {
          r.destroy();
        }
      })
        .then(async ({ res }) => {
          clearTimeout(headerTimer);
          if (res.statusCode !== 200) {
            const body = await readBody(res, path);
            throw statusError(res.statusCode!, body, path);
          }
          armIdle();
          options.onOpen?.();
          const stream = decoded(res);
          let buffered = '';
          stream.setEncoding('utf8');
          stream.on('data', (chunk: string) => {
            armIdle();
            buffered += chunk;
            if (
              buffered.length > MAX_WATCH_LINE_BYTES &&
              buffered.lastIndexOf('\n') < 0
            ) {
              const error = new Error(
                `the watch on ${path} sent an event of more than ${MAX_WATCH_LINE_BYTES} bytes`,
              );
              request?.destroy(error);
              rejectDone(error);
              return;
            }
            let newline = buffered.indexOf('\n');
            while (newline >= 0) {
              const line = buffered.slice(0, newline).trim();
              buffered = buffered.slice(newline + 1);
              newline = buffered.indexOf('\n');
              if (!line) {
                continue;
              }
              let event: WatchEvent;
              try {
                event = JSON.parse(line);
              } catch {
                // A line that is not JSON is reported as a malformed event.
                event = { type: 'MALFORMED', object: line.slice(0, 200) };
              }
              onEvent(event);
            }
          });
          await new Promise<void>((streamEnded, streamFailed) => {
            stream.on('end', () => streamEnded());
            stream.on('error', streamFailed);
            res.on('close', () =>
              res.complete
                ? streamEnded()
                : streamFailed(
                    new Error(`the watch on ${path} was cut off by the server`),
                  ),
            );
          });
        })
        .then(resolve, error => {
          clearTimeout(headerTimer);
          if (aborted) {
            resolve();
          } else {
            reject(error);
          }
        })
        .finally(() => clearTimeout(idleTimer));
    });
    return {
      done,
      abort: () => {
        aborted = true;
        clearTimeout(idleTimer);
        request?.destroy();
      },
    };
  }

  private async open(
    path: string,
    query: KubeQuery,
    onRequest: (req: http.ClientRequest) => void,
  ): Promise<{ req: http.ClientRequest; res: IncomingMessage }> {
    const kc = await this.getKubeConfig();
    const cluster = kc.getCurrentCluster();
    if (!cluster) {
      throw new Error('The KubeConfig has no current cluster');
    }
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) {
        url.searchParams.set(key, String(value));
      }
    }
    this.options.onRequest?.(path);
    const transport = url.protocol === 'https:' ? https : http;
    return await new Promise((resolve, reject) => {
      const req = transport.request(url, {
        method: 'GET',
        agent: opts.agent,
        auth: opts.auth,
        headers: {
          ...(opts.headers as Record<string, string>),
          accept: 'application/json',
          'accept-encoding': 'gzip',
          'user-agent': USER_AGENT,
        },
      });
      onRequest(req);
      req.on('socket', socket => socket.setKeepAlive(true, 30_000));
      req.on('response', res => resolve({ req, res }));
      req.on('error', reject);
      req.end();
    });
  }
}

function decoded(res: IncomingMessage): Readable {
  return res.headers['content-encoding'] === 'gzip'
    ? res.pipe(createGunzip())
    : res;
}

async function readBody(res: IncomingMessage, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of decoded(res)) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      res.destroy();
      throw new Error(
        `GET ${path} returned more than ${
          MAX_BODY_BYTES / 2 ** 20
        } MiB; lower mesh.cache.pageSize`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Builds an error from a Kubernetes `Status` answer (or any body). */
function statusError(
  statusCode: number,
  body: string,
  path: string,
): KubeStatusError {
  let message = `GET ${path} returned ${statusCode}`;
  let reason: string | undefined;
  try {
    const status = JSON.parse(body);
    if (status && typeof status.message === 'string') {
      message = status.message;
    }
    if (status && typeof status.reason === 'string') {
      reason = status.reason;
    }
  } catch {
    // not a Status object; keep the generic message
  }
  return new KubeStatusError(statusCode, message, reason);
}
