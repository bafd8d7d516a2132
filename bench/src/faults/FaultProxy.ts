/*
 * A fault-injecting HTTP proxy between the mesh backend and one demo
 * cluster: the backend is configured with the proxy's URL, and the proxy
 * forwards every request to the cluster (over HTTPS, trusting its CA) until
 * told to misbehave as a real cluster or network can: refuse connections,
 * answer late, reject the token (401) or the identity (403), not serve the
 * Istio and Gateway API groups (CRDs absent), cut watches mid-stream, or
 * serve objects the simulator would not store (hostile objects, added to
 * lists and sent to open watches).
 */
import http, { IncomingMessage, ServerResponse } from 'http';
import https from 'https';
import type { AddressInfo, Socket } from 'net';

/** How the proxy misbehaves; everything off is a transparent proxy. */
export interface FaultSettings {
  /** Added before every request is forwarded, ms. */
  latencyMs: number;
  /** Replaces the caller's `Authorization` header (e.g. a revoked token). */
  authorization?: string;
  /** Answers every API request 403 Forbidden itself. */
  forbid: boolean;
  /** API groups answered 404, as when their CRDs are not installed. */
  hiddenGroups: string[];
}

const TRANSPARENT: FaultSettings = {
  latencyMs: 0,
  forbid: false,
  hiddenGroups: [],
};

interface OpenWatch {
  path: string;
  res: ServerResponse;
}

/** An object served in addition to the cluster's, under an API path. */
export interface InjectedObject {
  /** The list path without namespace, e.g. `/api/v1/services`. */
  path: string;
  object: {
    metadata: { name: string; namespace?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
}

function status(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
) {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** `/api/v1/namespaces/shop/services` -> `/api/v1/services` and `shop`. */
function splitNamespace(path: string): { base: string; namespace?: string } {
  const m = /^(\/apis?\/.+?)\/namespaces\/([^/]+)\/([^/]+)$/.exec(path);
  return m ? { base: `${m[1]}/${m[3]}`, namespace: m[2] } : { base: path };
}

/** A fault-injecting proxy to one cluster. */
export class FaultProxy {
  settings: FaultSettings = { ...TRANSPARENT };
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<OpenWatch>();
  private readonly injected: InjectedObject[] = [];
  private port = 0;

  constructor(private target: { url: string; caPem?: string }) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens (again, on the same port once it had one). */
  async open(): Promise<void> {
    if (this.server) {
      return;
    }
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => res.socket?.destroy());
    });
    server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection: the cluster is gone. */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    const closed = new Promise<void>(resolve => server.close(() => resolve()));
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await closed;
  }

  /** Forwards to another server from now on (e.g. a restarted cluster). */
  retarget(target: { url: string; caPem?: string }) {
    this.target = target;
  }

  /** Back to a transparent proxy (hostile objects are removed separately). */
  reset() {
    this.settings = { ...TRANSPARENT };
  }

  /** Cuts every open watch mid-stream, as a load balancer would. */
  cutWatches(pathPrefix = '') {
    for (const w of [...this.watches]) {
      if (w.path.startsWith(pathPrefix)) {
        w.res.socket?.destroy();
      }
    }
  }

  openWatches(): number {
    return this.watches.size;
  }

  /** Serves objects besides the cluster's: in lists, and ADDED to open watches. */
  inject(objects: InjectedObject[]) {
    this.injected.push(...objects);
    for (const o of objects) {
      this.sendToWatches(o, 'ADDED');
    }
  }

  /** Stops serving the injected objects; open watches see them DELETED. */
  removeInjected() {
    for (const o of this.injected.splice(0)) {
      this.sendToWatches(o, 'DELETED');
    }
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private sendToWatches(o: InjectedObject, type: 'ADDED' | 'DELETED') {
    const line = `${JSON.stringify({ type, object: o.object })}\n`;
    for (const w of this.watches) {
      const { base, namespace } = splitNamespace(w.path);
      if (
        base === o.path &&
        (!namespace || namespace === o.object.metadata.namespace)
      ) {
        w.res.write(line);
      }
    }
  }

  private injectedFor(path: string) {
    const { base, namespace } = splitNamespace(path);
    return this.injected
      .filter(
        o =>
          o.path === base &&
          (!namespace || namespace === o.object.metadata.namespace),
      )
      .map(o => o.object);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const path = url.pathname;
    const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    const { latencyMs, forbid, hiddenGroups, authorization } = this.settings;
    if (latencyMs > 0) {
      await new Promise(resolve => setTimeout(resolve, latencyMs));
      if (req.destroyed || res.destroyed) {
        return;
      }
    }
    const api = path.startsWith('/api/') || path.startsWith('/apis/');
    if (forbid && api) {
      status(
        res,
        403,
        'Forbidden',
        `${path} is forbidden: User "system:serviceaccount:backstage:mesh-reader" cannot ${
          watch ? 'watch' : 'list'
        } this resource`,
      );
      return;
    }
    if (hiddenGroups.some(g => path.startsWith(`/apis/${g}/`))) {
      status(
        res,
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
      return;
    }
    const target = new URL(this.target.url);
    const headers = { ...req.headers, host: target.host };
    // Plain JSON back, so that lists and watch lines can be edited.
    delete headers['accept-encoding'];
    if (authorization !== undefined) {
      headers.authorization = authorization;
    }
    const upstream = https.request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers, ca: this.target.caPem },
      up => this.answer(path, watch, up, res),
    );
    // The cluster is not there: the caller's connection fails too.
    upstream.on('error', () => res.socket?.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  private answer(
    path: string,
    watch: boolean,
    up: IncomingMessage,
    res: ServerResponse,
  ) {
    const extra = this.injectedFor(path);
    if (watch && up.statusCode === 200) {
      this.forwardWatch(path, up, res);
      return;
    }
    if (up.statusCode !== 200 || extra.length === 0) {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      return;
    }
    // A list: the injected objects join its last page.
    const chunks: Buffer[] = [];
    up.on('data', chunk => chunks.push(chunk));
    up.on('end', () => {
      const list = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (!list.metadata?.continue && Array.isArray(list.items)) {
        list.items.push(...extra);
      }
      const body = JSON.stringify(list);
      const { 'content-length': _length, ...headers } = up.headers;
      res.writeHead(200, {
        ...headers,
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
    up.on('error', () => res.socket?.destroy());
  }

  /** Passes a watch through line by line, so injected lines fit between. */
  private forwardWatch(path: string, up: IncomingMessage, res: ServerResponse) {
    const { 'content-length': _length, ...headers } = up.headers;
    res.writeHead(200, headers);
    res.flushHeaders();
    const entry: OpenWatch = { path, res };
    this.watches.add(entry);
    let buffered = '';
    up.setEncoding('utf8');
    up.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.lastIndexOf('\n');
      if (end >= 0) {
        res.write(buffered.slice(0, end + 1));
        buffered = buffered.slice(end + 1);
      }
    });
    up.on('end', () => res.end(buffered));
    up.on('error', () => res.socket?.destroy());
    res.on('close', () => {
      this.watches.delete(entry);
      up.destroy();
    });
  }
}
