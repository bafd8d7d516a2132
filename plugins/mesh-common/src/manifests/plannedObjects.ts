/*
 * The objects of a cluster once manifests are applied and rolled out: the
 * manifests replace the live objects of the same group, kind, namespace and
 * name, and the Deployments they declare have the pods their templates
 * describe. Manifests hold no pods, yet which pods a Service, a subset or a
 * Gateway selects is most of what can go wrong; the planned pods let the
 * engine answer that for manifests as it does for a cluster.
 */
import { FoundObjects } from '../engine/resolve/found';
import { podsOfDeployments } from '../engine/resolve/workloads';
import type { KubeObject } from '../engine/kube/KubeObject';
import { ChainReads } from '../engine/reads/ChainReads';
import { MemorySnapshot } from '../engine/snapshot/MemorySnapshot';
import { objectKey } from '../types';

/**
 * The annotation on the pods (and ReplicaSets) planned from a Deployment's
 * template, naming the Deployment: they are what the Deployment would
 * create, not pods that run.
 *
 * @public
 */
export const PLANNED_FROM_ANNOTATION = 'mesh-chain.dev/planned-from';

/** The most pods planned for one Deployment. @public */
export const MAX_PLANNED_PODS = 100;

/**
 * Kinds whose status describes what runs (replica counts, load balancer
 * addresses, pods): a manifest applied over a live object keeps it. The
 * status of routes and Gateways describes their spec and is recomputed.
 */
const RUNNING_STATUS_KINDS = new Set([
  'Deployment',
  'Service',
  'HorizontalPodAutoscaler',
]);

function keyOf(obj: KubeObject): string {
  return objectKey({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  });
}

function isDeployment(obj: KubeObject): boolean {
  return obj.kind === 'Deployment' && obj.apiVersion === 'apps/v1';
}

/**
 * The objects of the cluster once these manifests are applied and their
 * Deployments rolled out:
 *
 * - each manifest replaces the live object of the same group, kind,
 *   namespace and name (a `v1alpha3` VirtualService replaces a `v1` one),
 *   keeping the live object's identity (uid, creation time, hence Istio's
 *   merge order) and, for Deployments, Services and HPAs, its status;
 * - a Deployment that runs already keeps its pods, which take the labels
 *   and containers of the manifest's template (what a rollout changes) and
 *   keep their state: the plan does not guess whether new pods would be
 *   healthy;
 * - a Deployment that does not run yet gets its rollout completed: ready
 *   pods from its template (`spec.replicas`, default 1, at most
 *   {@link MAX_PLANNED_PODS}) named `<deployment>-planned-<n>`, annotated
 *   with {@link PLANNED_FROM_ANNOTATION}, under a ReplicaSet it owns.
 *
 * Manifests must carry their namespace. Pure; the inputs are not changed.
 *
 * @public
 */
export function plannedObjects(
  manifests: readonly KubeObject[],
  live: readonly KubeObject[] = [],
): KubeObject[] {
  const liveByKey = new Map(live.map(o => [keyOf(o), o]));
  const replaced = new Set<string>();
  const planned: KubeObject[] = [];
  const liveDeployments: Array<{ manifest: KubeObject; live: KubeObject }> = [];
  for (const manifest of manifests) {
    const key = keyOf(manifest);
    const before = liveByKey.get(key);
    replaced.add(key);
    planned.push(before ? overLive(manifest, before) : manifest);
    if (isDeployment(manifest)) {
      if (before) {
        liveDeployments.push({ manifest, live: before });
      } else {
        planned.push(...plannedRollout(manifest));
      }
    }
  }
  const rolledPods = podsUnderNewTemplates(liveDeployments, live);
  const kept = live.filter(o => {
    const key = keyOf(o);
    return !replaced.has(key) && !rolledPods.has(key);
  });
  return [...kept, ...planned, ...rolledPods.values()].map(o =>
    isDeployment(o) && !liveByKey.has(keyOf(o)) ? withCompleteRollout(o) : o,
  );
}

