import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ChainEngine,
  getMeshEntityTarget,
  MeshChainResponse,
  MeshEntityTarget,
  MeshObjectResponse,
  RouteSimulationRequest,
  RouteSimulationResponse,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster, MeshUserAuth } from '@mesh-chain/plugin-mesh-node';
import type { MeshSettings } from '../config';
import type { ClusterDataService } from './cluster/ClusterDataService';
import { CachedChains } from './chains/CachedChains';
import { ChainRevisions, combineRevisions, sha } from './chains/chainHashing';
import { ChainResolver, ResolveError } from './chains/ChainResolver';
import { ChainObjects } from './chains/ChainObjects';
import { ChainSerializer } from './chains/ChainSerializer';
import {
  ClusterAnswer,
  clusterSummary,
  errorAnswer,
} from './chains/clusterAnswer';
import {
  ClusterSelection,
  missingClusterError,
  selectClusters,
} from './chains/clusterSelection';
import { DirectChains } from './chains/DirectChains';
import { withDeadline } from './chains/withDeadline';
import { RouteTraceService } from './routeTrace/RouteTraceService';

export type { ChainRevisions } from './chains/chainHashing';

/** Options of a chain lookup. */
export interface ChainRequestOptions {
  /** The user's credentials for `authMode: user` clusters. */
  userAuth?: MeshUserAuth;
  /** Only this cluster. */
  cluster?: string;
}

/**
 * Answers chain lookups: for each of the entity's clusters, the chain from
 * the watch cache (memoized per target and cache revision) or from a direct
 * read with the user's credential, each bounded by the request timeout; one
 * failing cluster yields its own error beside the others' data. A cache
 * still loading answers at once as `syncing`, one that lost its cluster as
 * `stale`: neither waits, so neither delays the other clusters.
 */
export class MeshChainService {
  private readonly serializer = new ChainSerializer();
  private readonly cached: CachedChains;
  private readonly direct: DirectChains;
  private readonly routes: RouteTraceService;
  private readonly objects: ChainObjects;

  constructor(
    private readonly data: ClusterDataService,
    engine: ChainEngine,
    private readonly settings: MeshSettings,
    logger: LoggerService,
  ) {
    const resolver = new ChainResolver(engine, settings.clusterDomain, logger);
    this.cached = new CachedChains(
      data,
      resolver,
      this.serializer,
      settings.maxChains,
    );
    this.direct = new DirectChains(data, resolver, settings.cache.namespaces);
    this.routes = new RouteTraceService(
      this,
      engine,
      settings.clusterDomain,
      logger,
    );
    this.objects = new ChainObjects(this, data);
  }

  /** The chain of an entity in every cluster that applies. */
  async getChain(
    entity: Entity,
    options: ChainRequestOptions = {},
  ): Promise<{ response: MeshChainResponse; revisions: ChainRevisions }> {
    const entityRef = stringifyEntityRef(entity);
    const target = getMeshEntityTarget(entity);
    if (!target) {
      return notConfigured(entity);
    }
    const { clusters, missing } = await this.clustersFor(
      target,
      options.cluster,
    );
    const answers = await Promise.all(
      clusters.map(cluster =>
        this.clusterAnswer(cluster, target, options.userAuth),
      ),
    );
    for (const name of missing) {
      const error = missingClusterError(name);
      answers.push({
        chain: errorAnswer({ name }, error, 'direct').chain,
        hash: sha(error.message),
      });
    }
    const clusterHashes: Record<string, string> = {};
    answers.forEach(a => {
      clusterHashes[a.chain.cluster.name] = a.hash;
    });
    const revision = combineRevisions(clusterHashes);
    return {
      response: {
        entityRef,
        status: 'configured',
        selector: target.labelSelector,
        ...(target.namespace && { namespace: target.namespace }),
        clusters: answers.map(a => a.chain),
        revision,
        generatedAt: new Date().toISOString(),
      },
      revisions: { revision, clusters: clusterHashes },
    };
  }

