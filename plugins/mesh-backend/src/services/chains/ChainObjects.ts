/*
 * "Show YAML": one object of an entity's chain, read from its cluster when
 * the user opens its YAML. The chain answer carries no copies of the
 * objects, and the watch caches keep only what the chain reads, so the
 * object is read live (one GET, with the credential the chain was read
 * with) and shown as `displayObject.ts` trims it. Only an object that is
 * part of the entity's chain is read, so this never reads arbitrary
 * objects.
 */
import type { Entity } from '@backstage/catalog-model';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  chainMemberRefs,
  KubeObject,
  MeshObjectResponse,
  ObjectRef,
  objectKey,
  rawObjectOf,
  WATCHED_KINDS,
  WatchedKind,
  watchedKindOf,
} from '@mesh-chain/plugin-mesh-common';
import {
  classifyClusterError,
  MeshCluster,
  MeshUserAuth,
} from '@mesh-chain/plugin-mesh-node';
import type { ClusterDataService } from '../cluster/ClusterDataService';
import { displayObject } from '../cluster/displayObject';
import { KubeStatusError } from '../cluster/KubeTransport';
import type { ChainLookup } from '../routeTrace/RouteTraceService';

/** Answers "show YAML" for objects of an entity's chain. */
export class ChainObjects {
  constructor(
    private readonly chains: ChainLookup,
    private readonly data: ClusterDataService,
  ) {}

  /**
   * The object with `key` (its `objectKey`) in the entity's chain in
   * `cluster`: the chain is looked up as for a page view (same clusters,
   * same credentials), then the object is read from the cluster with the
   * same credential. Anything not in the chain, Secrets included, is not
   * found; a cluster that fails to answer is a 503 naming it.
   */
  async get(
    entity: Entity,
    request: { cluster: string; key: string },
    userAuth: MeshUserAuth | undefined,
  ): Promise<MeshObjectResponse> {
    const { response } = await this.chains.getChain(entity, {
      userAuth,
      cluster: request.cluster,
    });
    const notInChain = () =>
      new NotFoundError(
        `${request.key} is not part of the chain of ${response.entityRef} in cluster '${request.cluster}'`,
      );
    const chain = response.clusters.find(
      c => c.cluster.name === request.cluster,
    );
    if (chain?.error) {
      throw new NotFoundError(
        `Cluster '${request.cluster}' could not be read: ${chain.error.message}`,
      );
    }
    const ref =
      chain && chainMemberRefs(chain).find(r => objectKey(r) === request.key);
    const kind = ref && ref.kind !== 'Secret' ? watchedKindOf(ref) : undefined;
    const cluster = (await this.data.listClusters()).find(
      c => c.name === request.cluster,
    );
    if (!ref || !kind || !cluster) {
      throw notInChain();
    }
    const object = await this.read(cluster, userAuth, kind, ref, request.key);
    return {
      entityRef: response.entityRef,
      cluster: request.cluster,
      ref,
      object: rawObjectOf(object),
    };
  }

  /** Reads one object of the chain, trimmed for display. */
  private async read(
    cluster: MeshCluster,
    userAuth: MeshUserAuth | undefined,
    kind: WatchedKind,
    ref: ObjectRef,
    key: string,
  ): Promise<KubeObject> {
    let raw: unknown;
    try {
      raw = await this.data.readObject(cluster, userAuth, kind, ref);
    } catch (error) {
      if (error instanceof KubeStatusError && error.statusCode === 404) {
        throw new NotFoundError(
          `${key} is no longer in cluster '${cluster.name}'`,
        );
      }
      const { message } = classifyClusterError(error, {
        cluster: cluster.name,
        resource: WATCHED_KINDS[kind].plural,
      });
      throw new ServiceUnavailableError(message);
    }
    const { object } = displayObject(kind, raw, ref);
    if (!object || object.metadata.name !== ref.name) {
      throw new ServiceUnavailableError(
        `The cluster '${cluster.name}' did not answer with ${key}`,
      );
    }
    return object;
  }
}
