/*
 * Realistic mesh chains for tests and the dev page, built from the contract
 * in @mesh-chain/plugin-mesh-common. Each builder returns a fresh copy, so a
 * test may change what it gets.
 */
import type {
  ClusterChain,
  DeploymentInfo,
  Diagnostic,
  GatewayInfo,
  HpaInfo,
  MeshChainResponse,
  ObjectRef,
  PodInfo,
  RouteInfo,
  RouteSimulationResponse,
  ServiceInfo,
} from '@mesh-chain/plugin-mesh-common';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import type { Entity } from '@backstage/catalog-model';

export const ENTITY_REF = 'component:default/checkout';

export const checkoutEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'checkout',
      'backstage.io/kubernetes-namespace': 'shop',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-shop' },
};

export const unannotatedEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'legacy-batch', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-shop' },
};

const NOW = '2026-11-25T10:00:00.000Z';

export const refs = {
  gateway: {
    kind: 'Gateway',
    apiVersion: 'networking.istio.io/v1',
    namespace: 'istio-system',
    name: 'public-gateway',
  },
  virtualService: {
    kind: 'VirtualService',
    apiVersion: 'networking.istio.io/v1',
    namespace: 'shop',
    name: 'checkout',
  },
  destinationRule: {
    kind: 'DestinationRule',
    apiVersion: 'networking.istio.io/v1',
    namespace: 'shop',
    name: 'checkout',
  },
  service: {
    kind: 'Service',
    apiVersion: 'v1',
    namespace: 'shop',
    name: 'checkout',
  },
  deploymentV1: {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    namespace: 'shop',
    name: 'checkout-v1',
  },
  deploymentV2: {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    namespace: 'shop',
    name: 'checkout-v2',
  },
  hpa: {
    kind: 'HorizontalPodAutoscaler',
    apiVersion: 'autoscaling/v2',
    namespace: 'shop',
    name: 'checkout-v1',
  },
} satisfies Record<string, ObjectRef>;

function gateway(): GatewayInfo {
  return {
    ref: refs.gateway,
    health: 'ok',
    flavor: 'istio',
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        name: 'https',
        port: 443,
        protocol: 'HTTPS',
        hosts: ['shop.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'shop-example-com-cert' },
      },
      {
        name: 'http',
        port: 80,
        protocol: 'HTTP',
        hosts: ['shop.example.com'],
        tls: { httpsRedirect: true },
      },
    ],
    workload: {
      pods: 2,
      readyPods: 2,
      service: {
        kind: 'Service',
        apiVersion: 'v1',
        namespace: 'istio-system',
        name: 'istio-ingressgateway',
      },
      serviceType: 'LoadBalancer',
      addresses: ['203.0.113.10'],
      nodePorts: {},
      servicePorts: {},
    },
  };
}

function routes(cluster: string): RouteInfo[] {
  const id = (i: number) => `${cluster}/shop/checkout/http/${i}`;
  const dest = (subset: string, weight: number) => ({
    host: 'checkout',
    fqdn: 'checkout.shop.svc.cluster.local',
    subset,
    port: 80,
    weight,
    service: refs.service,
    destinationRule: refs.destinationRule,
  });
  const common = {
    source: refs.virtualService,
    protocol: 'http' as const,
    hosts: ['shop.example.com'],
    gateways: ['istio-system/public-gateway'],
  };
  return [
    {
      ...common,
      id: id(0),
      index: 0,
      name: 'canary-testers',
      externalUrls: ['https://shop.example.com/api'],
      match: [
        {
          uri: { prefix: '/api' },
          headers: { 'x-canary': { exact: 'true' } },
        },
      ],
      destinations: [dest('v2', 100)],
      timeout: '3s',
      retries: {
        attempts: 3,
        perTryTimeout: '1s',
        retryOn: '5xx,connect-failure',
      },
    },
    {
      ...common,
      id: id(1),
      index: 1,
      name: 'api',
      externalUrls: ['https://shop.example.com/api'],
      match: [{ uri: { prefix: '/api' } }],
      destinations: [dest('v1', 90), dest('v2', 10)],
      rewrite: { uri: '/' },
      timeout: '5s',
    },
    {
      ...common,
      id: id(2),
      index: 2,
      name: 'old-checkout',
      externalUrls: ['https://shop.example.com/old-checkout'],
      match: [{ uri: { exact: '/old-checkout' } }],
      destinations: [],
      redirect: { uri: '/checkout', redirectCode: 301 },
    },
  ];
}

