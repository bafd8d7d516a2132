/*
 * A fake Kubernetes API server for tests: msw request handlers that
 * implement get, list (with pagination) and watch (with resourceVersion,
 * bookmarks and 410 Gone) over an in-memory object store, served on a real HTTP socket
 * so that @kubernetes/client-node connects to it like to a real cluster.
 * Every request is counted on the server side. Faults can be switched on:
 * missing CRDs, 403 per kind, 401, hanging, expired watches, malformed data.
 */
import { getResponse, http, HttpResponse, RequestHandler } from 'msw';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo, Socket } from 'net';
import { WATCHED_KINDS } from '@mesh-chain/plugin-mesh-common';

type Obj = Record<string, any>;

interface StoredEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string; // group/plural
  object: Obj;
}

interface OpenWatch {
  resource: string;
  namespace?: string;
  send(line: string): void;
  close(): void;
}

/** A request the fake API server received. */
export interface FakeRequest {
  method: string;
  path: string;
  watch: boolean;
  query: Record<string, string>;
  authorization?: string;
}

/** The handle tests use to drive the fake API server. */
export interface FakeKubeApi {
  url: string;
  token: string;
  requests: FakeRequest[];
  /** Adds or replaces an object; watchers see ADDED or MODIFIED. */
  apply(obj: Obj): Obj;
  /** Deletes an object; watchers see DELETED. */
  remove(obj: { apiVersion: string; kind: string; metadata: Obj }): void;
  /** Serve (or stop serving, 404) an API group, like installing a CRD. */
  setGroupServed(group: string, served: boolean): void;
  /** Answer 403 for a resource (plural), or stop doing so. */
  setForbidden(plural: string, forbidden: boolean): void;
  /** Never answer requests while true. */
  setHanging(hanging: boolean): void;
  /**
   * Forget history: open watches get an ERROR 410 event and watches from an
   * older resourceVersion are refused with 410, as after etcd compaction.
   */
  compact(): void;
  /** Sends a raw line to every open watch of a resource (plural). */
  sendRawToWatches(plural: string, line: string): void;
  /** Sends a BOOKMARK to every open watch. */
  bookmark(): void;
  openWatches(): number;
  /** Requests counted so far (optionally only those matching). */
  count(filter?: (r: FakeRequest) => boolean): number;
  close(): Promise<void>;
}

function resourceKey(group: string, plural: string) {
  return `${group}/${plural}`;
}

const kindToResource = new Map<string, { group: string; plural: string }>();
for (const info of Object.values(WATCHED_KINDS)) {
  kindToResource.set(`${info.group}/${info.kind}`, {
    group: info.group,
    plural: info.plural,
  });
}

