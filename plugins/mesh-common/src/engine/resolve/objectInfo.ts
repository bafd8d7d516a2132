/*
 * Kubernetes objects -> the chain's JSON types: references, the fields every
 * resource carries, Services, Deployments and Pods.
 */
import type {
  Condition,
  DeploymentInfo,
  ObjectRef,
  PodInfo,
  ServiceInfo,
  ServicePortInfo,
  ServiceType,
} from '../../types';
import { serviceFqdn } from '../../routing/hosts';
import type { KubeObject } from '../kube/KubeObject';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The reference to an object. */
export function refOf(obj: KubeObject): ObjectRef {
  return {
    kind: obj.kind,
    apiVersion: obj.apiVersion,
    ...(obj.metadata.namespace !== undefined && {
      namespace: obj.metadata.namespace,
    }),
    name: obj.metadata.name,
  };
}

/**
 * An object as "show YAML" presents it: without `managedFields` and the
 * `last-applied-configuration` annotation. Chains carry no such copy; the
 * backend sends one object this way when a user asks for it.
 *
 * @public
 */
export function rawObjectOf(obj: KubeObject): Record<string, unknown> {
  const { managedFields: _managed, ...metadata } = obj.metadata;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _last, ...annotations } = metadata.annotations;
    metadata.annotations = annotations;
  }
  return { ...obj, metadata };
}

/** Fields every resource carries; health is filled in at the end. */
export function baseOf(obj: KubeObject) {
  return {
    ref: refOf(obj),
    health: 'ok' as const,
    ...(obj.metadata.labels && { labels: obj.metadata.labels }),
    ...(obj.metadata.creationTimestamp && {
      creationTimestamp: obj.metadata.creationTimestamp,
    }),
  };
}

export function conditionsOf(obj: KubeObject): Condition[] {
  const list: any[] = Array.isArray(obj.status?.conditions)
    ? obj.status.conditions
    : [];
  return list
    .filter(c => c && typeof c.type === 'string')
    .map(c => ({
      type: c.type,
      status: ['True', 'False'].includes(c.status) ? c.status : 'Unknown',
      ...(c.reason && { reason: c.reason }),
      ...(c.message && { message: c.message }),
      ...(c.lastTransitionTime && {
        lastTransitionTime: c.lastTransitionTime,
      }),
    }));
}

/** A finite number, or the fallback. */
export function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function containersOf(obj: { spec?: any }): any[] {
  return Array.isArray(obj.spec?.containers) ? obj.spec.containers : [];
}

/** The container port a Service targetPort resolves to on a pod spec. */
function resolveTargetPort(
  targetPort: number | string,
  podSpecs: Array<{ spec?: any }>,
): number | undefined {
  if (typeof targetPort === 'number') {
    return targetPort;
  }
  if (/^\d+$/.test(targetPort)) {
    return Number(targetPort);
  }
  for (const p of podSpecs) {
    for (const c of containersOf(p)) {
      for (const cp of Array.isArray(c.ports) ? c.ports : []) {
        if (cp.name === targetPort) {
          return cp.containerPort;
        }
      }
    }
  }
  return undefined;
}

function servicePortsOf(
  svc: KubeObject,
  podSpecs: Array<{ spec?: any }>,
): ServicePortInfo[] {
  const ports: any[] = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
  return ports.map(p => {
    const targetPort: number | string = p.targetPort ?? p.port;
    const resolved = resolveTargetPort(targetPort, podSpecs);
    return {
      ...(p.name && { name: p.name }),
      protocol: p.protocol ?? 'TCP',
      ...(p.appProtocol && { appProtocol: p.appProtocol }),
      port: p.port,
      targetPort,
      ...(resolved !== undefined && { resolvedTargetPort: resolved }),
      ...(p.nodePort !== undefined && { nodePort: p.nodePort }),
    };
  });
}

export function serviceAddresses(svc: KubeObject): string[] {
  const ingress: any[] = Array.isArray(svc.status?.loadBalancer?.ingress)
    ? svc.status.loadBalancer.ingress
    : [];
  const external: string[] = Array.isArray(svc.spec?.externalIPs)
    ? svc.spec.externalIPs
    : [];
  return [
    ...ingress.map(i => i?.ip ?? i?.hostname).filter(Boolean),
    ...external,
  ];
}

export function isPodReady(pod: KubeObject): boolean {
  const list: any[] = Array.isArray(pod.status?.conditions)
    ? pod.status.conditions
    : [];
  return list.some(c => c?.type === 'Ready' && c.status === 'True');
}

