import { ANNOTATION_KUBERNETES_ID } from '@mesh-chain/plugin-mesh-common';
import { KubeObject } from '../lib/models';
import { ChainSpec } from './spec';

/** One file of rendered manifests, relative to the output directory. @public */
export interface RenderedFile {
  path: string;
  objects: KubeObject[];
}

/** The rendered chain of one service. @public */
export interface RenderedChain {
  /** Every object, in the order they are applied. */
  objects: KubeObject[];
  /** The manifest files (without the kustomization). */
  files: RenderedFile[];
  /** `kustomization.yaml`, listing the files in apply order. */
  kustomization: Record<string, unknown>;
  /** Value of the `backstage.io/kubernetes-id` label. */
  kubernetesId: string;
  /** Label selector of all the service's objects. */
  labelSelector: string;
  /** `<name>.<namespace>.svc.<clusterDomain>`. */
  serviceHost: string;
  /** The Gateway the VirtualService is bound to, as `namespace/name`. */
  gatewayRef: string;
  /** Where clients reach the first route, e.g. `https://shop.example.com/`. */
  externalUrl?: string;
}

/** Labels and annotations the mesh actions put on what they render. @public */
export const MESH_LABELS = {
  app: 'app',
  version: 'version',
  name: 'app.kubernetes.io/name',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  kubernetesId: ANNOTATION_KUBERNETES_ID,
} as const;

/** Annotation recording the template that rendered an object. @public */
export const ANNOTATION_SOURCE_TEMPLATE = 'backstage.io/source-template';

/** Name of a version's Deployment (and HPA): the first keeps the plain name. @public */
export function deploymentName(spec: ChainSpec, index: number): string {
  return index === 0 ? spec.name : `${spec.name}-${spec.versions[index].name}`;
}

/**
 * Renders the Namespace (optional), Deployments, Service, HPAs,
 * DestinationRule, Gateway (when new) and VirtualServices of a service, with
 * every reference between them derived from the same inputs. The spec must
 * have passed `checkChainSpec`.
 *
 * @public
 */