function service(): ServiceInfo {
  return {
    ref: refs.service,
    health: 'ok',
    type: 'ClusterIP',
    clusterIP: '10.96.12.34',
    fqdn: 'checkout.shop.svc.cluster.local',
    ports: [
      {
        name: 'http',
        protocol: 'TCP',
        appProtocol: 'http',
        port: 80,
        targetPort: 'http',
        resolvedTargetPort: 8080,
      },
    ],
    selector: { app: 'checkout' },
    externalAddresses: [],
    reachability: 'cluster',
    pods: 4,
    readyPods: 4,
  };
}

function deployment(
  ref: ObjectRef,
  version: string,
  image: string,
  replicas: number,
  autoscaler?: ObjectRef,
): DeploymentInfo {
  return {
    ref,
    health: 'ok',
    replicas: {
      desired: replicas,
      current: replicas,
      updated: replicas,
      ready: replicas,
      available: replicas,
      unavailable: 0,
    },
    generation: 4,
    observedGeneration: 4,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${ref.name}-7d9f8b6c4" has successfully progressed.`,
      },
    ],
    images: [image],
    strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' },
    rollout: { state: 'complete' },
    selector: { app: 'checkout', version },
    podLabels: { app: 'checkout', version },
    ...(autoscaler && { autoscaler }),
  };
}

function hpa(): HpaInfo {
  return {
    ref: refs.hpa,
    health: 'ok',
    scaleTargetRef: {
      kind: 'Deployment',
      name: 'checkout-v1',
      apiVersion: 'apps/v1',
    },
    target: refs.deploymentV1,
    minReplicas: 2,
    maxReplicas: 10,
    currentReplicas: 3,
    desiredReplicas: 3,
    metrics: [
      {
        type: 'Resource',
        name: 'cpu',
        target: { type: 'Utilization', value: '70' },
        current: { averageUtilization: 45, averageValue: '180m' },
      },
      {
        type: 'Resource',
        name: 'memory',
        target: { type: 'AverageValue', value: '512Mi' },
        current: { averageValue: '300Mi' },
      },
      {
        type: 'Pods',
        name: 'http_requests_per_second',
        target: { type: 'AverageValue', value: '100' },
        current: { averageValue: '42' },
      },
      {
        type: 'External',
        name: 'queue_messages_ready',
        selector: { queue: 'orders' },
        target: { type: 'Value', value: '30' },
        current: { value: '12' },
      },
    ],
    conditions: [
      {
        type: 'AbleToScale',
        status: 'True',
        reason: 'ReadyForNewScale',
        message: 'recommended size matches current size',
      },
      {
        type: 'ScalingActive',
        status: 'True',
        reason: 'ValidMetricFound',
        message:
          'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
      },
      {
        type: 'ScalingLimited',
        status: 'False',
        reason: 'DesiredWithinRange',
        message: 'the desired count is within the acceptable range',
      },
    ],
    lastScaleTime: '2026-11-25T09:42:00.000Z',
  };
}

function pod(
  name: string,
  owner: ObjectRef,
  version: string,
  image: string,
  ready = true,
): PodInfo {
  return {
    ref: { kind: 'Pod', apiVersion: 'v1', namespace: 'shop', name },
    health: ready ? 'ok' : 'error',
    phase: 'Running',
    ready,
    restarts: ready ? 0 : 7,
    podIP: '10.244.1.17',
    nodeName: 'worker-1',
    owner,
    labels: { app: 'checkout', version },
    containers: [
      {
        name: 'checkout',
        image,
        ready,
        state: ready ? 'running' : 'waiting: CrashLoopBackOff',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      },
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.24.1',
        ready: true,
        state: 'running',
        ports: [],
      },
    ],
  };
}

const IMAGE_V1 = 'registry.example.com/shop/checkout:1.8.2';
const IMAGE_V2 = 'registry.example.com/shop/checkout:1.9.0-rc.1';

