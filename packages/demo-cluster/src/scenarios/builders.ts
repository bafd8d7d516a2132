/*
 * Builders for the seeded objects: the pieces of a service chain the way a
 * team would write them (Deployment + Service + HPA labelled with the
 * Backstage component, Istio VirtualService / DestinationRule in the team's
 * namespace).
 */
import { LOAD_ANNOTATION } from '../controllers/load';
import type { KubeObject } from '../types';

/** The label the Backstage Kubernetes plugin selects workloads by. */
export const KUBERNETES_ID = 'backstage.io/kubernetes-id';

/** The shared ingress Gateway every public scenario binds to. */
export const PUBLIC_GATEWAY = 'istio-system/public-gateway';

/** The domain of the demo hosts. */
export const DEMO_DOMAIN = 'demo.example.com';

export function namespace(
  name: string,
  labels: Record<string, string> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface WorkloadOptions {
  name: string;
  namespace: string;
  component: string;
  app?: string;
  version?: string;
  replicas: number;
  image: string;
  port?: number;
  portName?: string;
  /** Synthetic load (annotation value), e.g. `rps=20`. */
  load?: string;
  cpuRequest?: string;
  extraLabels?: Record<string, string>;
  /** Annotations of the pod template. */
  podAnnotations?: Record<string, string>;
}

export function deployment(o: WorkloadOptions): KubeObject {
  const app = o.app ?? o.component;
  const podLabels: Record<string, string> = {
    app,
    ...(o.version && { version: o.version }),
    [KUBERNETES_ID]: o.component,
    ...(o.extraLabels ?? {}),
  };
  const port = o.port ?? 9898;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: {
        app,
        [KUBERNETES_ID]: o.component,
        ...(o.version && { version: o.version }),
      },
      ...(o.load && { annotations: { [LOAD_ANNOTATION]: o.load } }),
    },
    spec: {
      replicas: o.replicas,
      selector: {
        matchLabels: { app, ...(o.version && { version: o.version }) },
      },
      template: {
        metadata: {
          labels: podLabels,
          ...(o.podAnnotations && { annotations: o.podAnnotations }),
        },
        spec: {
          containers: [
            {
              name: app,
              image: o.image,
              ports: [{ name: o.portName ?? 'http', containerPort: port }],
              readinessProbe: {
                httpGet: { path: '/readyz', port },
                initialDelaySeconds: 1,
                periodSeconds: 5,
              },
              resources: {
                requests: { cpu: o.cpuRequest ?? '100m', memory: '128Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
            },
          ],
        },
      },
    },
  };
}

export interface ServiceOptions {
  name: string;
  namespace: string;
  component: string;
  selector: Record<string, string>;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
}

export function service(o: ServiceOptions): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { app: o.selector.app ?? o.name, [KUBERNETES_ID]: o.component },
    },
    spec: {
      type: o.type ?? 'ClusterIP',
      selector: o.selector,
      ports: [
        {
          name: 'http',
          port: o.port ?? 80,
          targetPort: o.targetPort ?? 'http',
          ...(o.nodePort && { nodePort: o.nodePort }),
        },
      ],
    },
  };
}

export function hpa(o: {
  name: string;
  namespace: string;
  component: string;
  min: number;
  max: number;
  /** Target CPU utilization (percent of requests). */
  cpu: number;
  /** Target memory utilization (percent of requests). */
  memory?: number;
  /** Target requests per second per pod (a Pods metric). */
  requestsPerPod?: number;
}): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { [KUBERNETES_ID]: o.component },
    },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: o.name,
      },
      minReplicas: o.min,
      maxReplicas: o.max,
      metrics: [
        utilizationMetric('cpu', o.cpu),
        ...(o.memory !== undefined
          ? [utilizationMetric('memory', o.memory)]
          : []),
        ...(o.requestsPerPod !== undefined
          ? [
              {
                type: 'Pods',
                pods: {
                  metric: { name: 'http_requests_per_second' },
                  target: {
                    type: 'AverageValue',
                    averageValue: String(o.requestsPerPod),
                  },
                },
              },
            ]
          : []),
      ],
    },
  };
}

