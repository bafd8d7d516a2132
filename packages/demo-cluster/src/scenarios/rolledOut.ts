/*
 * A Deployment as it stands once rolled out: its status filled in, its
 * ReplicaSet, and its pods Ready on the simulated nodes, each with the
 * Istio sidecar injected (the `istio-init` init container, the
 * `istio-proxy` container, their labels, annotations and volumes), the way
 * a real cluster with `istio-injection=enabled` holds them. The simulated
 * controllers find nothing left to do.
 */
import { createHash } from 'crypto';
import { podTemplateHash } from '../controllers/deployments';
import { NODES } from '../controllers/pods';
import type { KubeObject } from '../types';

const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.24.2';

/** The init container of an injected pod. */
const ISTIO_INIT = {
  name: 'istio-init',
  image: PROXY_IMAGE,
  args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337'],
  resources: {
    requests: { cpu: '10m', memory: '40Mi' },
    limits: { cpu: '2', memory: '1Gi' },
  },
};

/** The volumes an injected pod gains. */
const SIDECAR_VOLUMES = [
  { name: 'workload-socket', emptyDir: {} },
  { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
  { name: 'istio-data', emptyDir: {} },
  {
    name: 'istio-podinfo',
    downwardAPI: {
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        {
          path: 'annotations',
          fieldRef: { fieldPath: 'metadata.annotations' },
        },
      ],
    },
  },
  {
    name: 'istio-token',
    projected: {
      sources: [
        {
          serviceAccountToken: {
            audience: 'istio-ca',
            expirationSeconds: 43200,
            path: 'istio-token',
          },
        },
      ],
    },
  },
  { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
];

/** Where the pods of a rolled-out Deployment go, and when it happened. */
export interface RolloutPlacement {
  /** When the objects were created (ISO 8601, whole seconds). */
  created: string;
  /** The index of the first pod in the cluster: picks nodes and pod IPs. */
  firstPod: number;
}

/** A stable UUID from a seed. */
function uid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

/** A pod name suffix as the ReplicaSet controller makes them, from a seed. */
function suffix(seed: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = createHash('sha1').update(seed).digest();
  return [...h.subarray(0, 5)].map(b => alphabet[b % alphabet.length]).join('');
}

function ownerReference(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The Deployment (with status), its ReplicaSet and its Ready pods, for a
 * Deployment as the scenario builders write it.
 */
export function rolledOut(
  deployment: KubeObject,
  placement: RolloutPlacement,
): KubeObject[] {
  const { created } = placement;
  const ns = deployment.metadata.namespace!;
  const name = deployment.metadata.name;
  const replicas: number = deployment.spec.replicas;
  const template = deployment.spec.template;
  const hash = podTemplateHash(template);
  const rsName = `${name}-${hash}`;
  const done: KubeObject = {
    ...deployment,
    metadata: {
      ...deployment.metadata,
      uid: uid(`${ns}/${name}/deployment`),
      creationTimestamp: created,
      annotations: {
        ...deployment.metadata.annotations,
        'deployment.kubernetes.io/revision': '1',
      },
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastUpdateTime: created,
          lastTransitionTime: created,
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: created,
          lastTransitionTime: created,
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
      ],
    },
  };
  const podLabels = { ...template.metadata.labels, 'pod-template-hash': hash };
  const replicaSet: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: ns,
      uid: uid(`${ns}/${rsName}/replicaset`),
      creationTimestamp: created,
      labels: podLabels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + 1),
        'deployment.kubernetes.io/revision': '1',
      },
      ownerReferences: [ownerReference(done)],
    },
    spec: {
      replicas,
      selector: {
        matchLabels: {
          ...deployment.spec.selector.matchLabels,
          'pod-template-hash': hash,
        },
      },
      template: {
        ...template,
        metadata: { ...template.metadata, labels: podLabels },
      },
    },
    status: {
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      observedGeneration: 1,
    },
  };
  const pods = Array.from({ length: replicas }, (_, p) =>
    readyPod(replicaSet, `${rsName}-${suffix(`${ns}/${rsName}/${p}`)}`, {
      created,
      index: placement.firstPod + p,
    }),
  );
  return [done, replicaSet, ...pods];
}

/**
 * A pod of the ReplicaSet, scheduled, running and Ready; sidecar-injected
 * unless its template opts out.
 */
function readyPod(
  replicaSet: KubeObject,
  name: string,
  at: { created: string; index: number },
): KubeObject {
  const pod = runningPod(replicaSet, name, at);
  const optOut =
    replicaSet.spec.template.metadata.annotations?.[
      'sidecar.istio.io/inject'
    ] === 'false';
  return optOut ? pod : withSidecar(pod, at.created);
}