/** A healthy chain: gateway, canary routes 90/10, subsets, HPA. */
export function healthyCluster(name = 'dev', title?: string): ClusterChain {
  const pods = [
    pod('checkout-v1-7d9f8b6c4-2xk9p', refs.deploymentV1, 'v1', IMAGE_V1),
    pod('checkout-v1-7d9f8b6c4-8qm4z', refs.deploymentV1, 'v1', IMAGE_V1),
    pod('checkout-v1-7d9f8b6c4-t5w7n', refs.deploymentV1, 'v1', IMAGE_V1),
    pod('checkout-v2-5c6b9d7f8-h3j6k', refs.deploymentV2, 'v2', IMAGE_V2),
  ];
  const k = objectKey;
  return {
    cluster: { name, title: title ?? `Demo cluster (${name})` },
    warnings: [],
    source: 'cache',
    observedAt: NOW,
    istio: true,
    gatewayApi: false,
    gateways: [gateway()],
    virtualServices: [
      {
        ref: refs.virtualService,
        health: 'ok',
        hosts: ['shop.example.com'],
        gateways: ['istio-system/public-gateway'],
        routeIds: [0, 1, 2].map(i => `${name}/shop/checkout/http/${i}`),
      },
    ],
    httpRoutes: [],
    destinationRules: [
      {
        ref: refs.destinationRule,
        health: 'ok',
        host: 'checkout',
        fqdn: 'checkout.shop.svc.cluster.local',
        trafficPolicy: {
          loadBalancer: 'LEAST_REQUEST',
          tlsMode: 'ISTIO_MUTUAL',
          outlierDetection: {
            consecutive5xxErrors: 5,
            interval: '10s',
            baseEjectionTime: '30s',
          },
        },
        subsets: [
          {
            name: 'v1',
            labels: { version: 'v1' },
            podCount: 3,
            readyPodCount: 3,
          },
          {
            name: 'v2',
            labels: { version: 'v2' },
            podCount: 1,
            readyPodCount: 1,
          },
        ],
      },
    ],
    services: [service()],
    deployments: [
      deployment(refs.deploymentV1, 'v1', IMAGE_V1, 3, refs.hpa),
      deployment(refs.deploymentV2, 'v2', IMAGE_V2, 1),
    ],
    hpas: [hpa()],
    pods,
    routes: routes(name),
    links: [
      { from: k(refs.gateway), to: k(refs.virtualService), relation: 'binds' },
      {
        from: k(refs.virtualService),
        to: k(refs.service),
        relation: 'routes to',
      },
      {
        from: k(refs.destinationRule),
        to: k(refs.service),
        relation: 'policy for',
      },
      { from: k(refs.service), to: k(refs.deploymentV1), relation: 'selects' },
      { from: k(refs.service), to: k(refs.deploymentV2), relation: 'selects' },
      { from: k(refs.hpa), to: k(refs.deploymentV1), relation: 'scales' },
      ...pods.map(p => ({
        from: k(p.owner!),
        to: k(p.ref),
        relation: 'owns',
      })),
    ],
    diagnostics: [],
  };
}

export const missingGatewayRef: ObjectRef = {
  kind: 'Gateway',
  apiVersion: 'networking.istio.io/v1',
  namespace: 'istio-system',
  name: 'shop-gateway',
};

/**
 * A chain with problems: the VirtualService names a Gateway that does not
 * exist, a route sends 10% to an undefined subset, v2 crash-loops (rollout
 * stalled) and the HPA sits at its maximum and cannot read memory.
 */
