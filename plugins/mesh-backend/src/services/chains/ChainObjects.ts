/*
 * "Show YAML": one object of an entity's chain, as the cluster holds it.
 * The chain answer carries no copies of the objects; a page asks for one
 * when the user opens its YAML. Only an object that is part of the
 * entity's chain is answered, so this never reads arbitrary objects.
 */
import type { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  chainMemberRefs,
  MeshObjectResponse,
  objectKey,
  rawObjectOf,
  watchedKindOf,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshUserAuth } from '@mesh-chain/plugin-mesh-node';
import type { ClusterDataService } from '../cluster/ClusterDataService';
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
   * same credentials), and the object read from the same cache or, for
   * user-auth clusters, read again with the user's credential. Anything
   * not in the chain, Secrets included, is not found.
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
    const namespace = ref.namespace ?? '';
    const snapshot =
      cluster.authMode === 'server'
        ? this.data.cacheFor(cluster).snapshot()
        : (
            await this.data.readDirect(cluster, userAuth, [
              { kind, ...(ref.namespace && { namespace: ref.namespace }) },
            ])
          ).snapshot;
    const object = snapshot.get(kind, namespace, ref.name);
    if (!object) {
      throw new NotFoundError(
        `${request.key} is no longer in cluster '${request.cluster}'`,
      );
    }
    return {
      entityRef: response.entityRef,
      cluster: request.cluster,
      ref,
      object: rawObjectOf(object),
    };
  }
}
