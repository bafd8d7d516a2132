import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  MeshChainResponse,
  RouteSimulationRequest,
  RouteSimulationResponse,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshApi, MeshRequestOptions } from './types';

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
      { signal: options?.signal, headers: { Accept: 'application/json' } },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as MeshChainResponse;
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
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(request),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as RouteSimulationResponse;
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