export function brokenCluster(name = 'dev'): ClusterChain {
  const c = healthyCluster(name);
  const k = objectKey;
  const vs = c.virtualServices[0];
  vs.gateways = ['istio-system/shop-gateway'];
  vs.health = 'error';
  c.gateways = [];
  c.routes.forEach(r => {
    r.gateways = ['istio-system/shop-gateway'];
    r.externalUrls = [];
  });
  c.routes[1].destinations[1].subset = 'v3';
  c.routes[1].destinations[1].destinationRule = undefined;
  c.links = c.links.filter(l => l.from !== k(refs.gateway));
  c.links.unshift({
    from: k(vs.ref),
    to: k(missingGatewayRef),
    relation: 'binds',
    broken: true,
  });

  const v2 = c.deployments[1];
  v2.health = 'error';
  v2.replicas = {
    desired: 1,
    current: 2,
    updated: 1,
    ready: 0,
    available: 0,
    unavailable: 1,
  };
  v2.rollout = {
    state: 'stalled',
    message: 'ReplicaSet "checkout-v2-5c6b9d7f8" has timed out progressing.',
  };
  v2.conditions = [
    {
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    },
    {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "checkout-v2-5c6b9d7f8" has timed out progressing.',
    },
  ];
  const crashing = c.pods[3];
  crashing.ready = false;
  crashing.health = 'error';
  crashing.restarts = 7;
  crashing.containers[0].ready = false;
  crashing.containers[0].state = 'waiting: CrashLoopBackOff';
  c.services[0].readyPods = 3;
  c.destinationRules[0].subsets[1].readyPodCount = 0;
  c.destinationRules[0].health = 'warning';

  const h = c.hpas[0];
  h.health = 'warning';
  h.currentReplicas = 10;
  h.desiredReplicas = 10;
  h.metrics[0].current = { averageUtilization: 135, averageValue: '540m' };
  delete h.metrics[1].current;
  h.conditions = [
    {
      type: 'AbleToScale',
      status: 'True',
      reason: 'SucceededRescale',
      message: 'the HPA controller was able to update the target scale to 10',
    },
    {
      type: 'ScalingActive',
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message:
        'the HPA was unable to compute the replica count: failed to get memory utilization: unable to get metrics for resource memory',
    },
    {
      type: 'ScalingLimited',
      status: 'True',
      reason: 'TooManyReplicas',
      message:
        'the desired replica count is more than the maximum replica count',
    },
  ];
  const d1 = c.deployments[0];
  d1.replicas = {
    desired: 10,
    current: 10,
    updated: 10,
    ready: 10,
    available: 10,
    unavailable: 0,
  };

  const diagnostics: Diagnostic[] = [
    {
      code: 'MESH-1102',
      severity: 'error',
      title: 'VirtualService gateway not found',
      message:
        'VirtualService shop/checkout binds to gateway istio-system/shop-gateway, which does not exist in cluster dev.',
      fix: 'Set spec.gateways to an existing Gateway (istio-system/public-gateway serves shop.example.com), or create istio-system/shop-gateway.',
      resources: [vs.ref, missingGatewayRef],
      path: 'spec.gateways[0]',
    },
    {
      code: 'MESH-1107',
      severity: 'error',
      title: 'Subset not found',
      message:
        'Route "api" sends 10% of traffic to subset v3 of checkout, but DestinationRule shop/checkout defines only v1 and v2. Those requests fail with 503 (NR).',
      fix: 'Add subset v3 to DestinationRule shop/checkout, or change the route to an existing subset.',
      resources: [vs.ref, refs.destinationRule],
      path: 'spec.http[1].route[1].destination.subset',
    },
    {
      code: 'MESH-0173',
      severity: 'warning',
      title: 'Subset selects no ready pods',
      message:
        'Subset v2 of DestinationRule shop/checkout selects 1 pod, none of them ready.',
      fix: 'Check Deployment shop/checkout-v2: its pod crash-loops (see its logs).',
      resources: [refs.destinationRule, refs.deploymentV2],
    },
    {
      code: 'MESH-2001',
      severity: 'error',
      title: 'Rollout stalled',
      message:
        'Deployment shop/checkout-v2 exceeded its progress deadline: 0 of 1 replicas ready.',
      fix: 'Look at the crash-looping pod checkout-v2-5c6b9d7f8-h3j6k; roll back with `kubectl rollout undo deployment/checkout-v2 -n shop` if the new image is broken.',
      resources: [refs.deploymentV2],
    },
    {
      code: 'MESH-3002',
      severity: 'warning',
      title: 'Autoscaler at maximum',
      message:
        'HorizontalPodAutoscaler shop/checkout-v1 runs 10 replicas, its maximum, and wants more (cpu at 135% of the 70% target).',
      fix: 'Raise spec.maxReplicas, or find out why CPU use is high.',
      resources: [refs.hpa, refs.deploymentV1],
      path: 'spec.maxReplicas',
    },
    {
      code: 'MESH-0601',
      severity: 'info',
      title: 'Port name without protocol',
      message: 'Service shop/checkout port 80 is named "http"; fine.',
      fix: 'Nothing to do.',
      resources: [refs.service],
    },
  ];
  c.diagnostics = diagnostics;
  return c;
}