export function renderChain(
  spec: ChainSpec,
  options: { sourceTemplate?: string } = {},
): RenderedChain {
  const { name, namespace } = spec;
  const kubernetesId = spec.kubernetesId ?? name;
  const serviceHost = `${name}.${namespace}.svc.${spec.clusterDomain}`;
  const autoscaled = spec.autoscaling?.enabled === true;

  const labels: Record<string, string> = {
    ...spec.labels,
    [MESH_LABELS.name]: name,
    ...(spec.partOf && { [MESH_LABELS.partOf]: spec.partOf }),
    [MESH_LABELS.managedBy]: 'backstage',
    [MESH_LABELS.kubernetesId]: kubernetesId,
  };
  const metadata = (objectName: string, extraLabels = {}) => ({
    name: objectName,
    namespace,
    labels: { ...labels, ...extraLabels },
    ...(options.sourceTemplate && {
      annotations: { [ANNOTATION_SOURCE_TEMPLATE]: options.sourceTemplate },
    }),
  });

  const portName = spec.protocol;
  const servicePortName =
    `${spec.protocol}-${name}`.length <= 63
      ? `${spec.protocol}-${name}`
      : spec.protocol;

  // Namespace
  const namespaceObjects: KubeObject[] = spec.createNamespace
    ? [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: namespace,
            ...(spec.istioInjection && {
              labels: { 'istio-injection': 'enabled' },
            }),
          },
        },
      ]
    : [];

  // Deployments, one per version
  const nonEmpty = (q?: { cpu?: string; memory?: string }) =>
    q && (q.cpu || q.memory) ? clean(q) : undefined;
  const requests = nonEmpty(spec.resources?.requests);
  const limits = nonEmpty(spec.resources?.limits);
  const resources =
    requests || limits
      ? { ...(requests && { requests }), ...(limits && { limits }) }
      : undefined;
  const probe = spec.healthCheckPath
    ? { httpGet: { path: spec.healthCheckPath, port: portName } }
    : undefined;
  const deployments: KubeObject[] = spec.versions.map((version, index) => {
    const selector = {
      [MESH_LABELS.app]: name,
      [MESH_LABELS.version]: version.name,
    };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(deploymentName(spec, index), selector),
      spec: {
        // With an HPA, the HPA owns spec.replicas: leaving it out here keeps a
        // re-apply from resetting what the autoscaler decided.
        ...(!autoscaled && { replicas: spec.replicas }),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels, ...selector } },
          spec: {
            containers: [
              {
                name,
                image: version.image ?? spec.image,
                ports: [
                  {
                    name: portName,
                    containerPort: spec.containerPort,
                    protocol: 'TCP',
                  },
                ],
                ...(spec.env?.length && { env: spec.env.map(e => ({ ...e })) }),
                ...(resources && { resources }),
                ...(probe && {
                  readinessProbe: { ...probe, periodSeconds: 5 },
                  livenessProbe: {
                    ...probe,
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                  },
                }),
              },
            ],
          },
        },
      },
    };
  });

  // Service
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(name, { [MESH_LABELS.app]: name }),
    spec: {
      type: spec.service.type,
      selector: { [MESH_LABELS.app]: name },
      ports: [
        {
          name: servicePortName,
          port: spec.service.port,
          targetPort: portName,
          protocol: 'TCP',
          appProtocol: spec.protocol,
          ...(spec.service.nodePort !== undefined &&
            spec.service.type !== 'ClusterIP' && {
              nodePort: spec.service.nodePort,
            }),
        },
      ],
    },
  };

  // Autoscalers, one per Deployment
  const hpas: KubeObject[] = autoscaled
    ? deployments.map(deployment => {
        const as = spec.autoscaling!;
        const metrics = [
          ...(as.cpuUtilization !== undefined
            ? [resourceMetric('cpu', as.cpuUtilization)]
            : []),
          ...(as.memoryUtilization !== undefined
            ? [resourceMetric('memory', as.memoryUtilization)]
            : []),
        ];
        return {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: metadata(deployment.metadata.name),
          spec: {
            scaleTargetRef: {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: deployment.metadata.name,
            },
            minReplicas: as.minReplicas,
            maxReplicas: as.maxReplicas,
            metrics,
            ...(as.behavior && { behavior: clean(as.behavior) }),
          },
        };
      })
    : [];

  // DestinationRule
  const destinationRule: KubeObject = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: metadata(name),
    spec: {
      host: serviceHost,
      ...(spec.trafficPolicy && {
        trafficPolicy: renderTrafficPolicy(spec.trafficPolicy),
      }),
      subsets: spec.versions.map(v => ({
        name: v.name,
        labels: { [MESH_LABELS.version]: v.name },
      })),
    },
  };

  // Gateway
  const gatewayName = spec.gateway.name ?? `${name}-gateway`;
  const gatewayRef =
    spec.gateway.mode === 'existing'
      ? spec.gateway.ref!
      : `${namespace}/${gatewayName}`;
  const gateways: KubeObject[] =
    spec.gateway.mode === 'new'
      ? [
          {
            apiVersion: 'networking.istio.io/v1',
            kind: 'Gateway',
            metadata: metadata(gatewayName),
            spec: {
              selector: { ...spec.gateway.selector },
              servers: [
                {
                  port: { number: 80, name: 'http', protocol: 'HTTP' },
                  hosts: [...spec.hosts],
                  ...(spec.tls?.httpsRedirect && {
                    tls: { httpsRedirect: true },
                  }),
                },
                ...(spec.tls
                  ? [
                      {
                        port: { number: 443, name: 'https', protocol: 'HTTPS' },
                        hosts: [...spec.hosts],
                        tls: {
                          mode: spec.tls.mode,
                          credentialName: spec.tls.credentialName,
                        },
                      },
                    ]
                  : []),
              ],
            },
          },
        ]
      : [];

  // VirtualServices: one for the gateway, one for calls inside the mesh.
  const http = spec.routes.map((route, index) => ({
    name: `route-${index}`,
    match: [{ uri: { [route.match]: route.path } }],
    ...(route.rewrite !== undefined && { rewrite: { uri: route.rewrite } }),
    ...(route.timeout !== undefined && { timeout: route.timeout }),
    ...(route.retries !== undefined && {
      retries:
        typeof route.retries === 'number'
          ? { attempts: route.retries }
          : clean(route.retries),
    }),
    route: spec.versions.map(v => ({
      destination: {
        host: serviceHost,
        port: { number: spec.service.port },
        subset: v.name,
      },
      ...(spec.versions.length > 1 && { weight: v.weight }),
    })),
  }));
  const virtualServices: KubeObject[] = [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: metadata(name),
      spec: { hosts: [...spec.hosts], gateways: [gatewayRef], http },
    },
    ...(spec.meshRouting
      ? [
          {
            apiVersion: 'networking.istio.io/v1',
            kind: 'VirtualService',
            metadata: metadata(`${name}-mesh`),
            spec: { hosts: [serviceHost], gateways: ['mesh'], http },
          },
        ]
      : []),
  ];

  const files: RenderedFile[] = [
    { path: 'namespace.yaml', objects: namespaceObjects },
    { path: 'deployment.yaml', objects: deployments },
    { path: 'service.yaml', objects: [service] },
    { path: 'hpa.yaml', objects: hpas },
    { path: 'destinationrule.yaml', objects: [destinationRule] },
    { path: 'gateway.yaml', objects: gateways },
    { path: 'virtualservice.yaml', objects: virtualServices },
  ].filter(f => f.objects.length > 0);

  const firstHost = spec.hosts.find(h => !h.startsWith('*.'));
  const firstRoute = spec.routes[0];
  const path =
    firstRoute && firstRoute.match !== 'regex' ? firstRoute.path : '/';
  const externalUrl = firstHost
    ? `${spec.tls ? 'https' : 'http'}://${firstHost}${path}`
    : undefined;

  return {
    objects: files.flatMap(f => f.objects),
    files,
    kustomization: {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: files.map(f => f.path),
    },
    kubernetesId,
    labelSelector: `${MESH_LABELS.kubernetesId}=${kubernetesId}`,
    serviceHost,
    gatewayRef,
    ...(externalUrl && { externalUrl }),
  };
}