function utilizationMetric(name: 'cpu' | 'memory', percent: number) {
  return {
    type: 'Resource',
    resource: {
      name,
      target: { type: 'Utilization', averageUtilization: percent },
    },
  };
}

/**
 * An annotation the seeder reads and drops: the field manager that writes
 * the object when the cluster is seeded, instead of `demo-cluster-seed`.
 */
export const SEED_FIELD_MANAGER = 'demo.mesh-chain.dev/seed-field-manager';

/**
 * The object as `manager` writes it at seed time (e.g. `flagger`, which
 * owns a canary's VirtualService), so that its `managedFields` name that
 * manager as a real cluster's would.
 */
export function writtenBy(obj: KubeObject, manager: string): KubeObject {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: {
        ...(obj.metadata.annotations ?? {}),
        [SEED_FIELD_MANAGER]: manager,
      },
    },
  };
}

/**
 * The field manager that writes an object at seed time, if one is named
 * (other seeded objects come without managed fields, as if restored from a
 * backup), and the object to store.
 */
export function seedManager(obj: KubeObject): {
  manager?: string;
  object: KubeObject;
} {
  const annotations = obj.metadata.annotations;
  const manager = annotations?.[SEED_FIELD_MANAGER];
  if (!manager) {
    return { object: obj };
  }
  const rest = { ...annotations };
  delete rest[SEED_FIELD_MANAGER];
  const { annotations: _, ...metadata } = obj.metadata;
  return {
    manager,
    object: {
      ...obj,
      metadata: Object.keys(rest).length
        ? { ...metadata, annotations: rest }
        : metadata,
    },
  };
}

export function host(serviceName: string, ns: string) {
  return `${serviceName}.${ns}.svc.cluster.local`;
}

/** A weighted destination of an HTTP route. */
export interface RouteDestination {
  host: string;
  subset?: string;
  weight?: number;
  port?: number;
}

/** One HTTP route of a VirtualService. */
export interface HttpRouteOptions {
  name: string;
  match: Array<Record<string, unknown>>;
  routes: RouteDestination[];
  timeout?: string;
  retries?: { attempts: number; perTryTimeout: string; retryOn: string };
}

/** An HTTP route of a VirtualService (10 s timeout, two retries by default). */
export function httpRoute(o: HttpRouteOptions) {
  return {
    name: o.name,
    match: o.match,
    route: o.routes.map(r => ({
      destination: {
        host: r.host,
        ...(r.subset && { subset: r.subset }),
        port: { number: r.port ?? 80 },
      },
      ...(r.weight !== undefined && { weight: r.weight }),
    })),
    timeout: o.timeout ?? '10s',
    retries: o.retries ?? {
      attempts: 2,
      perTryTimeout: '3s',
      retryOn: '5xx,reset,connect-failure',
    },
  };
}

/**
 * A VirtualService whose last HTTP route, `default`, sends every path to
 * `routes`; `matchRoutes` come before it.
 */
export function virtualService(o: {
  name: string;
  namespace: string;
  component: string;
  hosts: string[];
  gateways?: string[];
  routes: RouteDestination[];
  matchRoutes?: HttpRouteOptions[];
}): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { [KUBERNETES_ID]: o.component },
    },
    spec: {
      hosts: o.hosts,
      ...(o.gateways && { gateways: o.gateways }),
      http: [
        ...(o.matchRoutes ?? []).map(httpRoute),
        httpRoute({
          name: 'default',
          match: [{ uri: { prefix: '/' } }],
          routes: o.routes,
        }),
      ],
    },
  };
}

export function destinationRule(o: {
  name: string;
  namespace: string;
  component: string;
  host: string;
  subsets: Array<{ name: string; labels: Record<string, string> }>;
}): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { [KUBERNETES_ID]: o.component },
    },
    spec: {
      host: o.host,
      trafficPolicy: {
        connectionPool: {
          http: { http1MaxPendingRequests: 100, maxRequestsPerConnection: 10 },
        },
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: '30s',
          baseEjectionTime: '60s',
        },
      },
      subsets: o.subsets,
    },
  };
}
