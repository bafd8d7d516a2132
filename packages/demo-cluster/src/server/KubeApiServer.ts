/*
 * The HTTP(S) front of the simulator: routes Kubernetes REST paths to the
 * ObjectApi, authenticates bearer tokens, authorizes verbs, negotiates
 * JSON / Table / PartialObjectMetadata responses, streams watches and logs,
 * adds the configured latency and counts requests.
 */
import http, { IncomingMessage, ServerResponse } from 'http';
import https from 'https';
import type { AddressInfo } from 'net';
import YAML from 'yaml';
import {
  ApiError,
  badRequest,
  forbidden,
  methodNotAllowed,
  notFound,
  toApiError,
  tooLarge,
  unauthorized,
  unsupportedMediaType,
} from '../api/errors';
import {
  jsonDuplicateFields,
  parseFieldValidation,
} from '../api/fieldValidation';
import {
  ObjectApi,
  PATCH_TYPES,
  scaleOf,
  WriteContext,
} from '../api/ObjectApi';
import {
  RESOURCE_TYPES,
  ResourceType,
  apiVersionOf,
  findByPath,
  resourceKey,
} from '../api/resources';
import { parseFieldSelector, parseLabelSelector } from '../api/selectors';
import { IncludeObject, toTable } from '../api/table';
import type { MetricsProvider } from '../controllers/metrics';
import type { Store } from '../store/Store';
import type { KubeObject } from '../types';
import { bearerToken, denial, TokenPolicy } from './auth';
import {
  coreVersions,
  group as groupDoc,
  groupList,
  resourceList,
  versionInfo,
} from './discovery';
import { nextLogLine, podLogLines } from './logs';
import { openApiV2, openApiV3Document, openApiV3Root } from './openapi';
import type { StatsRecorder } from './stats';
import { WatchHub } from './watch';

const MAX_BODY_BYTES = 3 * 1024 * 1024;
const MAX_WARNING_BYTES = 4096;

export interface KubeApiServerOptions {
  api: ObjectApi;
  store: Store;
  stats: StatsRecorder;
  tokens: Record<string, TokenPolicy>;
  latencyMs: () => number;
  served: (t: ResourceType) => boolean;
  bookmarkIntervalMs: number;
  /** How often a running container writes a log line. */
  logPeriodMs: number;
  tls?: { cert: string; key: string };
  /** The metrics.k8s.io API. */
  metrics: MetricsProvider;
}

/** A parsed resource request. */
interface ResourceRoute {
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

type Format =
  | { kind: 'json' }
  | { kind: 'table'; include: IncludeObject }
  | { kind: 'partial' };

function negotiate(accept: string | undefined, query: URLSearchParams): Format {
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map(s => s.trim());
    const p = Object.fromEntries(
      params.map(x => x.split('=').map(s => s.trim()) as [string, string]),
    );
    if (type !== 'application/json' && type !== '*/*') continue;
    if (p.as === 'Table' && p.g === 'meta.k8s.io') {
      const include = (query.get('includeObject') ??
        'Metadata') as IncludeObject;
      return { kind: 'table', include };
    }
    if (
      (p.as === 'PartialObjectMetadata' ||
        p.as === 'PartialObjectMetadataList') &&
      p.g === 'meta.k8s.io'
    ) {
      return { kind: 'partial' };
    }
    if (!p.as) return { kind: 'json' };
  }
  return { kind: 'json' };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw.trim()) return undefined;
  const type = (contentType ?? 'application/json').split(';')[0].trim();
  try {
    if (type === 'application/yaml' || type === 'application/x-yaml') {
      return YAML.parse(raw);
    }
    if (type.includes('protobuf') || type.includes('cbor')) {
      throw unsupportedMediaType(
        'the demo cluster reads request bodies as JSON or YAML only, not protobuf (which kubectl\'s typed "create <kind>" commands send); use `kubectl create -f` or `kubectl apply -f` with a manifest instead - accepted media types include: application/json, application/yaml',
      );
    }
    return JSON.parse(raw);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw badRequest(
      `the request body is not valid ${type}: ${(error as Error).message}`,
    );
  }
}

