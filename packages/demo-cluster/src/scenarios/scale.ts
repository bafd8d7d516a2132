/*
 * A generator of large, consistent clusters for load tests and benchmarks:
 * chains of Gateway -> VirtualService -> DestinationRule -> Service ->
 * Deployment (+ HPA) -> ReplicaSet -> Pods, already rolled out (pods Ready,
 * statuses filled in), so the simulated controllers find nothing to do.
 */
import { createHash } from 'crypto';
import { podTemplateHash } from '../controllers/deployments';
import { LOAD_ANNOTATION } from '../controllers/load';
import { NODES } from '../controllers/pods';
import type { KubeObject } from '../types';
import { KUBERNETES_ID } from './builders';

/** Options of `generateScaleObjects`. @public */
export interface ScaleOptions {
  /** About how many objects to generate (e.g. 1000, 5000, 20000). */
  objects: number;
  /** Chains per namespace (default 50). */
  chainsPerNamespace?: number;
  /** Pods per Deployment (default 2). */
  podsPerDeployment?: number;
  /** Prefix of namespaces and names (default `scale`). */
  prefix?: string;
}

/** Objects per chain besides pods: Deployment, ReplicaSet, Service, HPA, VirtualService, DestinationRule. */
const PER_CHAIN = 6;

function uid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

function suffix(seed: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = createHash('sha1').update(seed).digest();
  return [...h.subarray(0, 5)].map(b => alphabet[b % alphabet.length]).join('');
}

/**
 * Generates about `objects` objects in consistent chains (the count is
 * rounded to whole chains; namespaces and Gateways come on top, one each
 * per `chainsPerNamespace` chains). @public
 */
export function generateScaleObjects(options: ScaleOptions): KubeObject[] {
  const pods = options.podsPerDeployment ?? 2;
  const perNs = options.chainsPerNamespace ?? 50;
  const prefix = options.prefix ?? 'scale';
  const chains = Math.max(
    1,
    Math.floor(options.objects / (PER_CHAIN + pods + 2 / perNs)),
  );
  const created = new Date(Date.now() - 3600_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const out: KubeObject[] = [];
  let ip = 0;
  for (let i = 0; i < chains; i++) {
    const nsIndex = Math.floor(i / perNs);
    const ns = `${prefix}-${String(nsIndex).padStart(3, '0')}`;
    const gateway = `${prefix}-gateway`;
    if (i % perNs === 0) {
      out.push({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'istio-injection': 'enabled' } },
      });
      out.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: { name: gateway, namespace: ns },
        spec: {
          selector: { istio: 'ingressgateway' },
          servers: [
            {
              port: { number: 80, name: 'http', protocol: 'HTTP' },
              hosts: [`*.${ns}.example.com`],
            },
          ],
        },
      });
    }
    const name = `svc-${String(i).padStart(5, '0')}`;
    const component = `${prefix}-${name}`;
    const labels = { app: name, version: 'v1', [KUBERNETES_ID]: component };
    const template = {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
            ports: [{ name: 'http', containerPort: 9898, protocol: 'TCP' }],
            resources: {
              requests: { cpu: '100m', memory: '64Mi' },
              limits: { cpu: '200m', memory: '128Mi' },
            },
          },
        ],
      },
    };
    const hash = podTemplateHash(template);
    const dUid = uid(`${ns}/${name}/deployment`);
    const rsName = `${name}-${hash}`;
    const rsUid = uid(`${ns}/${rsName}/replicaset`);
    const host = `${name}.${ns}.svc.cluster.local`;
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: ns,
        uid: dUid,
        creationTimestamp: created,
        labels: { app: name, [KUBERNETES_ID]: component },
        annotations: {
          [LOAD_ANNOTATION]: `rps=${pods * 4}`,
          'deployment.kubernetes.io/revision': '1',
        },
      },
      spec: {
        replicas: pods,
        selector: { matchLabels: { app: name, version: 'v1' } },
        template,
      },
      status: {
        observedGeneration: 1,
        replicas: pods,
        updatedReplicas: pods,
        readyReplicas: pods,
        availableReplicas: pods,
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
    });
    const rsTemplate = {
      ...template,
      metadata: { labels: { ...labels, 'pod-template-hash': hash } },
    };
    out.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: ns,
        uid: rsUid,
        creationTimestamp: created,
        labels: rsTemplate.metadata.labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(pods),
          'deployment.kubernetes.io/max-replicas': String(pods + 1),
          'deployment.kubernetes.io/revision': '1',
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name,
            uid: dUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: pods,
        selector: {
          matchLabels: { app: name, version: 'v1', 'pod-template-hash': hash },
        },
        template: rsTemplate,
      },
      status: {
        replicas: pods,
        fullyLabeledReplicas: pods,
        readyReplicas: pods,
        availableReplicas: pods,
        observedGeneration: 1,
      },
    });
    for (let p = 0; p < pods; p++) {
      const podName = `${rsName}-${suffix(`${ns}/${rsName}/${p}`)}`;
      const node = NODES[(i + p) % NODES.length];
      const k = ip++;
      const podIP = `10.244.${1 + Math.floor(k / 250)}.${2 + (k % 250)}`;
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: ns,
          uid: uid(`${ns}/${podName}/pod`),
          creationTimestamp: created,
          labels: rsTemplate.metadata.labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rsName,
              uid: rsUid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          ...JSON.parse(JSON.stringify(template.spec)),
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
          containerStatuses: [
            {
              name: 'app',
              image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
              imageID:
                'ghcr.io/stefanprodan/podinfo@sha256:0000000000000000000000000000000000000000000000000000000000000000',
              containerID: `containerd://${createHash('sha256')
                .update(podName)
                .digest('hex')}`,
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: created } },
              lastState: {},
            },
          ],
        },
      });
    }
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: ns,
        labels: { app: name, [KUBERNETES_ID]: component },
      },
      spec: {
        type: 'ClusterIP',
        selector: { app: name },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    });
    out.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: ns, labels: { [KUBERNETES_ID]: component } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: pods,
        maxReplicas: pods * 3,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 80 },
            },
          },
        ],
      },
    });
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name, namespace: ns, labels: { [KUBERNETES_ID]: component } },
      spec: { host, subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
    });
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name, namespace: ns, labels: { [KUBERNETES_ID]: component } },
      spec: {
        hosts: [`${name}.${ns}.example.com`],
        gateways: [gateway],
        http: [
          {
            route: [
              { destination: { host, subset: 'v1', port: { number: 80 } } },
            ],
          },
        ],
      },
    });
  }
  return out;
}
