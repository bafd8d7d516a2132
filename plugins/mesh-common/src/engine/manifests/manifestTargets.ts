/*
 * Which components a set of manifests makes, as the Service Mesh tab finds
 * them: by their `backstage.io/kubernetes-id` label.
 */
import { ANNOTATION_KUBERNETES_ID, MeshEntityTarget } from '../../annotations';
import type { KubeObject } from '../kube/KubeObject';
import {
  formatLabelSelector,
  labelSelectorFromSpec,
} from '../kube/labelSelector';

/**
 * The components of a set of manifests, each as the tab's target: one per
 * value of the `backstage.io/kubernetes-id` label (in the namespace its
 * objects share, if they share one, as a template's catalog entity names
 * it); manifests without that label are reached from their Deployments'
 * selectors instead.
 *
 * @public
 */
export function manifestTargets(
  manifests: readonly KubeObject[],
): MeshEntityTarget[] {
  const namespacesById = new Map<string, Set<string>>();
  for (const obj of manifests) {
    const id = obj.metadata.labels?.[ANNOTATION_KUBERNETES_ID];
    if (typeof id !== 'string' || !id || obj.kind === 'Namespace') continue;
    const namespaces = namespacesById.get(id) ?? new Set<string>();
    namespaces.add(obj.metadata.namespace ?? '');
    namespacesById.set(id, namespaces);
  }
  if (namespacesById.size > 0) {
    return [...namespacesById].map(([id, namespaces]) => {
      const [only] = namespaces;
      return {
        labelSelector: `${ANNOTATION_KUBERNETES_ID}=${id}`,
        ...(namespaces.size === 1 && only && { namespace: only }),
      };
    });
  }
  return manifests
    .filter(o => o.kind === 'Deployment')
    .map(d => ({
      labelSelector: formatLabelSelector(
        labelSelectorFromSpec(d.spec?.selector),
      ),
      ...(d.metadata.namespace && { namespace: d.metadata.namespace }),
    }))
    .filter(t => t.labelSelector !== '');
}
