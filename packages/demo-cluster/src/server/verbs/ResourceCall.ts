/*
 * What a verb handler is given: the resource request, already routed,
 * authenticated and authorized, and the parts of the server it works with.
 */
import type { ServerResponse } from 'http';
import type { ObjectApi, WriteContext } from '../../api/ObjectApi';
import type { MetricsProvider } from '../../controllers/metrics';
import type { RequestAttributes, UserInfo } from '../../rbac/authorizer';
import type { StoreRbac } from '../../rbac/StoreRbac';
import type { Store } from '../../store/Store';
import type { KubeRequest } from '../request';
import type { Format, Responses } from '../responses';
import type { ResourceRoute } from '../routes/resourceRoute';
import type { WatchHub } from '../watch';

/** A request for a resource, with who makes it and how to answer. */
export interface ResourceCall {
  request: KubeRequest;
  res: ServerResponse;
  route: ResourceRoute;
  /** The apiVersion of the route's group and version. */
  apiVersion: string;
  format: Format;
  /** Who writes, dry run, field manager and validation, warnings. */
  ctx: WriteContext & { force?: boolean };
  user: UserInfo;
  /** What RBAC allowed this request as. */
  attrs: RequestAttributes;
}

/** The parts of the server verb handlers use. */
export interface ServerParts {
  api: ObjectApi;
  store: Store;
  rbac: StoreRbac;
  metrics: MetricsProvider;
  hub: WatchHub;
  responses: Responses;
  /** How often a running container writes a log line. */
  logPeriodMs: number;
  /** Open log streams (ended when the server closes). */
  streams: Set<ServerResponse>;
  /** Throws kube-apiserver's 403 unless RBAC allows the request. */
  authorize(user: UserInfo, attrs: RequestAttributes): void;
}