export function serviceInfo(
  svc: KubeObject,
  pods: KubeObject[],
  podSpecs: Array<{ spec?: any }>,
  clusterDomain: string,
): ServiceInfo {
  const type: ServiceType = svc.spec?.type ?? 'ClusterIP';
  const addresses = serviceAddresses(svc);
  let reachability: ServiceInfo['reachability'] = 'cluster';
  if (type === 'NodePort') {
    reachability = 'node';
  } else if (type === 'LoadBalancer') {
    reachability = addresses.length > 0 ? 'external' : 'pending';
  }
  return {
    ...baseOf(svc),
    type,
    ...(svc.spec?.clusterIP && { clusterIP: svc.spec.clusterIP }),
    fqdn: serviceFqdn(
      svc.metadata.name,
      svc.metadata.namespace ?? '',
      clusterDomain,
    ),
    ports: servicePortsOf(svc, podSpecs),
    selector: svc.spec?.selector ?? {},
    externalAddresses: addresses,
    ...(svc.spec?.externalName && { externalName: svc.spec.externalName }),
    reachability,
    pods: pods.length,
    readyPods: pods.filter(isPodReady).length,
  };
}

export function deploymentInfo(
  dep: KubeObject,
  autoscaler?: ObjectRef,
): DeploymentInfo {
  const spec = dep.spec ?? {};
  const status = dep.status ?? {};
  const desired = num(spec.replicas, 1);
  const conditions = conditionsOf(dep);
  const progressing = conditions.find(c => c.type === 'Progressing');
  const updated = num(status.updatedReplicas);
  const available = num(status.availableReplicas);
  const current = num(status.replicas);
  let state: DeploymentInfo['rollout']['state'] = 'progressing';
  let message: string | undefined = progressing?.message;
  if (spec.paused) {
    state = 'paused';
  } else if (progressing?.reason === 'ProgressDeadlineExceeded') {
    state = 'stalled';
  } else if (
    num(status.observedGeneration) >= num(dep.metadata.generation) &&
    updated >= desired &&
    available >= desired &&
    current <= desired
  ) {
    state = 'complete';
    message = undefined;
  }
  const template = spec.template ?? {};
  const strategy = spec.strategy ?? {};
  return {
    ...baseOf(dep),
    replicas: {
      desired,
      current,
      updated,
      ready: num(status.readyReplicas),
      available,
      unavailable: num(status.unavailableReplicas),
    },
    ...(dep.metadata.generation !== undefined && {
      generation: dep.metadata.generation,
    }),
    ...(status.observedGeneration !== undefined && {
      observedGeneration: status.observedGeneration,
    }),
    conditions,
    images: containersOf(template).map(c => c.image),
    strategy: {
      type: strategy.type === 'Recreate' ? 'Recreate' : 'RollingUpdate',
      ...(strategy.rollingUpdate?.maxSurge !== undefined && {
        maxSurge: strategy.rollingUpdate.maxSurge,
      }),
      ...(strategy.rollingUpdate?.maxUnavailable !== undefined && {
        maxUnavailable: strategy.rollingUpdate.maxUnavailable,
      }),
    },
    rollout: { state, ...(message && { message }) },
    selector: spec.selector?.matchLabels ?? {},
    podLabels: template.metadata?.labels ?? {},
    ...(autoscaler && { autoscaler }),
  };
}

function containerState(status: any): string {
  const s = status?.state ?? {};
  if (s.running) {
    return 'running';
  }
  if (s.waiting) {
    return `waiting: ${s.waiting.reason ?? 'unknown'}`;
  }
  if (s.terminated) {
    return `terminated: ${s.terminated.reason ?? 'unknown'}`;
  }
  return 'unknown';
}

export function podInfo(pod: KubeObject, owner?: ObjectRef): PodInfo {
  const statuses: any[] = Array.isArray(pod.status?.containerStatuses)
    ? pod.status.containerStatuses
    : [];
  return {
    ...baseOf(pod),
    phase: pod.status?.phase ?? 'Unknown',
    ready: isPodReady(pod),
    restarts: statuses.reduce((a, s) => a + num(s?.restartCount), 0),
    ...(pod.status?.podIP && { podIP: pod.status.podIP }),
    ...(pod.spec?.nodeName && { nodeName: pod.spec.nodeName }),
    ...(owner && { owner }),
    containers: containersOf(pod).map(c => {
      const s = statuses.find(x => x?.name === c.name);
      return {
        name: c.name,
        image: c.image,
        ready: !!s?.ready,
        state: containerState(s),
        ports: (Array.isArray(c.ports) ? c.ports : []).map((p: any) => ({
          ...(p.name && { name: p.name }),
          containerPort: p.containerPort,
          ...(p.protocol && { protocol: p.protocol }),
        })),
      };
    }),
  };
}
