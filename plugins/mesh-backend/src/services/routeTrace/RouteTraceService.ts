/*
 * Route simulation: where a request would go through an entity's chain in
 * each of its clusters, with the request checked first (a clear error
 * naming the field) and one cluster's failure kept to that cluster.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type {
  ChainEngine,
  ClusterChain,
  MeshChainResponse,
  RouteSimulationRequest,
  RouteSimulationResponse,
  RouteSimulationResult,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshUserAuth } from '@mesh-chain/plugin-mesh-node';

/** How a trace finds the chains it traces through. */
export interface ChainLookup {
  getChain(
    entity: Entity,
    options: { userAuth?: MeshUserAuth; cluster?: string },
  ): Promise<{ response: MeshChainResponse }>;
}

const METHOD = /^[A-Za-z]+$/;

/** Throws an `InputError` naming the field of a request that cannot be traced. */
function validateSimulationRequest(request: RouteSimulationRequest) {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new InputError(
      `Invalid url '${request.url}'; expected an absolute URL such as https://shop.example.com/api/cart`,
    );
  }
  if (!['http:', 'https:', 'grpc:', 'tcp:', 'tls:'].includes(url.protocol)) {
    throw new InputError(
      `Invalid url '${request.url}': the scheme must be http or https (or tcp/tls for TCP and TLS routes)`,
    );
  }
  if (request.method !== undefined && !METHOD.test(request.method)) {
    throw new InputError(
      `Invalid method '${request.method}'; expected an HTTP method such as GET or POST`,
    );
  }
  if (request.from === 'mesh' && request.sourceNamespace === '') {
    throw new InputError(
      'Invalid sourceNamespace: it is empty; give the namespace of the calling workload, or leave it out',
    );
  }
}

/** Traces requests through an entity's chains. */
export class RouteTraceService {
  constructor(
    private readonly chains: ChainLookup,
    private readonly engine: ChainEngine,
    private readonly clusterDomain: string,
    private readonly logger: LoggerService,
  ) {}

  /** Simulates a request against the entity's chain in each cluster. */
  async simulate(
    entity: Entity,
    request: RouteSimulationRequest,
    options: { userAuth?: MeshUserAuth; cluster?: string } = {},
  ): Promise<RouteSimulationResponse> {
    validateSimulationRequest(request);
    const { response } = await this.chains.getChain(entity, {
      ...options,
      cluster: request.cluster ?? options.cluster,
    });
    if (response.status === 'not-configured') {
      throw new InputError(
        `${response.entityRef} has no Kubernetes annotations, so there is no chain to simulate: ${response.hint}`,
      );
    }
    return {
      entityRef: response.entityRef,
      request,
      results: response.clusters.map(chain => ({
        ...this.traceInCluster(chain, request),
        ...(chain.status && { status: chain.status }),
        warnings: chain.warnings,
      })),
    };
  }

  /**
   * Traces a request through one cluster's chain; a cluster still loading
   * is not traced (there is nothing to trace through yet).
   */
  private traceInCluster(
    chain: ClusterChain,
    request: RouteSimulationRequest,
  ): RouteSimulationResult {
    if (chain.status?.state === 'syncing') {
      return notTraced(
        chain,
        `Not traced: ${chain.status.message ?? 'the cluster is loading'}`,
      );
    }
    try {
      return this.engine.simulate(chain, request, {
        clusterDomain: this.clusterDomain,
      });
    } catch (error) {
      this.logger.error(
        `mesh: simulating ${request.method ?? 'GET'} ${
          request.url
        } in cluster '${chain.cluster.name}' failed: ${error}`,
      );
      return notTraced(
        chain,
        `The simulation failed: ${(error as Error).message}`,
      );
    }
  }
}

/** A cluster's result when the request could not be traced there. */
function notTraced(chain: ClusterChain, reason: string): RouteSimulationResult {
  return {
    cluster: chain.cluster.name,
    reachable: false,
    destinations: [],
    steps: [],
    reasons: [reason],
  };
}