  /**
   * The response as JSON, equal to `JSON.stringify(response)`, reusing the
   * serialized chains of cache clusters (see ChainSerializer).
   */
  serialize(response: MeshChainResponse): string {
    return this.serializer.serialize(response);
  }

  /** One object of the entity's chain in a cluster, for "show YAML". */
  getObject(
    entity: Entity,
    request: { cluster: string; key: string },
    options: Pick<ChainRequestOptions, 'userAuth'> = {},
  ): Promise<MeshObjectResponse> {
    return this.objects.get(entity, request, options.userAuth);
  }

  /** Simulates a request against the entity's chain in each cluster. */
  simulate(
    entity: Entity,
    request: RouteSimulationRequest,
    options: ChainRequestOptions = {},
  ): Promise<RouteSimulationResponse> {
    return this.routes.simulate(entity, request, options);
  }

  /**
   * The content hash of entities' chains in a cached cluster (as a page
   * would get them now), resolving again only the chains a change of the
   * cache concerns; the cluster's state is read once for all the entities.
   * Used by live updates.
   */
  cachedClusterHasher(
    cluster: MeshCluster,
  ): (target: MeshEntityTarget) => string | undefined {
    if (cluster.authMode !== 'server') {
      return () => undefined;
    }
    return this.cached.hasher(cluster);
  }

  /** The clusters an entity's chain is looked up in. */
  async clustersFor(
    target: MeshEntityTarget,
    only?: string,
  ): Promise<ClusterSelection> {
    return selectClusters(await this.data.listClusters(), target, only);
  }

  /**
   * One cluster's part of an answer: from its watch cache at once, or read
   * with the user's credential within `mesh.requestTimeout`. Never throws:
   * a failure is the cluster's error.
   */
  private async clusterAnswer(
    cluster: MeshCluster,
    target: MeshEntityTarget,
    userAuth: MeshUserAuth | undefined,
  ): Promise<ClusterAnswer> {
    const summary = clusterSummary(cluster);
    const source = cluster.authMode === 'server' ? 'cache' : 'direct';
    const failed = (error: unknown) =>
      errorAnswer(
        summary,
        {
          reason: 'unknown',
          message:
            error instanceof ResolveError
              ? error.message
              : `Could not read the cluster '${cluster.name}': ${
                  (error as Error).message
                }`,
        },
        source,
      );
    if (cluster.authMode === 'server') {
      try {
        return this.cached.answer(cluster, summary, target);
      } catch (error) {
        return failed(error);
      }
    }
    const timeoutMs = this.settings.requestTimeoutMs;
    return withDeadline(
      this.direct.answer(cluster, summary, target, userAuth).catch(failed),
      timeoutMs,
      () =>
        errorAnswer(
          summary,
          {
            reason: 'timeout',
            message: `The cluster '${cluster.name}' did not answer within ${timeoutMs} ms (mesh.requestTimeout)`,
          },
          source,
        ),
    );
  }
}

/** The answer for an entity without the Kubernetes annotations. */
function notConfigured(entity: Entity): {
  response: MeshChainResponse;
  revisions: ChainRevisions;
} {
  const entityRef = stringifyEntityRef(entity);
  const name = entity.metadata.name;
  return {
    response: {
      entityRef,
      status: 'not-configured',
      hint: `Add the annotation '${ANNOTATION_KUBERNETES_ID}: ${name}' to metadata.annotations of ${entityRef} and label its Kubernetes workloads '${ANNOTATION_KUBERNETES_ID}=${name}', or add '${ANNOTATION_KUBERNETES_LABEL_SELECTOR}' with a label selector that finds them (e.g. 'app=${name}'), the same annotations the Kubernetes plugin uses.`,
      clusters: [],
      revision: 'not-configured',
      generatedAt: new Date().toISOString(),
    },
    revisions: { revision: 'not-configured', clusters: {} },
  };
}
