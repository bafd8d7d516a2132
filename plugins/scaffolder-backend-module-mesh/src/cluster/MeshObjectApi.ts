import {
  ApiException,
  HttpMethod,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import {
  ReadRequest,
  WATCHED_KINDS,
  type KubeObject as EngineObject,
} from '@mesh-chain/plugin-mesh-common';
import { KubeObject } from '../lib/models';

/** What the API server says about a resource type. @public */
export interface ServedResource {
  /** Plural resource name, e.g. `virtualservices`. */
  plural: string;
  namespaced: boolean;
}

/** The cluster operations the apply action needs. @public */
export interface ChainClusterClient {
  /** Discovery: whether the server serves a kind, and its plural. */
  served(apiVersion: string, kind: string): Promise<ServedResource | undefined>;
  /** The live object, or `undefined` if it does not exist. */
  get(object: KubeObject): Promise<KubernetesObject | undefined>;
  /**
   * The objects of a kind the chain engine reads, in a namespace or all, by
   * label selector if given, as the API server returns them (JSON); none
   * when the cluster does not serve the kind (Istio not installed).
   */
  listObjects(read: ReadRequest): Promise<EngineObject[]>;
  /** Server-side apply (optionally as a server-side dry run). */
  apply(
    object: KubeObject,
    options: { fieldManager: string; force: boolean; dryRun: boolean },
  ): Promise<KubernetesObject>;
  /** Deletes a namespace (used to undo one this action just created). */
  deleteNamespace(name: string): Promise<void>;
}

/** Objects per page of a list, and pages at most (bounded reads of a large cluster). */
const LIST_PAGE_SIZE = 500;
const LIST_MAX_PAGES = 20;

/**
 * `KubernetesObjectApi` from `@kubernetes/client-node` (discovery, paths of core
 * and grouped resources, authentication, TLS) with a server-side apply that
 * sends the manifest exactly as written: the client's own `patch` re-encodes
 * known kinds through its models, which silently drops fields they do not
 * know, so a misspelt field would never reach the server's strict field
 * validation.
 *
 * @public
 */
export class MeshObjectApi
  extends KubernetesObjectApi
  implements ChainClusterClient
{
  static fromKubeConfig(kc: KubeConfig): MeshObjectApi {
    return kc.makeApiClient(MeshObjectApi);
  }

  async served(
    apiVersion: string,
    kind: string,
  ): Promise<ServedResource | undefined> {
    try {
      const resource = await this.resource(apiVersion, kind);
      return resource
        ? { plural: resource.name, namespaced: resource.namespaced }
        : undefined;
    } catch (error) {
      // Discovery answers 404 for a group/version the server does not serve.
      if (statusOf(error) === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async get(object: KubeObject): Promise<KubernetesObject | undefined> {
    try {
      return await this.read({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: {
          name: object.metadata.name,
          namespace: object.metadata.namespace,
        },
      });
    } catch (error) {
      if (statusOf(error) === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async listObjects(read: ReadRequest): Promise<EngineObject[]> {
    const info = WATCHED_KINDS[read.kind];
    const apiVersion = info.group
      ? `${info.group}/${info.version}`
      : info.version;
    if (!(await this.served(apiVersion, info.kind))) {
      return [];
    }
    const path = await this.specUriPath(
      { apiVersion, kind: info.kind, metadata: { namespace: read.namespace } },
      'list',
    );
    const out: EngineObject[] = [];
    let continueToken: string | undefined;
    let pages = 0;
    do {
      const request = this.configuration.baseServer.makeRequestContext(
        path,
        HttpMethod.GET,
      );
      request.setHeaderParam('Accept', 'application/json');
      request.setQueryParam('limit', String(LIST_PAGE_SIZE));
      if (read.labelSelector) {
        request.setQueryParam('labelSelector', read.labelSelector);
      }
      if (continueToken) {
        request.setQueryParam('continue', continueToken);
      }
      // 'any': the JSON as the server sent it, not re-encoded through the
      // client's models (which turn timestamps into Dates and drop fields).
      const page: any = await this.requestPromise(request, 'any');
      for (const item of Array.isArray(page?.items) ? page.items : []) {
        // List items carry no apiVersion and kind of their own.
        out.push({ ...item, apiVersion, kind: info.kind });
      }
      continueToken = page?.metadata?.continue || undefined;
    } while (continueToken && ++pages < LIST_MAX_PAGES);
    return out;
  }

  async apply(
    object: KubeObject,
    options: { fieldManager: string; force: boolean; dryRun: boolean },
  ): Promise<KubernetesObject> {
    const path = await this.specUriPath(
      {
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: {
          name: object.metadata.name,
          namespace: object.metadata.namespace,
        },
      },
      'patch',
    );
    const request = this.configuration.baseServer.makeRequestContext(
      path,
      HttpMethod.PATCH,
    );
    request.setHeaderParam('Accept', 'application/json');
    request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    request.setQueryParam('fieldManager', options.fieldManager);
    // Unknown or duplicate fields are errors, not silently dropped.
    request.setQueryParam('fieldValidation', 'Strict');
    if (options.force) {
      request.setQueryParam('force', 'true');
    }
    if (options.dryRun) {
      request.setQueryParam('dryRun', 'All');
    }
    // JSON is YAML: the apply patch content type accepts it.
    request.setBody(JSON.stringify(object));
    return this.requestPromise(request);
  }

  async deleteNamespace(name: string): Promise<void> {
    await this.delete({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }
}

/**
 * A client that reads with one credential and writes with another:
 * discovery, existing objects and rollout status through `reader` (the
 * portal's read-only credential), server-side applies and deletes through
 * `writer` (the target's write credential), so neither needs more than its
 * job.
 *
 * @public
 */
export function readWriteClient(
  reader: ChainClusterClient,
  writer: ChainClusterClient,
): ChainClusterClient {
  return {
    served: (apiVersion, kind) => reader.served(apiVersion, kind),
    get: object => reader.get(object),
    listObjects: read => reader.listObjects(read),
    apply: (object, options) => writer.apply(object, options),
    deleteNamespace: name => writer.deleteNamespace(name),
  };
}

/** The HTTP status of a failed request, if it got an answer. @public */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof ApiException) {
    return error.code;
  }
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * What the API server said about a failed request, from its Status body:
 * reason, message and field causes. Never includes request headers.
 *
 * @public
 */
export function describeApiError(error: unknown): string {
  if (!(error instanceof ApiException)) {
    return error instanceof Error ? error.message : String(error);
  }
  let status: any;
  try {
    status =
      typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
  } catch {
    status = undefined;
  }
  const causes: string[] = (status?.details?.causes ?? [])
    .map((c: any) => [c.field, c.message].filter(Boolean).join(': '))
    .filter(Boolean);
  const message =
    status?.message ??
    (typeof error.body === 'string' && error.body.trim()
      ? error.body.trim().slice(0, 500)
      : 'no details');
  const reason = status?.reason ? `${status.reason}: ` : '';
  const extra =
    causes.length > 0 && !causes.every(c => message.includes(c))
      ? ` (${causes.join('; ')})`
      : '';
  return `${error.code} ${reason}${message}${extra}`;
}
