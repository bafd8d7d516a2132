/*
 * A small, consistent mesh for tests: the `reviews` component in namespace
 * `shop` (Service, Deployment, ReplicaSet, two Pods, HPA), an Istio ingress
 * gateway in `istio-system`, and a Gateway / VirtualService /
 * DestinationRule that route shop.example.com to reviews.
 */

import type { KubeObject } from '@mesh-chain/plugin-mesh-common';

type Obj = KubeObject;

const ENTITY_LABEL = { 'backstage.io/kubernetes-id': 'reviews' };

export function service(name = 'reviews', ns = 'shop'): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: ns,
      labels: { app: name, ...ENTITY_LABEL },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"big":"blob"}',
      },
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': {} },
        },
      ],
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      selector: { app: name },
      ports: [{ name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' }],
    },
  };
}

export function deployment(name = 'reviews', ns = 'shop', replicas = 2): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: ns,
      generation: 1,
      labels: { app: name, ...ENTITY_LABEL },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { app: name, version: 'v1', ...ENTITY_LABEL } },
        spec: {
          containers: [
            {
              name,
              image: `example/${name}:1.0`,
              ports: [{ containerPort: 9080, name: 'http' }],
              resources: { requests: { cpu: '100m' } },
              env: [{ name: 'BIG', value: 'x'.repeat(1000) }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'cfg' } }],
        },
      },
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True' },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
        },
      ],
    },
  };
}

export function replicaSet(name = 'reviews', ns = 'shop'): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${name}-abc`,
      namespace: ns,
      labels: { app: name, 'pod-template-hash': 'abc' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name,
          uid: `uid-${ns}-${name}`,
          controller: true,
        },
      ],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { spec: { containers: [{ name, image: 'big' }] } },
    },
    status: { replicas: 2, readyReplicas: 2 },
  };
}

export function pod(name: string, app = 'reviews', ns = 'shop'): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: {
        app,
        version: 'v1',
        'pod-template-hash': 'abc',
        ...ENTITY_LABEL,
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${app}-abc`,
          uid: 'uid-rs',
          controller: true,
        },
      ],
    },
    spec: {
      nodeName: 'node-1',
      containers: [
        {
          name: app,
          image: `example/${app}:1.0`,
          ports: [{ containerPort: 9080, name: 'http' }],
          env: [{ name: 'BIG', value: 'x'.repeat(1000) }],
        },
      ],
      volumes: [{ name: 'token', projected: {} }],
    },
    status: {
      phase: 'Running',
      podIP: '10.0.0.5',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: app,
          ready: true,
          restartCount: 0,
          image: `example/${app}:1.0`,
          imageID: 'sha256:abc',
          containerID: 'containerd://abc',
          state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
        },
      ],
    },
  };
}

export function hpa(name = 'reviews', ns = 'shop'): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: ns },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 2,
      maxReplicas: 5,
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
    status: { currentReplicas: 2, desiredReplicas: 2 },
  };
}

function ingressGateway(): Obj[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'istio-ingressgateway',
        namespace: 'istio-system',
        labels: { istio: 'ingressgateway' },
      },
      spec: {
        type: 'LoadBalancer',
        selector: { istio: 'ingressgateway' },
        ports: [{ name: 'http2', port: 80, targetPort: 8080, nodePort: 31380 }],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
    },
    {
      ...pod('istio-ingressgateway-1', 'istio-ingressgateway', 'istio-system'),
      metadata: {
        name: 'istio-ingressgateway-1',
        namespace: 'istio-system',
        labels: { istio: 'ingressgateway' },
      },
    },
  ];
}

function istioGateway(): Obj {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'shop-gateway', namespace: 'shop' },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 8080, name: 'http', protocol: 'HTTP' },
          hosts: ['shop.example.com'],
        },
      ],
    },
  };
}

export function virtualService(): Obj {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      hosts: ['shop.example.com'],
      gateways: ['shop-gateway'],
      http: [
        {
          name: 'api',
          match: [{ uri: { prefix: '/reviews' } }],
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 100 },
          ],
        },
      ],
    },
  };
}

export function destinationRule(): Obj {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      host: 'reviews',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    },
  };
}

/** The whole mesh. */
export function meshObjects(): Obj[] {
  return [
    service(),
    deployment(),
    replicaSet(),
    pod('reviews-abc-1'),
    pod('reviews-abc-2'),
    hpa(),
    ...ingressGateway(),
    istioGateway(),
    virtualService(),
    destinationRule(),
  ];
}
