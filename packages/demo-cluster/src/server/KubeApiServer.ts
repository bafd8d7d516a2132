/*
 * The HTTP(S) front of the simulator: routes Kubernetes REST paths to the
 * ObjectApi, authenticates bearer tokens, authorizes every request with
 * RBAC (non-resource URLs such as discovery included), negotiates
 * JSON / Table / PartialObjectMetadata responses, streams watches and logs,
 * adds the configured latency and counts requests.
 *
 * A request goes through `handle` step by step; each verb is answered in
 * `verbs/`, paths that name no resource in `routes/nonResource.ts`.
 */
import http, { IncomingMessage, ServerResponse } from 'http';
import https from 'https';
import type { AddressInfo, Socket } from 'net';
import {
  methodNotAllowed,
  noSuchPath,
  toApiError,
  unauthorized,
} from '../api/errors';
import { parseFieldValidation } from '../api/fieldValidation';
import type { ObjectApi } from '../api/ObjectApi';
import { ResourceType, apiVersionOf, resourceKey } from '../api/resources';
import type { MetricsProvider } from '../controllers/metrics';
import type { RequestAttributes, UserInfo } from '../rbac/authorizer';
import { TokenIdentity, bearerToken, userInfoOf } from '../rbac/identities';
import type { StoreRbac } from '../rbac/StoreRbac';
import type { Store } from '../store/Store';
import { forbiddenError, requestAttributes } from './auth';
import { dryRunOf, KubeRequest, parseRequest } from './request';
import { negotiate, Responses } from './responses';
import { ResourceRoute, routeOf } from './routes/resourceRoute';
import {
  isHealthCheck,
  serveDiscovery,
  serveOpenApi,
  serveVersion,
} from './routes/nonResource';
import type { StatsRecorder } from './stats';
import { accessReview } from './verbs/accessReview';
import { podLog } from './verbs/log';
import { metrics } from './verbs/metrics';
import { get, list } from './verbs/read';
import type { ResourceCall, ServerParts } from './verbs/ResourceCall';
import { watch } from './verbs/watch';
import { create, patch, remove, update } from './verbs/write';
import { WatchHub } from './watch';

export interface KubeApiServerOptions {
  api: ObjectApi;
  store: Store;
  stats: StatsRecorder;
  /** Bearer tokens and who they authenticate as. */
  tokens: Record<string, TokenIdentity>;
  /** Decides what each identity may do. */
  rbac: StoreRbac;
  latencyMs: () => number;
  served: (t: ResourceType) => boolean;
  bookmarkIntervalMs: number;
  /** How often a running container writes a log line. */
  logPeriodMs: number;
  tls?: { cert: string; key: string };
  /** The metrics.k8s.io API. */
  metrics: MetricsProvider;
}

/** The handler of each method on a resource (GET is read, list or watch). */
const BY_METHOD: Record<
  string,
  (call: ResourceCall, parts: ServerParts) => void | Promise<void>
> = {
  GET: (call, parts) => {
    if (call.route.name) get(call, parts);
    else if (call.request.isWatch) watch(call, parts);
    else list(call, parts);
  },
  POST: create,
  PUT: update,
  PATCH: patch,
  DELETE: remove,
};

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

export class KubeApiServer {
  private server?: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly parts: ServerParts;

  constructor(private readonly options: KubeApiServerOptions) {
    this.parts = {
      api: options.api,
      store: options.store,
      rbac: options.rbac,
      metrics: options.metrics,
      hub: new WatchHub(
        options.store,
        options.stats,
        options.bookmarkIntervalMs,
      ),
      responses: new Responses(options.stats),
      logPeriodMs: options.logPeriodMs,
      streams: new Set(),
      authorize: (user, attrs) => this.authorize(user, attrs),
    };
  }