/** A cluster without the Istio CRDs: only Service, Deployment and HPA. */
export function noIstioCluster(name = 'edge'): ClusterChain {
  const c = healthyCluster(name, `Edge cluster (${name})`);
  const k = objectKey;
  c.istio = false;
  c.gateways = [];
  c.virtualServices = [];
  c.destinationRules = [];
  c.routes = [];
  c.deployments = [c.deployments[0]];
  c.pods = c.pods.slice(0, 3);
  const svc = c.services[0];
  svc.type = 'NodePort';
  svc.reachability = 'node';
  svc.ports[0].nodePort = 30080;
  svc.pods = 3;
  svc.readyPods = 3;
  c.links = c.links.filter(
    l =>
      !l.from.startsWith('networking.istio.io') &&
      l.to !== k(refs.deploymentV2) &&
      l.from !== k(refs.deploymentV2),
  );
  return c;
}

/** A cluster that answered, with nothing of the component in it. */
export function emptyCluster(name = 'prod'): ClusterChain {
  return {
    ...unreachableCluster(name),
    error: undefined,
    source: 'cache',
    istio: true,
  };
}

/** A cluster that could not be read at all. */
export function unreachableCluster(name = 'prod'): ClusterChain {
  return {
    cluster: { name, title: `Demo cluster (${name})` },
    error: {
      reason: 'unreachable',
      message: `connect ECONNREFUSED 127.0.0.1:6552`,
    },
    warnings: [],
    source: 'direct',
    observedAt: NOW,
    istio: false,
    gatewayApi: false,
    gateways: [],
    virtualServices: [],
    httpRoutes: [],
    destinationRules: [],
    services: [],
    deployments: [],
    hpas: [],
    pods: [],
    routes: [],
    links: [],
    diagnostics: [],
  };
}

export function chainResponse(
  clusters: ClusterChain[],
  revision = '1',
): MeshChainResponse {
  return {
    entityRef: ENTITY_REF,
    status: 'configured',
    selector: 'backstage.io/kubernetes-id=checkout',
    namespace: 'shop',
    clusters,
    revision,
    generatedAt: NOW,
  };
}

/** Where `https://shop.example.com/api/cart` goes in the healthy chain. */
export function simulationResponse(cluster = 'dev'): RouteSimulationResponse {
  const c = healthyCluster(cluster);
  const route = c.routes[1];
  return {
    entityRef: ENTITY_REF,
    request: { url: 'https://shop.example.com/api/cart', method: 'GET' },
    results: [
      {
        cluster,
        reachable: true,
        gateway: { ref: refs.gateway, server: c.gateways[0].servers[0] },
        virtualService: refs.virtualService,
        routeId: route.id,
        matchIndex: 0,
        destinations: [
          {
            host: 'checkout',
            subset: 'v1',
            weight: 90,
            service: refs.service,
            servicePort: 80,
            targetPort: 8080,
            pods: c.pods.slice(0, 3).map(p => p.ref.name),
            readyPods: 3,
          },
          {
            host: 'checkout',
            subset: 'v2',
            weight: 10,
            service: refs.service,
            servicePort: 80,
            targetPort: 8080,
            pods: [c.pods[3].ref.name],
            readyPods: 1,
          },
        ],
        steps: [
          {
            kind: 'gateway',
            resource: refs.gateway,
            detail:
              'Enters through server https (HTTPS :443) of istio-system/public-gateway',
            ok: true,
          },
          {
            kind: 'virtualService',
            resource: refs.virtualService,
            detail: 'shop/checkout serves host shop.example.com',
            ok: true,
          },
          {
            kind: 'route',
            detail:
              'Route #2 "api" matches: path starts with /api (route #1 needs header x-canary)',
            ok: true,
          },
          {
            kind: 'destination',
            detail:
              '90% to subset v1, 10% to subset v2 of checkout; URI rewritten to /cart',
            ok: true,
          },
          {
            kind: 'service',
            resource: refs.service,
            detail: 'Service shop/checkout port 80 -> container port 8080',
            ok: true,
          },
          {
            kind: 'pods',
            detail: '4 ready pods receive it',
            ok: true,
          },
        ],
        reasons: [],
      },
    ],
  };
}
