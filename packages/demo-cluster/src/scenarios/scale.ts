/*
 * The one generator of large clusters for load tests and benchmarks.
 * Chains are shaped like the demo's own canary (written with the same
 * builders): per component a stable (v1) and a canary (v2) Deployment,
 * each rolled out with its ReplicaSet and Ready, sidecar-injected pods; a
 * Service; an HPA on the stable Deployment (CPU, memory and requests per
 * pod); a DestinationRule with both subsets and a traffic policy; and a
 * VirtualService bound to its namespace's Gateway with three routes
 * (testers by header to v2, `/api/` split 90/10 with retries and a
 * timeout, everything else to v1). Deterministic: the same options give
 * the same objects.
 */
import type { KubeObject } from '../types';
import {
  deployment,
  destinationRule,
  host,
  hpa,
  service,
  virtualService,
} from './builders';
import { baseObjects } from './base';
import { rolledOut } from './rolledOut';

/** Options of `generateScaleObjects`. @public */
export interface ScaleOptions {
  /** About how many objects to generate (e.g. 1000, 5000, 20000). */
  objects: number;
  /** Chains per namespace (default 50). */
  chainsPerNamespace?: number;
  /** Pods per Deployment (default 2). */
  podsPerDeployment?: number;
  /** Prefix of namespaces and components (default `scale`). */
  prefix?: string;
  /** When the objects were created (default 2025-01-01T00:00:00Z). */
  createdAt?: string;
  /**
   * Also the objects every demo cluster holds (system namespaces, nodes,
   * the Istio ingress gateway with its pods), rolled out: a whole cluster
   * for use without the simulated controllers, e.g. as an in-memory
   * snapshot. A demo cluster seeds them itself (default false).
   */
  includeBase?: boolean;
}

/** How many objects of each kind one generated chain holds. @public */
export interface ScaleChainShape {
  deployments: number;
  replicaSets: number;
  pods: number;
  services: number;
  hpas: number;
  virtualServices: number;
  destinationRules: number;
  /** The Gateway of the chain's namespace (shared by its chains). */
  gateways: number;
  /** HTTP routes of the VirtualService. */
  routes: number;
}

/** The versions of every generated component: stable and canary. */
const VERSIONS = ['v1', 'v2'] as const;

/** What one generated chain holds, for checks of what a page shows. @public */
export function scaleChainShape(
  options: Pick<ScaleOptions, 'podsPerDeployment'> = {},
): ScaleChainShape {
  const pods = options.podsPerDeployment ?? 2;
  return {
    deployments: VERSIONS.length,
    replicaSets: VERSIONS.length,
    pods: VERSIONS.length * pods,
    services: 1,
    hpas: 1,
    virtualServices: 1,
    destinationRules: 1,
    gateways: 1,
    routes: 3,
  };
}

/** Objects of one chain (the namespace's Gateway not counted). */
function objectsPerChain(shape: ScaleChainShape): number {
  return (
    shape.deployments +
    shape.replicaSets +
    shape.pods +
    shape.services +
    shape.hpas +
    shape.virtualServices +
    shape.destinationRules
  );
}

/**
 * Generates about `objects` objects in consistent chains (the count is
 * rounded to whole chains; namespaces and Gateways come on top, one each
 * per `chainsPerNamespace` chains). @public
 */
export function generateScaleObjects(options: ScaleOptions): KubeObject[] {
  const perNs = options.chainsPerNamespace ?? 50;
  const prefix = options.prefix ?? 'scale';
  const shape = scaleChainShape(options);
  const chains = Math.max(
    1,
    Math.floor(options.objects / (objectsPerChain(shape) + 2 / perNs)),
  );
  const created = options.createdAt ?? '2025-01-01T00:00:00Z';
  const out: KubeObject[] = options.includeBase
    ? rolledOutBase(created, chains * shape.pods)
    : [];
  for (let i = 0; i < chains; i++) {
    const ns = `${prefix}-${String(Math.floor(i / perNs)).padStart(3, '0')}`;
    if (i % perNs === 0) {
      out.push(...namespaceObjects(ns, `${prefix}-gateway`));
    }
    out.push(
      ...componentChain({
        name: `svc-${String(i).padStart(5, '0')}`,
        prefix,
        ns,
        gateway: `${prefix}-gateway`,
        pods: options.podsPerDeployment ?? 2,
        created,
        firstPod: i * shape.pods,
      }),
    );
  }
  return out;
}

/**
 * The base objects as the simulated controllers leave them: Deployments
 * rolled out, LoadBalancer Services with an address.
 */
function rolledOutBase(created: string, firstPod: number): KubeObject[] {
  let pods = firstPod;
  let addresses = 0;
  return baseObjects().flatMap(o => {
    if (o.kind === 'Service' && o.spec.type === 'LoadBalancer') {
      const ip = `203.0.113.${++addresses}`;
      return [{ ...o, status: { loadBalancer: { ingress: [{ ip }] } } }];
    }
    if (o.kind !== 'Deployment') return [o];
    const objects = rolledOut(o, { created, firstPod: pods });
    pods += o.spec.replicas;
    return objects;
  });
}

/** A namespace with sidecar injection and its ingress Gateway. */
function namespaceObjects(ns: string, gateway: string): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'istio-injection': 'enabled' } },
    },
    {
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
    },
  ];
}

/** The objects of one component, rolled out. */
function componentChain(o: {
  name: string;
  prefix: string;
  ns: string;
  gateway: string;
  pods: number;
  created: string;
  firstPod: number;
}): KubeObject[] {
  const { name, ns, pods } = o;
  const component = `${o.prefix}-${name}`;
  const svcHost = host(name, ns);
  const workloads = VERSIONS.flatMap((version, v) =>
    rolledOut(
      deployment({
        name: `${name}-${version}`,
        namespace: ns,
        component,
        app: name,
        version,
        replicas: pods,
        image: `ghcr.io/stefanprodan/podinfo:6.7.${v === 0 ? 0 : 1}`,
        // The canary takes a tenth of the traffic.
        load: `rps=${v === 0 ? pods * 4 : pods}`,
        podAnnotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': '9797',
        },
      }),
      { created: o.created, firstPod: o.firstPod + v * pods },
    ),
  );
  return [
    ...workloads,
    service({ name, namespace: ns, component, selector: { app: name } }),
    hpa({
      name: `${name}-v1`,
      namespace: ns,
      component,
      min: pods,
      max: pods * 3,
      cpu: 70,
      memory: 80,
      requestsPerPod: 20,
    }),
    destinationRule({
      name,
      namespace: ns,
      component,
      host: svcHost,
      subsets: VERSIONS.map(version => ({
        name: version,
        labels: { version },
      })),
    }),
    virtualService({
      name,
      namespace: ns,
      component,
      hosts: [`${name}.${ns}.example.com`],
      gateways: [o.gateway],
      matchRoutes: [
        {
          name: 'testers',
          match: [{ headers: { 'x-canary': { exact: 'always' } } }],
          routes: [{ host: svcHost, subset: 'v2' }],
        },
        {
          name: 'api',
          match: [{ uri: { prefix: '/api/' }, method: { exact: 'GET' } }],
          routes: [
            { host: svcHost, subset: 'v1', weight: 90 },
            { host: svcHost, subset: 'v2', weight: 10 },
          ],
          timeout: '5s',
          retries: {
            attempts: 3,
            perTryTimeout: '1500ms',
            retryOn: 'gateway-error,connect-failure,refused-stream',
          },
        },
      ],
      routes: [{ host: svcHost, subset: 'v1' }],
    }),
  ];
}
