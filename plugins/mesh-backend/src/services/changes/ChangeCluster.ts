/*
 * The two requests a change makes to a cluster: read the object as it is
 * (with the portal's read credential: the full object, managedFields
 * included), and server-side apply it (with the change's own write
 * credential, optionally as a dry run). Through @kubernetes/client-node,
 * answered as raw JSON: its typed models would turn timestamps into Dates
 * and drop fields they do not know.
 */
import {
  ApiException,
  HttpMethod,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node';
import {
  KubeObject,
  ObjectRef,
  WATCHED_KINDS,
  watchedKindOf,
} from '@mesh-chain/plugin-mesh-common';

/** A failed request: the API server's Status, or what went wrong on the way. */
export class ChangeClusterError extends Error {
  readonly name = 'ChangeClusterError';
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly statusCode?: number,
    /** The Status `reason`, e.g. `Conflict`, `Invalid`, `Forbidden`. */
    readonly reason?: string,
    /** The Status' field causes (e.g. the managers of a 409 conflict). */
    readonly causes: Array<{ field?: string; message?: string }> = [],
  ) {
    super(message);
  }
}

/** Options of a server-side apply. */
export interface ApplyOptions {
  fieldManager: string;
  force: boolean;
  dryRun: boolean;
}

/** What a change needs of a cluster. */
export interface ChangeCluster {
  /** The object now, or `undefined` when it does not exist. */
  read(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Server-side apply (`dryRun=All` for a dry run), strict field validation. */
  apply(config: KubeObject, options: ApplyOptions): Promise<KubeObject>;
}

/** The REST path of an object of a watched kind. */
export function objectPath(ref: ObjectRef): string {
  const kind = watchedKindOf(ref);
  if (!kind) {
    throw new Error(`${ref.apiVersion} ${ref.kind} is not a kind of the chain`);
  }
  const base = ref.apiVersion.includes('/')
    ? `/apis/${ref.apiVersion}`
    : `/api/${ref.apiVersion}`;
  const namespace = ref.namespace
    ? `/namespaces/${encodeURIComponent(ref.namespace)}`
    : '';
  return `${base}${namespace}/${
    WATCHED_KINDS[kind].plural
  }/${encodeURIComponent(ref.name)}`;
}

/**
 * client-node's object API, answering raw JSON and with a deadline on
 * every request.
 */
class RawObjectApi extends KubernetesObjectApi {
  async send(
    method: HttpMethod,
    path: string,
    options: {
      timeoutMs: number;
      query?: Record<string, string>;
      body?: object;
      contentType?: string;
    },
  ): Promise<KubeObject> {
    const request: RequestContext =
      this.configuration.baseServer.makeRequestContext(path, method);
    request.setHeaderParam('Accept', 'application/json');
    for (const [key, value] of Object.entries(options.query ?? {})) {
      request.setQueryParam(key, value);
    }
    if (options.body) {
      request.setHeaderParam(
        'Content-Type',
        options.contentType ?? 'application/json',
      );
      request.setBody(JSON.stringify(options.body));
    }
    request.setSignal(AbortSignal.timeout(options.timeoutMs));
    return (await this.requestPromise(request)) as unknown as KubeObject;
  }

  protected async processResponse<T>(
    response: ResponseContext,
    type?: string,
  ): Promise<T> {
    if (type !== undefined) {
      return super.processResponse(response, type) as Promise<T>;
    }
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
      return JSON.parse(text) as T;
    }
    throw new ApiException(
      response.httpStatusCode,
      'Unsuccessful HTTP Request',
      text,
      response.headers,
    );
  }
}

/** The `ChangeClusterError` for whatever a request threw. */
function clusterError(error: unknown, what: string): ChangeClusterError {
  if (error instanceof ApiException) {
    let status: any;
    try {
      status =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    } catch {
      status = undefined;
    }
    const message =
      typeof status?.message === 'string'
        ? status.message
        : `${what} answered ${error.code}`;
    return new ChangeClusterError(
      message,
      error.code,
      typeof status?.reason === 'string' ? status.reason : undefined,
      Array.isArray(status?.details?.causes) ? status.details.causes : [],
    );
  }
  const e = error as Error;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new ChangeClusterError(`${what} did not answer in time`);
  }
  return new ChangeClusterError(`${what} failed: ${e?.message ?? e}`);
}

/**
 * A {@link ChangeCluster} that reads with `reader` and writes with
 * `writer`, each asked for a KubeConfig with a current credential per
 * request.
 */
export function kubeChangeCluster(options: {
  cluster: string;
  reader: () => Promise<KubeConfig>;
  writer: () => Promise<KubeConfig>;
  timeoutMs: number;
}): ChangeCluster {
  const { cluster, timeoutMs } = options;
  return {
    async read(ref) {
      const api = (await options.reader()).makeApiClient(RawObjectApi);
      try {
        return await api.send(HttpMethod.GET, objectPath(ref), { timeoutMs });
      } catch (error) {
        const e = clusterError(error, `cluster '${cluster}'`);
        if (e.statusCode === 404) {
          return undefined;
        }
        throw e;
      }
    },
    async apply(config, applyOptions) {
      const api = (await options.writer()).makeApiClient(RawObjectApi);
      try {
        const ref: ObjectRef = {
          apiVersion: config.apiVersion,
          kind: config.kind,
          namespace: config.metadata.namespace,
          name: config.metadata.name,
        };
        return await api.send(HttpMethod.PATCH, objectPath(ref), {
          timeoutMs,
          query: {
            fieldManager: applyOptions.fieldManager,
            // Unknown or duplicate fields are errors, never dropped.
            fieldValidation: 'Strict',
            ...(applyOptions.force && { force: 'true' }),
            ...(applyOptions.dryRun && { dryRun: 'All' }),
          },
          body: config,
          // JSON is YAML: the apply content type accepts it.
          contentType: PatchStrategy.ServerSideApply,
        });
      } catch (error) {
        throw clusterError(error, `cluster '${cluster}'`);
      }
    },
  };
}
