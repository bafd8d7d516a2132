/*
 * Rules about applying manifests that the Service Mesh tab cannot see,
 * because a live object does not show them: what applying would undo, and
 * labels the catalog relies on. References between objects are the
 * engine's business; these rules read the chains it resolved.
 */
import {
  ANNOTATION_KUBERNETES_ID,
  refersToManifest,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';
import { describeObject, KubeObject } from '../lib/models';
import type { ChainFinding } from './chainCheck';

/**
 * A Deployment of the manifests with `spec.replicas` that an autoscaler
 * scales: every apply would reset the replicas the autoscaler chose. A live
 * Deployment always has `spec.replicas`, so only manifests show this.
 */
function replicasNextToAutoscaler(
  objects: readonly KubeObject[],
  chains: readonly ResolvedClusterChain[],
): ChainFinding[] {
  const seen = new Set<string>();
  return chains.flatMap(chain =>
    chain.hpas.flatMap((hpa): ChainFinding[] => {
      const target = hpa.target;
      const deployment =
        target &&
        refersToManifest(target, objects) &&
        objects.find(
          o =>
            o.kind === 'Deployment' &&
            o.metadata.name === target.name &&
            o.metadata.namespace === target.namespace,
        );
      const key = deployment ? describeObject(deployment) : '';
      if (
        !deployment ||
        (deployment as { spec?: any }).spec?.replicas === undefined ||
        seen.has(key)
      ) {
        return [];
      }
      seen.add(key);
      const autoscaler = `HorizontalPodAutoscaler ${hpa.ref.namespace}/${hpa.ref.name}`;
      return [
        {
          severity: 'error',
          title: 'spec.replicas next to an autoscaler',
          object: key,
          path: 'spec.replicas',
          message: `is set while ${autoscaler} scales this Deployment, so every apply would reset the replicas the autoscaler chose.`,
          fix: 'Remove spec.replicas from the Deployment; the autoscaler owns the replica count.',
          involvesManifests: true,
        },
      ];
    }),
  );
}

/**
 * Objects whose `backstage.io/kubernetes-id` label differs from the
 * others': the catalog entity (and the stock Kubernetes tab) finds its
 * objects by that label.
 */
function kubernetesIdMismatches(
  objects: readonly KubeObject[],
): ChainFinding[] {
  const labelled = objects.filter(o => o.kind !== 'Namespace');
  const ids = new Set(
    labelled.map(o => o.metadata.labels?.[ANNOTATION_KUBERNETES_ID]),
  );
  const value = [...ids].find(v => v !== undefined);
  const podTemplates = labelled.flatMap((o): ChainFinding[] => {
    const template = (o as { spec?: any }).spec?.template?.metadata?.labels;
    const own = o.metadata.labels?.[ANNOTATION_KUBERNETES_ID];
    if (
      o.kind !== 'Deployment' ||
      !own ||
      template?.[ANNOTATION_KUBERNETES_ID] === own
    ) {
      return [];
    }
    return [
      {
        severity: 'warning',
        title: `${ANNOTATION_KUBERNETES_ID} differs`,
        object: describeObject(o),
        path: `spec.template.metadata.labels.${ANNOTATION_KUBERNETES_ID}`,
        message: `is ${
          template?.[ANNOTATION_KUBERNETES_ID] ?? 'missing'
        }, unlike the Deployment's (${own}).`,
        fix: `Label the pod template ${ANNOTATION_KUBERNETES_ID}: ${own}, so that the catalog entity shows its pods.`,
        involvesManifests: true,
      },
    ];
  });
  if (ids.size <= 1 && !ids.has(undefined)) {
    return podTemplates;
  }
  const objectsApart = labelled
    .filter(o => o.metadata.labels?.[ANNOTATION_KUBERNETES_ID] !== value)
    .map(
      (o): ChainFinding => ({
        severity: 'warning',
        title: `${ANNOTATION_KUBERNETES_ID} differs`,
        object: describeObject(o),
        path: `metadata.labels.${ANNOTATION_KUBERNETES_ID}`,
        message: `is ${
          o.metadata.labels?.[ANNOTATION_KUBERNETES_ID] ?? 'missing'
        }, unlike the other objects (${value ?? 'none'}).`,
        fix: 'Set the same value on every object, so that the catalog entity shows the whole chain.',
        involvesManifests: true,
      }),
    );
  return [...objectsApart, ...podTemplates];
}

/**
 * The findings of the rules about applying manifests.
 *
 * @public
 */
export function manifestRuleFindings(
  objects: readonly KubeObject[],
  chains: readonly ResolvedClusterChain[],
): ChainFinding[] {
  return [
    ...replicasNextToAutoscaler(objects, chains),
    ...kubernetesIdMismatches(objects),
  ];
}
