import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import { MESH_AUTH_HEADER } from '@mesh-chain/plugin-mesh-common';
import type { MeshApi, MeshClusterInfo, MeshRequestOptions } from './types';

function headers(
  options: MeshRequestOptions | undefined,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    Accept: 'application/json',
    ...extra,
    ...(options?.userAuth &&
      Object.keys(options.userAuth).length > 0 && {
        [MESH_AUTH_HEADER]: JSON.stringify(options.userAuth),
      }),
  };
}

/**
 * The default {@link MeshApi}: talks to the `mesh` backend plugin through
 * the app's discovery and fetch APIs (which add the user's token).
 *
 * @public
 */
export class MeshClient implements MeshApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getChain(
    entityRef: CompoundEntityRef,
    options?: MeshRequestOptions,
  ): Promise<MeshChainResponse> {
    const response = await this.fetchApi.fetch(
      await this.entityUrl(entityRef),
      { signal: options?.signal, headers: headers(options) },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as MeshChainResponse;
  }

  async getObject(
    entityRef: CompoundEntityRef,
    object: { cluster: string; key: string },
    options?: MeshRequestOptions,
  ): Promise<MeshObjectResponse> {
    const query = new URLSearchParams(object);
    const response = await this.fetchApi.fetch(
      `${await this.entityUrl(entityRef)}/object?${query}`,
      { signal: options?.signal, headers: headers(options) },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as MeshObjectResponse;
  }

  async simulateRoute(
    entityRef: CompoundEntityRef,
    request: RouteSimulationRequest,
    options?: MeshRequestOptions,
  ): Promise<RouteSimulationResponse> {
    const response = await this.fetchApi.fetch(
      `${await this.entityUrl(entityRef)}/route`,
      {
        method: 'POST',
        signal: options?.signal,
        headers: headers(options, { 'Content-Type': 'application/json' }),
        body: JSON.stringify(request),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as RouteSimulationResponse;
  }

  async getTraffic(
    entityRef: CompoundEntityRef,
    options: MeshRequestOptions & { window: string; cluster?: string },
  ): Promise<TrafficHistoryResponse> {
    const query = new URLSearchParams({
      window: options.window,
      ...(options.cluster && { cluster: options.cluster }),
    });
    const response = await this.fetchApi.fetch(
      `${await this.entityUrl(entityRef)}/traffic?${query}`,
      { signal: options.signal, headers: headers(options) },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as TrafficHistoryResponse;
  }

  async previewChange(
    entityRef: CompoundEntityRef,
    request: ChainChangeRequest,
    options?: MeshRequestOptions,
  ): Promise<ChangePreview> {
    return this.postChange<ChangePreview>(
      entityRef,
      'preview',
      request,
      options,
    );
  }

  async applyChange(
    entityRef: CompoundEntityRef,
    request: ChainChangeRequest,
    options?: MeshRequestOptions,
  ): Promise<ChangeResult> {
    return this.postChange<ChangeResult>(entityRef, 'apply', request, options);
  }

  async getChangeTargets(
    options?: MeshRequestOptions,
  ): Promise<ChangeTargetsResponse> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mesh');
    const response = await this.fetchApi.fetch(`${baseUrl}/changes/targets`, {
      signal: options?.signal,
      headers: headers(undefined),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as ChangeTargetsResponse;
  }

  private async postChange<T>(
    entityRef: CompoundEntityRef,
    step: 'preview' | 'apply',
    request: ChainChangeRequest,
    options?: MeshRequestOptions,
  ): Promise<T> {
    const response = await this.fetchApi.fetch(
      `${await this.entityUrl(entityRef)}/changes/${step}`,
      {
        method: 'POST',
        signal: options?.signal,
        headers: headers(options, { 'Content-Type': 'application/json' }),
        body: JSON.stringify(request),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  async getClusters(options?: MeshRequestOptions): Promise<MeshClusterInfo[]> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mesh');
    const response = await this.fetchApi.fetch(`${baseUrl}/clusters`, {
      signal: options?.signal,
      headers: headers(undefined),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as { clusters: MeshClusterInfo[] };
    return body.clusters;
  }

  async checkTemplate(
    request: MeshCheckRequest,
    options?: MeshRequestOptions,
  ): Promise<MeshCheckResponse> {
    // The check is a route of the scaffolder backend's mesh module.
    const baseUrl = await this.discoveryApi.getBaseUrl('scaffolder');
    const response = await this.fetchApi.fetch(`${baseUrl}/mesh/check`, {
      method: 'POST',
      signal: options?.signal,
      headers: headers(undefined, { 'Content-Type': 'application/json' }),
      body: JSON.stringify(request),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as MeshCheckResponse;
  }

  private async entityUrl(entityRef: CompoundEntityRef): Promise<string> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mesh');
    const parts = [
      entityRef.kind.toLocaleLowerCase('en-US'),
      entityRef.namespace,
      entityRef.name,
    ].map(encodeURIComponent);
    return `${baseUrl}/entities/${parts.join('/')}`;
  }
}