/** A manifest over the live object it replaces. */
function overLive(manifest: KubeObject, live: KubeObject): KubeObject {
  const identity = Object.fromEntries(
    (['uid', 'creationTimestamp', 'resourceVersion', 'generation'] as const)
      .filter(k => manifest.metadata[k] === undefined)
      .filter(k => live.metadata[k] !== undefined)
      .map(k => [k, live.metadata[k]]),
  );
  return {
    ...manifest,
    metadata: { ...manifest.metadata, ...identity },
    ...(RUNNING_STATUS_KINDS.has(manifest.kind) &&
      manifest.status === undefined &&
      live.status !== undefined && { status: live.status }),
  };
}

/**
 * The live pods of Deployments that manifests replace, each with the
 * labels and containers of the manifest's template, by key.
 */
function podsUnderNewTemplates(
  deployments: Array<{ manifest: KubeObject; live: KubeObject }>,
  live: readonly KubeObject[],
): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  if (deployments.length === 0) return out;
  const reads = ChainReads.over(
    MemorySnapshot.fromObjects([...live]),
    'cluster.local',
  );
  for (const d of deployments) {
    const pods = podsOfDeployments(reads, [d.live], new FoundObjects());
    for (const pod of pods) {
      const rolled = podUnderTemplate(pod, d.live, d.manifest);
      out.set(keyOf(rolled), rolled);
    }
  }
  return out;
}

/**
 * A running pod as the new template makes it: the template's labels (and
 * the labels the pod has that its old template did not give it, such as
 * `pod-template-hash` or those a mesh adds), and the template's containers;
 * its state is kept.
 */
function podUnderTemplate(
  pod: KubeObject,
  liveDeployment: KubeObject,
  manifest: KubeObject,
): KubeObject {
  const oldLabels: Record<string, string> =
    liveDeployment.spec?.template?.metadata?.labels ?? {};
  const added = Object.fromEntries(
    Object.entries(pod.metadata.labels ?? {}).filter(
      ([k]) => !(k in oldLabels),
    ),
  );
  const template = manifest.spec?.template ?? {};
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      labels: { ...added, ...(template.metadata?.labels ?? {}) },
    },
    spec: { ...pod.spec, containers: template.spec?.containers ?? [] },
  };
}

/**
 * The ReplicaSet and ready pods a Deployment that does not run yet will
 * have once rolled out (see {@link plannedObjects}), labelled and owned as
 * the Deployment controller labels and owns them.
 *
 * @public
 */
export function plannedRollout(deployment: KubeObject): KubeObject[] {
  const { name, namespace } = deployment.metadata;
  const template = deployment.spec?.template ?? {};
  const labels: Record<string, string> = template.metadata?.labels ?? {};
  const replicas = replicasOf(deployment);
  const annotations = { [PLANNED_FROM_ANNOTATION]: `Deployment ${name}` };
  const replicaSetName = `${name}-planned`;
  const replicaSet: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName,
      namespace,
      labels,
      annotations,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name,
          uid: deployment.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: { replicas, selector: deployment.spec?.selector, template },
    status: {
      replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
    },
  };
  const containers: any[] = Array.isArray(template.spec?.containers)
    ? template.spec.containers
    : [];
  const pods = Array.from(
    { length: Math.min(replicas, MAX_PLANNED_PODS) },
    (_, i): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-planned-${i + 1}`,
        namespace,
        labels,
        annotations: { ...template.metadata?.annotations, ...annotations },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: replicaSetName,
            uid: '',
            controller: true,
          },
        ],
      },
      spec: template.spec ?? {},
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: containers.map(c => ({
          name: c?.name,
          image: c?.image,
          ready: true,
          restartCount: 0,
          state: { running: {} },
        })),
      },
    }),
  );
  return [replicaSet, ...pods];
}

function replicasOf(deployment: KubeObject): number {
  const r = deployment.spec?.replicas;
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : 1;
}

/** A new Deployment with the status of a completed rollout. */
function withCompleteRollout(deployment: KubeObject): KubeObject {
  if (deployment.status !== undefined) return deployment;
  const replicas = replicasOf(deployment);
  const generation = deployment.metadata.generation ?? 1;
  return {
    ...deployment,
    metadata: { ...deployment.metadata, generation },
    status: {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
        },
      ],
    },
  };
}
