/*
 * Which clusters an entity's chain is looked up in: every configured
 * cluster, or the one its `backstage.io/kubernetes-cluster` annotation
 * names, narrowed to the one a request asks for.
 */
import { InputError } from '@backstage/errors';
import type {
  ClusterError,
  MeshEntityTarget,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster } from '@mesh-chain/plugin-mesh-node';

/** The clusters to look an entity up in, and those it names that do not exist. */
export interface ClusterSelection {
  clusters: MeshCluster[];
  /** Clusters the entity's annotation names that are not configured. */
  missing: string[];
}

/**
 * The clusters of `all` an entity's chain is looked up in; `only` (a
 * request's `cluster`) narrows them and must name a configured cluster.
 */
export function selectClusters(
  all: MeshCluster[],
  target: MeshEntityTarget,
  only?: string,
): ClusterSelection {
  if (only !== undefined && !all.some(c => c.name === only)) {
    throw new InputError(
      `Unknown cluster '${only}'; configured clusters: ${
        all.map(c => c.name).join(', ') || '(none)'
      }`,
    );
  }
  let clusters = all;
  const missing: string[] = [];
  if (target.cluster) {
    clusters = all.filter(c => c.name === target.cluster);
    if (clusters.length === 0) {
      missing.push(target.cluster);
    }
  }
  if (only !== undefined) {
    clusters = clusters.filter(c => c.name === only);
  }
  return { clusters, missing: only === undefined ? missing : [] };
}

/** The error shown for a cluster the entity names that is not configured. */
export function missingClusterError(name: string): ClusterError {
  return {
    reason: 'unknown',
    message: `The entity's backstage.io/kubernetes-cluster annotation names '${name}', which is not configured under kubernetes.clusterLocatorMethods; fix the annotation or add the cluster`,
  };
}