function containerId(pod: string, container: string): string {
  return `containerd://${createHash('sha256')
    .update(`${pod}/${container}`)
    .digest('hex')}`;
}

/** The status of a container that started at `created` and is Ready. */
function runningStatus(
  pod: string,
  c: { name: string; image: string },
  created: string,
) {
  return {
    name: c.name,
    image: c.image,
    imageID: `${c.image.split(':')[0]}@sha256:${createHash('sha256')
      .update(c.image)
      .digest('hex')}`,
    containerID: containerId(pod, c.name),
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: created } },
    lastState: {},
  };
}

/** A pod from the ReplicaSet's template, on a node, every container Ready. */
function runningPod(
  replicaSet: KubeObject,
  name: string,
  at: { created: string; index: number },
): KubeObject {
  const { created, index } = at;
  const template = replicaSet.spec.template;
  const node = NODES[index % NODES.length];
  const podIP = `10.244.${1 + Math.floor(index / 250)}.${2 + (index % 250)}`;
  const containers: any[] = template.spec.containers;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: replicaSet.metadata.namespace,
      uid: uid(`${replicaSet.metadata.namespace}/${name}/pod`),
      creationTimestamp: created,
      labels: { ...template.metadata.labels },
      ...(template.metadata.annotations && {
        annotations: { ...template.metadata.annotations },
      }),
      ownerReferences: [ownerReference(replicaSet)],
    },
    spec: {
      ...JSON.parse(JSON.stringify(template.spec)),
      serviceAccountName: 'default',
      nodeName: node.name,
    },
    status: {
      phase: 'Running',
      conditions: [
        'PodReadyToStartContainers',
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map(type => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: created,
      })),
      hostIP: node.ip,
      hostIPs: [{ ip: node.ip }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: created,
      qosClass: 'Burstable',
      containerStatuses: containers.map(c => runningStatus(name, c, created)),
    },
  };
}

/** What Istio's sidecar injector adds to a pod, running and Ready. */
function withSidecar(pod: KubeObject, created: string): KubeObject {
  const name = pod.metadata.name;
  const labels = pod.metadata.labels ?? {};
  const app = labels.app ?? name;
  const version = labels.version ?? 'latest';
  const main = pod.spec.containers[0].name;
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      labels: {
        ...labels,
        'security.istio.io/tlsMode': 'istio',
        'service.istio.io/canonical-name': app,
        'service.istio.io/canonical-revision': version,
      },
      annotations: {
        ...pod.metadata.annotations,
        'istio.io/rev': 'default',
        'kubectl.kubernetes.io/default-container': main,
        'kubectl.kubernetes.io/default-logs-container': main,
        'prometheus.io/path': '/stats/prometheus',
        'prometheus.io/port': '15020',
        'prometheus.io/scrape': 'true',
        'sidecar.istio.io/status': JSON.stringify({
          initContainers: ['istio-init'],
          containers: ['istio-proxy'],
          volumes: SIDECAR_VOLUMES.map(v => v.name),
          imagePullSecrets: null,
          revision: 'default',
        }),
      },
    },
    spec: {
      ...pod.spec,
      initContainers: [ISTIO_INIT],
      containers: [...pod.spec.containers, sidecar(app, version)],
      volumes: [...(pod.spec.volumes ?? []), ...SIDECAR_VOLUMES],
    },
    status: {
      ...pod.status,
      initContainerStatuses: [
        {
          name: ISTIO_INIT.name,
          image: PROXY_IMAGE,
          imageID: `docker.io/istio/proxyv2@sha256:${'0'.repeat(64)}`,
          containerID: containerId(name, ISTIO_INIT.name),
          ready: true,
          restartCount: 0,
          started: false,
          state: {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: created,
              finishedAt: created,
            },
          },
          lastState: {},
        },
      ],
      containerStatuses: [
        ...pod.status.containerStatuses,
        runningStatus(
          name,
          { name: 'istio-proxy', image: PROXY_IMAGE },
          created,
        ),
      ],
    },
  };
}

/** The `istio-proxy` container the sidecar injector adds. */
function sidecar(app: string, version: string) {
  return {
    name: 'istio-proxy',
    image: PROXY_IMAGE,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    ports: [{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }],
    env: [
      { name: 'ISTIO_META_WORKLOAD_NAME', value: `${app}-${version}` },
      { name: 'ISTIO_META_APP_CONTAINERS', value: app },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
    ],
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: 15021 },
      periodSeconds: 15,
      failureThreshold: 4,
    },
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '2', memory: '1Gi' },
    },
    volumeMounts: [
      {
        name: 'workload-socket',
        mountPath: '/var/run/secrets/workload-spiffe-uds',
      },
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
    ],
  };
}
