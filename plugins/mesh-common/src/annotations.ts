import type { Entity } from '@backstage/catalog-model';

/** Same annotations as the stock Kubernetes plugin. @public */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';
/** @public */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
/** @public */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';
/** @public */
export const ANNOTATION_KUBERNETES_CLUSTER = 'backstage.io/kubernetes-cluster';

/**
 * How to find an entity's workloads, from its annotations, the way the stock
 * Kubernetes plugin does: `kubernetes-label-selector` wins over
 * `kubernetes-id` (which means `backstage.io/kubernetes-id=<id>`).
 *
 * @public
 */
export interface MeshEntityTarget {
  /** Kubernetes label selector string. */
  labelSelector: string;
  /** Restrict to this namespace, if annotated. */
  namespace?: string;
  /** Restrict to this cluster, if annotated. */
  cluster?: string;
}

/**
 * Reads the Kubernetes annotations of an entity; `undefined` when it has
 * neither `backstage.io/kubernetes-id` nor `backstage.io/kubernetes-label-selector`.
 *
 * @public
 */
export function getMeshEntityTarget(
  entity: Entity,
): MeshEntityTarget | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const selector = annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR]?.trim();
  const id = annotations[ANNOTATION_KUBERNETES_ID]?.trim();
  const labelSelector =
    selector || (id ? `${ANNOTATION_KUBERNETES_ID}=${id}` : undefined);
  if (!labelSelector) {
    return undefined;
  }
  const namespace = annotations[ANNOTATION_KUBERNETES_NAMESPACE]?.trim();
  const cluster = annotations[ANNOTATION_KUBERNETES_CLUSTER]?.trim();
  return {
    labelSelector,
    ...(namespace && { namespace }),
    ...(cluster && { cluster }),
  };
}

/** True when the entity carries the annotations the mesh plugin needs. @public */
export function isMeshAvailable(entity: Entity): boolean {
  return getMeshEntityTarget(entity) !== undefined;
}