/** Duplicate fields of a JSON body (YAML bodies refuse duplicate keys). */
function duplicatesOf(raw: string, contentType: string | undefined): string[] {
  const type = (contentType ?? 'application/json').split(';')[0].trim();
  return type === 'application/json' && raw.trim()
    ? jsonDuplicateFields(raw)
    : [];
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

export class KubeApiServer {
  private server?: http.Server;
  private readonly hub: WatchHub;
  private readonly json = new WeakMap<KubeObject, string>();
  private readonly sockets = new Set<import('net').Socket>();
  private readonly streams = new Set<ServerResponse>();

  constructor(private readonly options: KubeApiServerOptions) {
    this.hub = new WatchHub(
      options.store,
      options.stats,
      options.bookmarkIntervalMs,
    );
  }

  async listen(port: number, host: string): Promise<number> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch(error => this.fail(res, toApiError(error)));
    };
    const server = this.options.tls
      ? https.createServer(
          { cert: this.options.tls.cert, key: this.options.tls.key },
          handler,
        )
      : http.createServer(handler);
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 0;
    server.on('connection', s => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on(this.options.tls ? 'secureConnection' : 'connection', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  /** Ends every open watch stream. */
  endWatches() {
    this.hub.endAll();
  }

  async close() {
    this.hub.closeAll();
    for (const r of this.streams) r.end();
    const server = this.server;
    if (!server) return;
    await new Promise<void>(resolve => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  private send(
    res: ServerResponse,
    code: number,
    body: string,
    type = 'application/json',
  ) {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(code, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-cache, private',
    });
    res.end(body);
  }

  private fail(res: ServerResponse, error: ApiError) {
    this.options.stats.error(error.code);
    this.send(res, error.code, JSON.stringify(error.toStatus()));
  }

  /** JSON of an object at a version, cached for the storage version. */
  private objectJson(o: KubeObject, apiVersion: string): string {
    if (o.apiVersion !== apiVersion)
      return JSON.stringify({ ...o, apiVersion });
    let s = this.json.get(o);
    if (!s) {
      s = JSON.stringify(o);
      this.json.set(o, s);
    }
    return s;
  }

  private route(segments: string[]): ResourceRoute | 'discovery' | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api') {
      if (segments.length < 2) return 'discovery';
      group = '';
      version = segments[1];
      rest = segments.slice(2);
    } else {
      if (segments.length < 3) return 'discovery';
      group = segments[1];
      version = segments[2];
      rest = segments.slice(3);
    }
    if (rest.length === 0) return 'discovery';
    const served = (t?: ResourceType) =>
      t && this.options.served(t) ? t : undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const nsType = served(findByPath(group, version, rest[2]));
      if (nsType?.namespaced) {
        if (rest.length > 5) return undefined;
        return {
          type: nsType,
          version,
          namespace: rest[1],
          name: rest[3],
          subresource: rest[4],
        };
      }
    }
    const type = served(findByPath(group, version, rest[0]));
    if (!type || rest.length > 3) return undefined;
    if (type.namespaced && rest.length > 1) return undefined;
    return { type, version, name: rest[1], subresource: rest[2] };
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const query = url.searchParams;
    const method = req.method ?? 'GET';

    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      this.send(res, 200, 'ok', 'text/plain; charset=utf-8');
      return;
    }

    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const route =
      segments[0] === 'api' || segments[0] === 'apis'
        ? this.route(segments)
        : undefined;
    const isWatch = query.get('watch') === 'true' || query.get('watch') === '1';
    let verb: string;
    let resource: string;
    if (route && route !== 'discovery') {
      resource = resourceKey(route.type);
      if (route.subresource) resource += `/${route.subresource}`;
      verb =
        {
          GET: route.name ? 'get' : (isWatch && 'watch') || 'list',
          POST: 'create',
          PUT: 'update',
          PATCH: 'patch',
          DELETE: route.name ? 'delete' : 'deletecollection',
        }[method] ?? method.toLowerCase();
    } else {
      verb = path.startsWith('/openapi') ? 'openapi' : 'discovery';
      resource = path;
    }
    this.options.stats.request(verb, resource);

    const latency = this.options.latencyMs();
    if (latency > 0) await sleep(latency);

    if (path === '/version') {
      this.send(res, 200, JSON.stringify(versionInfo()));
      return;
    }

    const token = bearerToken(req.headers.authorization);
    const policy = token ? this.options.tokens[token] : undefined;
    if (!policy) {
      throw unauthorized();
    }

    if (path.startsWith('/openapi/')) {
      this.serveOpenApi(res, path, req);
      return;
    }
    if (route === 'discovery' || path === '/api' || path === '/apis') {
      this.serveDiscovery(res, segments, req);
      return;
    }
    if (!route) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }

    const { type, namespace, name, subresource } = route;
    const denied = denial(policy, {
      verb,
      resource: type,
      subresource,
      namespace,
      name,
    });
    if (denied) {
      throw forbidden(
        {
          group: type.group,
          plural: subresource ? `${type.plural}/${subresource}` : type.plural,
        },
        name,
        denied,
      );
    }
    if (subresource && !type.subresources.includes(subresource)) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }

    // Namespaced kinds are written in a namespace: /api/v1/pods is read-only.
    if (type.namespaced && !namespace && method !== 'GET') {
      throw methodNotAllowed();
    }

    const format = negotiate(req.headers.accept, query);
    const apiVersion = apiVersionOf(type, route.version);
    const ctx: WriteContext & { force?: boolean } = {
      caller: { user: policy.user, groups: policy.groups ?? [] },
      dryRun: this.dryRun(query),
      fieldManager: query.get('fieldManager') ?? undefined,
      userAgent: req.headers['user-agent'],
      version: route.version,
      force: query.get('force') === 'true',
    };
    ctx.fieldValidation = parseFieldValidation(query.get('fieldValidation'));
    ctx.warnings = [];
    const { api } = this.options;

    if (type.virtual) {
      this.serveMetrics(res, route, query, method, isWatch);
      return;
    }

    if (subresource === 'log') {
      await this.serveLog(res, type, namespace!, name!, query);
      return;
    }

    switch (method) {
      case 'GET': {
        if (name) {
          const obj = api.get(type, namespace ?? '', name);
          this.sendObject(
            res,
            200,
            subresource === 'scale' ? scaleOf(obj) : obj,
            type,
            apiVersion,
            format,
          );
        } else if (isWatch) {
          this.watch(res, route, query, format);
        } else {
          this.list(res, route, query, format, apiVersion);
        }
        return;
      }
      case 'POST': {
        if (name) throw methodNotAllowed();
        const raw = await readBody(req);
        const body = parseBody(raw, req.headers['content-type']);
        ctx.duplicateFields = duplicatesOf(raw, req.headers['content-type']);
        const created = api.create(type, namespace, body, ctx);
        this.warn(res, ctx.warnings);
        this.sendObject(res, 201, created, type, apiVersion, format);
        return;
      }
      case 'PUT': {
        if (!name) throw methodNotAllowed();
        const raw = await readBody(req);
        const body = parseBody(raw, req.headers['content-type']);
        ctx.duplicateFields = duplicatesOf(raw, req.headers['content-type']);
        if (subresource === 'scale') {
          this.sendObject(
            res,
            200,
            api.updateScale(type, namespace, name, body, ctx),
            type,
            apiVersion,
            { kind: 'json' },
          );
          return;
        }
        const updated = api.update(
          type,
          namespace,
          name,
          body,
          ctx,
          subresource as 'status' | undefined,
        );
        this.warn(res, ctx.warnings);
        this.sendObject(res, 200, updated, type, apiVersion, format);
        return;
      }
      case 'PATCH': {
        if (!name) throw methodNotAllowed();
        const contentType = req.headers['content-type'] ?? '';
        if (ctx.force && !contentType.startsWith(PATCH_TYPES.apply)) {
          throw badRequest(
            'force: Invalid value: true: may not be specified for non-apply patch',
          );
        }
        const raw = await readBody(req);
        const existed = Boolean(
          this.options.store.get(
            type,
            type.namespaced ? namespace ?? '' : '',
            name,
          ),
        );
        const patched = api.patch(
          type,
          namespace,
          name,
          contentType,
          raw,
          ctx,
          subresource as 'status' | 'scale' | undefined,
        );
        const code =
          !existed && contentType.startsWith(PATCH_TYPES.apply) ? 201 : 200;
        this.warn(res, ctx.warnings);
        this.sendObject(
          res,
          code,
          patched,
          type,
          apiVersion,
          subresource === 'scale' ? { kind: 'json' } : format,
        );
        return;
      }
      case 'DELETE': {
        const raw = await readBody(req);
        const options = (parseBody(raw, 'application/json') ?? {}) as Record<
          string,
          any
        >;
        const grace =
          query.get('gracePeriodSeconds') ?? options.gracePeriodSeconds;
        const deleteOptions = {
          propagationPolicy:
            query.get('propagationPolicy') ?? options.propagationPolicy,
          gracePeriodSeconds:
            grace === undefined || grace === null ? undefined : Number(grace),
          preconditions: options.preconditions,
        };
        if (Array.isArray(options.dryRun) && options.dryRun.includes('All'))
          ctx.dryRun = true;
        if (name) {
          const deleted = api.delete(type, namespace, name, ctx, deleteOptions);
          this.sendObject(res, 200, deleted, type, apiVersion, format);
        } else {
          const items = api.deleteCollection(
            type,
            namespace,
            {
              labelSelector: query.get('labelSelector') ?? undefined,
              fieldSelector: query.get('fieldSelector') ?? undefined,
            },
            ctx,
            deleteOptions,
          );
          this.sendList(
            res,
            type,
            apiVersion,
            {
              items,
              resourceVersion: String(this.options.store.resourceVersion),
            },
            { kind: 'json' },
          );
        }
        return;
      }
      default:
        throw methodNotAllowed();
    }
  }

  /**
   * One `Warning: 299 - "..."` header per warning, as the API server sends
   * them (kubectl prints each as `Warning: ...`): ASCII only, and like the
   * API server's recorder at most about 4 KiB in all (long warnings are
   * cut to 256 characters, and what does not fit is dropped).
   */
  private warn(res: ServerResponse, warnings: string[] | undefined) {
    if (!warnings?.length) return;
    const total = warnings.reduce((n, w) => n + w.length, 0);
    const values: string[] = [];
    let size = 0;
    for (const w of warnings) {
      const text = total > MAX_WARNING_BYTES ? w.slice(0, 256) : w;
      const value = `299 - ${JSON.stringify(text).replace(
        /[^\x20-\x7e]/g,
        c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )}`;
      if (size + value.length > MAX_WARNING_BYTES) break;
      size += value.length;
      values.push(value);
    }
    res.setHeader('Warning', values);
  }

  private dryRun(query: URLSearchParams): boolean {
    const values = query.getAll('dryRun');
    if (!values.length) return false;
    for (const v of values) {
      if (v !== 'All') {
        throw badRequest(
          `dryRun: Unsupported value: "${v}": supported values: "All"`,
        );
      }
    }
    return true;
  }

  private sendObject(
    res: ServerResponse,
    code: number,
    obj: KubeObject,
    type: ResourceType,
    apiVersion: string,
    format: Format,
  ) {
    if (obj.kind !== type.kind) {
      // Scale and other subresource kinds are sent as they are.
      this.send(res, code, JSON.stringify(obj));
      return;
    }
    if (format.kind === 'table') {
      const table = toTable(type, [obj], {
        include: format.include,
        apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
      });
      this.send(res, code, JSON.stringify(table));
      return;
    }
    if (format.kind === 'partial') {
      this.send(
        res,
        code,
        JSON.stringify({
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: obj.metadata,
        }),
      );
      return;
    }
    this.send(res, code, this.objectJson(obj, apiVersion));
  }

  private list(
    res: ServerResponse,
    route: ResourceRoute,
    query: URLSearchParams,
    format: Format,
    apiVersion: string,
  ) {
    const limit = query.get('limit');
    const result = this.options.api.list(route.type, route.namespace, {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
      limit: limit ? Number(limit) : undefined,
      continue: query.get('continue') ?? undefined,
    });
    this.sendList(res, route.type, apiVersion, result, format);
  }

  private sendList(
    res: ServerResponse,
    type: ResourceType,
    apiVersion: string,
    result: {
      items: KubeObject[];
      resourceVersion: string;
      continue?: string;
      remainingItemCount?: number;
    },
    format: Format,
  ) {
    const metadata = {
      resourceVersion: result.resourceVersion,
      ...(result.continue && { continue: result.continue }),
      ...(result.remainingItemCount !== undefined && {
        remainingItemCount: result.remainingItemCount,
      }),
    };
    if (format.kind === 'table') {
      this.send(
        res,
        200,
        JSON.stringify(
          toTable(type, result.items, {
            ...metadata,
            include: format.include,
            apiVersion,
          }),
        ),
      );
      return;
    }
    if (format.kind === 'partial') {
      this.send(
        res,
        200,
        JSON.stringify({
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata,
          items: result.items.map(o => ({
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: o.metadata,
          })),
        }),
      );
      return;
    }
    const head = `{"kind":"${
      type.kind
    }List","apiVersion":"${apiVersion}","metadata":${JSON.stringify(
      metadata,
    )},"items":[`;
    const items = result.items.map(o => this.objectJson(o, apiVersion));
    const body = `${head}${items.join(',')}]}`;
    this.send(res, 200, body);
  }

  private watch(
    res: ServerResponse,
    route: ResourceRoute,
    query: URLSearchParams,
    format: Format,
  ) {
    const rvParam = query.get('resourceVersion');
    let resourceVersion: number | undefined;
    if (rvParam !== null && rvParam !== '') {
      resourceVersion = Number(rvParam);
      if (!Number.isInteger(resourceVersion) || resourceVersion < 0) {
        throw badRequest(
          `resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`,
        );
      }
    }
    const sendInitialEvents = query.get('sendInitialEvents') === 'true';
    const allowBookmarks = query.get('allowWatchBookmarks') === 'true';
    if (sendInitialEvents && !allowBookmarks) {
      throw badRequest(
        'allowWatchBookmarks: Required value: sendInitialEvents requires setting allowWatchBookmarks to true',
      );
    }
    const timeout = query.get('timeoutSeconds');
    this.hub.open(
      {
        type: route.type,
        version: route.version,
        namespace: route.type.namespaced ? route.namespace : undefined,
        labels: parseLabelSelector(query.get('labelSelector') ?? undefined),
        fields: parseFieldSelector(
          query.get('fieldSelector') ?? undefined,
          route.type.kind,
        ),
        resourceVersion,
        sendInitialEvents,
        allowBookmarks,
        timeoutSeconds: timeout ? Number(timeout) : undefined,
        table: format.kind === 'table' ? format.include : undefined,
      },
      res,
    );
  }

  private async serveLog(
    res: ServerResponse,
    type: ResourceType,
    namespace: string,
    name: string,
    query: URLSearchParams,
  ) {
    const pod = this.options.api.get(type, namespace, name);
    const names: string[] = (pod.spec?.containers ?? []).map(
      (c: any) => c.name,
    );
    let container = query.get('container') ?? undefined;
    if (!container) {
      if (names.length !== 1) {
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${names.join(
            ' ',
          )}]`,
        );
      }
      container = names[0];
    }
    if (!names.includes(container)) {
      throw badRequest(`container ${container} is not valid for pod ${name}`);
    }
    const status = (pod.status?.containerStatuses ?? []).find(
      (c: any) => c.name === container,
    );
    if (!status?.state?.running) {
      const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
      throw badRequest(
        `container "${container}" in pod "${name}" is waiting to start: ${reason}`,
      );
    }
    let lines = podLogLines(pod, container, {
      periodMs: this.options.logPeriodMs,
    });
    const tail = query.get('tailLines');
    if (tail !== null)
      lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    const timestamps = query.get('timestamps') === 'true';
    const fmt = (l: string) => (timestamps ? l : l.replace(/^\S+ /, ''));
    if (query.get('follow') !== 'true') {
      this.send(res, 200, lines.map(l => `${fmt(l)}\n`).join(''), 'text/plain');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Transfer-Encoding': 'chunked',
    });
    for (const l of lines) res.write(`${fmt(l)}\n`);
    this.streams.add(res);
    let n = 0;
    const timer = setInterval(() => {
      const current = this.options.store.get(type, namespace, name);
      if (!current || current.metadata.uid !== pod.metadata.uid) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(`${fmt(nextLogLine(pod, n++))}\n`);
    }, this.options.logPeriodMs);
    timer.unref();
    res.on('close', () => {
      clearInterval(timer);
      this.streams.delete(res);
    });
  }

  private serveMetrics(
    res: ServerResponse,
    route: ResourceRoute,
    query: URLSearchParams,
    method: string,
    isWatch: boolean,
  ) {
    if (method !== 'GET' || isWatch || route.subresource)
      throw methodNotAllowed();
    const { metrics } = this.options;
    const labelSelector = query.get('labelSelector') ?? undefined;
    const items =
      route.type.kind === 'PodMetrics'
        ? metrics.pods(route.namespace, labelSelector)
        : metrics.nodes(labelSelector);
    const apiVersion = apiVersionOf(route.type, route.version);
    if (route.name) {
      const one = items.find(i => i.metadata.name === route.name);
      if (!one) {
        const shown = route.namespace
          ? `${route.namespace}/${route.name}`
          : route.name;
        throw new ApiError(
          404,
          'NotFound',
          `${route.type.kind.toLowerCase()}.metrics.k8s.io "${shown}" not found`,
          {
            name: route.name,
            group: 'metrics.k8s.io',
            kind: route.type.plural,
          },
        );
      }
      this.send(res, 200, JSON.stringify(one));
      return;
    }
    this.send(
      res,
      200,
      JSON.stringify({
        kind: `${route.type.kind}List`,
        apiVersion,
        metadata: {},
        items,
      }),
    );
  }

  private serveDiscovery(
    res: ServerResponse,
    segments: string[],
    _req: IncomingMessage,
  ) {
    const served = this.options.served;
    const address = `${
      (this.server?.address() as AddressInfo | null)?.address ?? '127.0.0.1'
    }:${(this.server?.address() as AddressInfo | null)?.port ?? 0}`;
    let doc: unknown;
    if (segments[0] === 'api') {
      if (segments.length === 1) doc = coreVersions(address);
      else if (segments[1] === 'v1') doc = resourceList('', 'v1', served);
    } else if (segments.length === 1) {
      doc = groupList(served);
    } else if (segments.length === 2) {
      doc = groupDoc(segments[1], served);
    } else {
      doc = resourceList(segments[1], segments[2], served);
    }
    if (!doc) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    this.send(res, 200, JSON.stringify(doc));
  }

  private serveOpenApi(
    res: ServerResponse,
    path: string,
    req: IncomingMessage,
  ) {
    const served = RESOURCE_TYPES.filter(this.options.served);
    if (path === '/openapi/v2') {
      const doc = openApiV2(served, req.headers.accept);
      this.send(res, 200, doc.body as any, doc.contentType);
      return;
    }
    if (path === '/openapi/v3') {
      this.send(res, 200, JSON.stringify(openApiV3Root(served)));
      return;
    }
    const m = path.match(/^\/openapi\/v3\/(api\/v1|apis\/[^/]+\/[^/]+)$/);
    const doc = m && openApiV3Document(served, m[1]);
    if (!doc) throw notFound({ group: '', plural: 'openapi' }, path);
    this.send(res, 200, JSON.stringify(doc));
  }
}