function resourceMetric(name: 'cpu' | 'memory', averageUtilization: number) {
  return {
    type: 'Resource',
    resource: { name, target: { type: 'Utilization', averageUtilization } },
  };
}

function renderTrafficPolicy(tp: NonNullable<ChainSpec['trafficPolicy']>) {
  const pool = tp.connectionPool;
  const tcp = pool && {
    ...(pool.maxConnections !== undefined && {
      maxConnections: pool.maxConnections,
    }),
    ...(pool.connectTimeout !== undefined && {
      connectTimeout: pool.connectTimeout,
    }),
  };
  const http = pool && {
    ...(pool.http1MaxPendingRequests !== undefined && {
      http1MaxPendingRequests: pool.http1MaxPendingRequests,
    }),
    ...(pool.http2MaxRequests !== undefined && {
      http2MaxRequests: pool.http2MaxRequests,
    }),
    ...(pool.maxRequestsPerConnection !== undefined && {
      maxRequestsPerConnection: pool.maxRequestsPerConnection,
    }),
    ...(pool.maxRetries !== undefined && { maxRetries: pool.maxRetries }),
    ...(pool.idleTimeout !== undefined && { idleTimeout: pool.idleTimeout }),
  };
  const connectionPool = {
    ...(tcp && Object.keys(tcp).length > 0 && { tcp }),
    ...(http && Object.keys(http).length > 0 && { http }),
  };
  const hash = tp.loadBalancer?.consistentHash;
  return clean({
    ...(tp.loadBalancer && {
      loadBalancer: tp.loadBalancer.simple
        ? { simple: tp.loadBalancer.simple }
        : {
            consistentHash: {
              ...(hash?.httpHeaderName !== undefined && {
                httpHeaderName: hash.httpHeaderName,
              }),
              ...(hash?.httpCookie && { httpCookie: { ...hash.httpCookie } }),
              ...(hash?.useSourceIp && { useSourceIp: true }),
              ...(hash?.httpQueryParameterName !== undefined && {
                httpQueryParameterName: hash.httpQueryParameterName,
              }),
            },
          },
    }),
    ...(Object.keys(connectionPool).length > 0 && { connectionPool }),
    ...(tp.outlierDetection && {
      outlierDetection: { ...tp.outlierDetection },
    }),
  });
}

/** A deep copy without `undefined` values (they are not valid YAML/JSON). */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