  async listen(port: number, host: string): Promise<number> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch(error =>
        this.parts.responses.fail(res, toApiError(error)),
      );
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
    this.parts.hub.endAll();
  }

  async close() {
    this.parts.hub.closeAll();
    for (const r of this.parts.streams) r.end();
    const server = this.server;
    if (!server) return;
    await new Promise<void>(resolve => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const request = parseRequest(req);
    const { path, segments, query, method } = request;
    const { responses } = this.parts;
    if (isHealthCheck(path)) {
      responses.send(res, 200, 'ok', 'text/plain; charset=utf-8');
      return;
    }
    const route = routeOf(segments, this.options.served);
    const attrs = requestAttributes({
      method,
      path,
      watch: request.isWatch,
      fieldSelector: query.get('fieldSelector') ?? undefined,
    });
    this.count(path, route, attrs);
    await this.simulateLatency();
    if (path === '/version') {
      serveVersion(res, responses);
      return;
    }
    const user = this.authenticate(req);
    this.authorize(user, attrs);
    if (path.startsWith('/openapi/')) {
      serveOpenApi(res, path, req, this.options.served, responses);
      return;
    }
    if (route === 'discovery' || path === '/api' || path === '/apis') {
      const address = this.server?.address() as AddressInfo | null;
      serveDiscovery(
        res,
        segments,
        this.options.served,
        `${address?.address ?? '127.0.0.1'}:${address?.port ?? 0}`,
        responses,
      );
      return;
    }
    if (!route) {
      throw noSuchPath();
    }
    await this.serveResource(request, res, route, user, attrs);
  }

  /**
   * Counts a request by verb and resource (`list deployments.apps`,
   * `get pods/log`); paths that name no resource count as `discovery` or
   * `openapi` of their path.
   */
  private count(
    path: string,
    route: ResourceRoute | 'discovery' | undefined,
    attrs: RequestAttributes,
  ) {
    if (route && route !== 'discovery') {
      const resource = resourceKey(route.type);
      this.options.stats.request(
        attrs.verb,
        route.subresource ? `${resource}/${route.subresource}` : resource,
      );
      return;
    }
    this.options.stats.request(
      path.startsWith('/openapi') ? 'openapi' : 'discovery',
      path,
    );
  }

  /** The configured per-request latency. */
  private async simulateLatency() {
    const latency = this.options.latencyMs();
    if (latency > 0) await sleep(latency);
  }

  /** Who the bearer token is; a 401 without a known token. */
  private authenticate(req: IncomingMessage): UserInfo {
    const token = bearerToken(req.headers.authorization);
    const identity = token ? this.options.tokens[token] : undefined;
    if (!identity) {
      throw unauthorized();
    }
    return userInfoOf(identity);
  }

  /** Throws kube-apiserver's 403 unless RBAC allows the request. */
  private authorize(user: UserInfo, attrs: RequestAttributes) {
    const decision = this.options.rbac.authorize(user, attrs);
    if (!decision.allowed) {
      throw forbiddenError(user, attrs, decision.reason);
    }
  }

  /** A request for a served resource, by kind, subresource and method. */
  private async serveResource(
    request: KubeRequest,
    res: ServerResponse,
    route: ResourceRoute,
    user: UserInfo,
    attrs: RequestAttributes,
  ) {
    const { type, namespace, subresource } = route;
    const { method, query } = request;
    if (subresource && !type.subresources.includes(subresource)) {
      throw noSuchPath();
    }
    // Namespaced kinds are written in a namespace: /api/v1/pods is read-only.
    if (type.namespaced && !namespace && method !== 'GET') {
      throw methodNotAllowed();
    }
    const call: ResourceCall = {
      request,
      res,
      route,
      apiVersion: apiVersionOf(type, route.version),
      format: negotiate(request.req.headers.accept, query),
      ctx: {
        caller: { user: user.name, groups: [...user.groups] },
        dryRun: dryRunOf(query),
        fieldManager: query.get('fieldManager') ?? undefined,
        userAgent: request.req.headers['user-agent'],
        version: route.version,
        force: query.get('force') === 'true',
        fieldValidation: parseFieldValidation(query.get('fieldValidation')),
        warnings: [],
      },
      user,
      attrs,
    };
    if (type.kind === 'SelfSubjectAccessReview') {
      await accessReview(call, this.parts);
      return;
    }
    if (type.virtual) {
      metrics(call, this.parts);
      return;
    }
    if (subresource === 'log') {
      podLog(call, this.parts);
      return;
    }
    const handler = BY_METHOD[method];
    if (!handler) throw methodNotAllowed();
    await handler(call, this.parts);
  }
}
