/*
 * What a Deployment that is not applied yet will run: the ReplicaSet its
 * controller creates and that ReplicaSet's pods, from its pod template. The
 * engine finds Services' pods, subsets' pods and container ports through
 * pods, so a check of manifests sees the pods the manifests will make.
 */
import type { KubeObject } from '../kube/KubeObject';

/** Pods projected per Deployment at most: enough for every rule, bounded for any replica count. */
const MAX_PROJECTED_PODS = 10;

/** The label the Deployment controller adds to its ReplicaSets and their pods. */
const POD_TEMPLATE_HASH = 'pod-template-hash';

function ownerReference(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: `projected-${owner.metadata.namespace ?? ''}-${owner.metadata.name}`,
    controller: true,
  };
}

function readyPod(
  replicaSet: KubeObject,
  index: number,
  template: any,
): KubeObject {
  const containers: any[] = Array.isArray(template?.spec?.containers)
    ? template.spec.containers
    : [];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${replicaSet.metadata.name}-${index}`,
      namespace: replicaSet.metadata.namespace,
      labels: { ...replicaSet.metadata.labels },
      ownerReferences: [ownerReference(replicaSet)],
    },
    spec: template?.spec ?? {},
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: containers.map(c => ({
        name: c?.name,
        ready: true,
        restartCount: 0,
        state: { running: {} },
      })),
    },
  };
}

/**
 * The ReplicaSet and ready pods a Deployment will run once rolled out
 * (`spec.replicas`, default 1, at most ten pods), labelled and owned as
 * the Deployment controller labels and owns them.
 *
 * @public
 */
export function projectedRollout(deployment: KubeObject): KubeObject[] {
  const template = deployment.spec?.template ?? {};
  const replicas: number =
    typeof deployment.spec?.replicas === 'number'
      ? deployment.spec.replicas
      : 1;
  const replicaSet: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-projected`,
      namespace: deployment.metadata.namespace,
      labels: {
        ...template.metadata?.labels,
        [POD_TEMPLATE_HASH]: 'projected',
      },
      ownerReferences: [ownerReference(deployment)],
    },
    spec: { replicas, selector: deployment.spec?.selector, template },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas },
  };
  const pods = Array.from(
    { length: Math.max(0, Math.min(replicas, MAX_PROJECTED_PODS)) },
    (_, i) => readyPod(replicaSet, i, template),
  );
  return [replicaSet, ...pods];
}