function groupOf(apiVersion: string) {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function status(code: number, reason: string, message: string) {
  return HttpResponse.json(
    {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message,
      reason,
      code,
    },
    { status: code },
  );
}

/** Starts a fake API server on 127.0.0.1, port 0. */
export async function startFakeKubeApi(
  options: {
    objects?: Obj[];
    /** The bearer token required; `null` accepts anonymous requests, like `kubectl proxy`. */
    token?: string | null;
    /** Groups not served (CRDs missing), e.g. `networking.istio.io`. */
    missingGroups?: string[];
  } = {},
): Promise<FakeKubeApi> {
  const token = options.token === undefined ? 'test-token' : options.token;
  let rv = 1000;
  let compactedBefore = 0;
  const objects = new Map<string, Obj>(); // resource|ns|name -> obj
  const events: StoredEvent[] = [];
  const watches = new Set<OpenWatch>();
  const missing = new Set(options.missingGroups ?? []);
  const forbidden = new Set<string>();
  const requests: FakeRequest[] = [];
  let hanging = false;
  const hangers = new Set<() => void>();

  function storeKey(resource: string, ns: string | undefined, name: string) {
    return `${resource}|${ns ?? ''}|${name}`;
  }

  function resourceOf(obj: Obj) {
    const r = kindToResource.get(`${groupOf(obj.apiVersion)}/${obj.kind}`);
    if (!r) {
      throw new Error(
        `fake API server: unknown kind ${obj.apiVersion} ${obj.kind}`,
      );
    }
    return resourceKey(r.group, r.plural);
  }

  function publish(event: StoredEvent) {
    events.push(event);
    const line = JSON.stringify({ type: event.type, object: event.object });
    for (const w of watches) {
      if (
        w.resource === event.resource &&
        (!w.namespace || w.namespace === event.object.metadata.namespace)
      ) {
        w.send(line);
      }
    }
  }

  function apply(input: Obj): Obj {
    const resource = resourceOf(input);
    const meta = input.metadata ?? {};
    const key = storeKey(resource, meta.namespace, meta.name);
    const existed = objects.has(key);
    const obj = structuredClone(input);
    obj.metadata = {
      uid: `uid-${meta.namespace ?? ''}-${meta.name}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...obj.metadata,
      resourceVersion: String(++rv),
    };
    objects.set(key, obj);
    publish({
      rv,
      type: existed ? 'MODIFIED' : 'ADDED',
      resource,
      object: obj,
    });
    return obj;
  }

  function remove(input: { apiVersion: string; kind: string; metadata: Obj }) {
    const resource = resourceOf(input);
    const key = storeKey(
      resource,
      input.metadata.namespace,
      input.metadata.name,
    );
    const existing = objects.get(key);
    if (!existing) {
      return;
    }
    objects.delete(key);
    const object = {
      ...existing,
      metadata: { ...existing.metadata, resourceVersion: String(++rv) },
    };
    publish({ rv, type: 'DELETED', resource, object });
  }

  for (const obj of options.objects ?? []) {
    apply(obj);
  }

  async function maybeHang() {
    if (hanging) {
      await new Promise<void>(resolve => hangers.add(resolve));
    }
  }

  async function handle(
    request: Request,
    params: {
      group?: string;
      version?: string;
      ns?: string;
      plural?: string;
      name?: string;
    },
  ): Promise<Response> {
    const url = new URL(request.url);
    const query = Object.fromEntries(url.searchParams.entries());
    const watch = query.watch === 'true' || query.watch === '1';
    requests.push({
      method: request.method,
      path: url.pathname,
      watch,
      query,
      authorization: request.headers.get('authorization') ?? undefined,
    });
    await maybeHang();
    if (
      token !== null &&
      request.headers.get('authorization') !== `Bearer ${token}`
    ) {
      return status(401, 'Unauthorized', 'Unauthorized');
    }
    const group = params.group ?? '';
    const plural = String(params.plural);
    if (missing.has(group)) {
      return status(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    const info = Object.values(WATCHED_KINDS).find(
      k => k.group === group && k.plural === plural,
    );
    if (!info) {
      return status(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    if (forbidden.has(plural)) {
      let verb = params.name ? 'get' : 'list';
      if (watch) {
        verb = 'watch';
      }
      return status(
        403,
        'Forbidden',
        `${plural}${
          group ? `.${group}` : ''
        } is forbidden: User "system:serviceaccount:backstage:reader" cannot ${verb} resource "${plural}" in API group "${group}" at the cluster scope`,
      );
    }
    const resource = resourceKey(group, plural);
    const ns = params.ns;
    if (params.name !== undefined) {
      const obj = objects.get(storeKey(resource, ns, params.name));
      return obj
        ? HttpResponse.json(obj)
        : status(404, 'NotFound', `${plural} "${params.name}" not found`);
    }
    const matching = [...objects.entries()]
      .filter(
        ([key, obj]) =>
          key.startsWith(`${resource}|`) &&
          (!ns || obj.metadata.namespace === ns),
      )
      .map(([, obj]) => obj);

    if (!watch) {
      const limit = query.limit ? Number(query.limit) : Infinity;
      const start = query.continue ? Number(query.continue) : 0;
      const page = matching.slice(start, start + limit);
      const next =
        start + page.length < matching.length ? start + page.length : undefined;
      return HttpResponse.json({
        kind: `${info.kind}List`,
        apiVersion: group ? `${group}/${params.version}` : params.version,
        metadata: {
          resourceVersion: String(rv),
          ...(next !== undefined && { continue: String(next) }),
        },
        // Like a real API server, list items carry no apiVersion/kind.
        items: page.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
      });
    }

    const from = Number(query.resourceVersion ?? 0);
    const encoder = new TextEncoder();
    let entry: OpenWatch;
    let timer: NodeJS.Timeout | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false;
        entry = {
          resource,
          namespace: ns,
          send(line) {
            if (!closed) {
              controller.enqueue(encoder.encode(`${line}\n`));
            }
          },
          close() {
            if (!closed) {
              closed = true;
              watches.delete(entry);
              clearTimeout(timer);
              controller.close();
            }
          },
        };
        watches.add(entry);
        if (from && from < compactedBefore) {
          entry.send(
            JSON.stringify({
              type: 'ERROR',
              object: {
                kind: 'Status',
                apiVersion: 'v1',
                status: 'Failure',
                message: `too old resource version: ${from} (${compactedBefore})`,
                reason: 'Expired',
                code: 410,
              },
            }),
          );
          entry.close();
          return;
        }
        for (const e of events) {
          if (
            e.rv > from &&
            e.resource === resource &&
            (!ns || e.object.metadata.namespace === ns)
          ) {
            entry.send(JSON.stringify({ type: e.type, object: e.object }));
          }
        }
        const seconds = Number(query.timeoutSeconds ?? 0);
        if (seconds > 0) {
          timer = setTimeout(() => entry.close(), seconds * 1000);
        }
      },
      cancel() {
        watches.delete(entry);
        clearTimeout(timer);
      },
    });
    return new HttpResponse(stream, {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }

  const handlers: RequestHandler[] = [
    http.get('*/api/:version/namespaces/:ns/:plural', ({ request, params }) =>
      handle(request, params as any),
    ),
    http.get(
      '*/api/:version/namespaces/:ns/:plural/:name',
      ({ request, params }) => handle(request, params as any),
    ),
    http.get('*/api/:version/:plural', ({ request, params }) =>
      handle(request, params as any),
    ),
    http.get(
      '*/apis/:group/:version/namespaces/:ns/:plural',
      ({ request, params }) => handle(request, params as any),
    ),
    http.get(
      '*/apis/:group/:version/namespaces/:ns/:plural/:name',
      ({ request, params }) => handle(request, params as any),
    ),
    http.get('*/apis/:group/:version/:plural', ({ request, params }) =>
      handle(request, params as any),
    ),
  ];

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    bridge(req, res, handlers).catch(error => {
      if (!res.headersSent) {
        res.statusCode = 500;
      }
      res.end(String(error));
    });
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: token ?? '',
    requests,
    apply,
    remove,
    setGroupServed(group, served) {
      if (served) {
        missing.delete(group);
      } else {
        missing.add(group);
      }
    },
    setForbidden(plural, value) {
      if (value) {
        forbidden.add(plural);
      } else {
        forbidden.delete(plural);
      }
    },
    setHanging(value) {
      hanging = value;
      if (!value) {
        hangers.forEach(h => h());
        hangers.clear();
      }
    },
    compact() {
      compactedBefore = rv;
      events.length = 0;
      for (const w of [...watches]) {
        w.send(
          JSON.stringify({
            type: 'ERROR',
            object: {
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              message: 'too old resource version',
              reason: 'Expired',
              code: 410,
            },
          }),
        );
        w.close();
      }
    },
    sendRawToWatches(plural, line) {
      for (const w of watches) {
        if (w.resource.endsWith(`/${plural}`)) {
          w.send(line);
        }
      }
    },
    bookmark() {
      for (const w of watches) {
        w.send(
          JSON.stringify({
            type: 'BOOKMARK',
            object: { metadata: { resourceVersion: String(rv) } },
          }),
        );
      }
    },
    openWatches: () => watches.size,
    count: filter =>
      filter ? requests.filter(filter).length : requests.length,
    async close() {
      hangers.forEach(h => h());
      for (const w of [...watches]) {
        w.close();
      }
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

/** Serves msw handlers on a node HTTP server, streaming response bodies. */
async function bridge(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: RequestHandler[],
) {
  const url = `http://${req.headers.host}${req.url}`;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') {
      headers.set(key, value);
    }
  }
  const request = new Request(url, { method: req.method, headers });
  const response =
    (await getResponse(handlers, request)) ??
    new Response('not found', { status: 404 });
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  res.on('close', () => {
    reader.cancel().catch(() => {});
  });
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({
      done: true as const,
      value: undefined,
    }));
    if (done) {
      break;
    }
    res.write(value);
  }
  res.end();
}
