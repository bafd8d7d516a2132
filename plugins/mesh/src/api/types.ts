import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ChainChangeRequest,
  ChangePreview,
  ChangeResult,
  ChangeTargetsResponse,
  MeshChainResponse,
  MeshCheckRequest,
  MeshCheckResponse,
  MeshObjectResponse,
  RouteSimulationRequest,
  RouteSimulationResponse,
  TrafficHistoryResponse,
} from '@mesh-chain/plugin-mesh-common';

/**
 * Options for a single {@link MeshApi} call.
 *
 * @public
 */
export interface MeshRequestOptions {
  /** Aborts the request, e.g. when the page moves on to another entity. */
  signal?: AbortSignal;
  /**
   * The signed-in user's credentials for clusters read with the user's own
   * token (`google`, `oidc`, `aks`), shaped like the stock Kubernetes
   * plugin's `auth` request field, e.g. `{ google: '<access token>' }`.
   * Sent in the `backstage-mesh-auth` header.
   */
  userAuth?: Record<string, unknown>;
}

/**
 * A cluster the mesh backend reads (`GET /api/mesh/clusters`).
 *
 * @public
 */
export interface MeshClusterInfo {
  name: string;
  title?: string;
  dashboardUrl?: string;
  /** The configured `authProvider`, e.g. `serviceAccount` or `google`. */
  authProvider: string;
  /** For `oidc` clusters, when the backend reports it. */
  oidcTokenProvider?: string;
  /** `user` when the cluster is read with the signed-in user's own token. */
  authMode: 'server' | 'user';
}

/**
 * Reads the mesh chain of a catalog entity from the mesh backend.
 *
 * @public
 */
export interface MeshApi {
  /**
   * The chain of the entity in every cluster it runs in
   * (`GET /api/mesh/entities/{kind}/{namespace}/{name}`).
   *
   * Throws `ResponseError` when the backend answers with an error status
   * (403 when the caller may not read it, 404 when the entity is unknown).
   */
  getChain(
    entityRef: CompoundEntityRef,
    options?: MeshRequestOptions,
  ): Promise<MeshChainResponse>;

  /**
   * One object of the entity's chain as the cluster holds it, for "show
   * YAML" (`GET /api/mesh/entities/{kind}/{namespace}/{name}/object`). The
   * chain itself carries no copies of the objects. `key` is the object's
   * `objectKey` in the chain.
   */
  getObject(
    entityRef: CompoundEntityRef,
    object: { cluster: string; key: string },
    options?: MeshRequestOptions,
  ): Promise<MeshObjectResponse>;

  /** The clusters the mesh backend reads, and who holds their credentials. */
  getClusters(options?: MeshRequestOptions): Promise<MeshClusterInfo[]>;

  /**
   * What the Service Mesh tab will report about the chain a template
   * creates with these form values, before it runs
   * (`POST /api/scaffolder/mesh/check`, served by
   * `@mesh-chain/plugin-scaffolder-backend-module-mesh` on the scaffolder
   * backend).
   *
   * Throws `ResponseError` when the backend answers with an error status
   * (400 naming the value to fix, 401 without a user, 403 where templates
   * may not write, 404 for a template the caller cannot see, 413 for
   * values over the limits).
   */
  checkTemplate(
    request: MeshCheckRequest,
    options?: MeshRequestOptions,
  ): Promise<MeshCheckResponse>;

  /**
   * Where a request to a URL goes, cluster by cluster
   * (`POST /api/mesh/entities/{kind}/{namespace}/{name}/route`).
   */
  simulateRoute(
    entityRef: CompoundEntityRef,
    request: RouteSimulationRequest,
    options?: MeshRequestOptions,
  ): Promise<RouteSimulationResponse>;

  /**
   * The entity's traffic over a window, for charts
   * (`GET /api/mesh/entities/{kind}/{namespace}/{name}/traffic`). Optional:
   * an API without it shows no charts.
   */
  getTraffic?(
    entityRef: CompoundEntityRef,
    options: MeshRequestOptions & { window: string; cluster?: string },
  ): Promise<TrafficHistoryResponse>;

  /**
   * What a change to the entity's chain would do, from a server-side dry
   * run; nothing is written
   * (`POST /api/mesh/entities/{kind}/{namespace}/{name}/changes/preview`).
   * Throws `ResponseError` (403 without `mesh.chain.update`, 400 naming the
   * field of a bad change, 503 while the cluster is not current).
   */
  previewChange(
    entityRef: CompoundEntityRef,
    request: ChainChangeRequest,
    options?: MeshRequestOptions,
  ): Promise<ChangePreview>;

  /**
   * Applies a change (`POST .../changes/apply`); give the preview's `basis`
   * so that a change to the fields since the preview is refused (409).
   */
  applyChange(
    entityRef: CompoundEntityRef,
    request: ChainChangeRequest,
    options?: MeshRequestOptions,
  ): Promise<ChangeResult>;

  /** Where changes are allowed (`GET /api/mesh/changes/targets`). */
  getChangeTargets(
    options?: MeshRequestOptions,
  ): Promise<ChangeTargetsResponse>;
}

/**
 * The {@link MeshApi} reference.
 *
 * @public
 */
export const meshApiRef = createApiRef<MeshApi>({
  id: 'plugin.mesh.service',
});
