/*
 * The seeded scenarios: one Backstage component each, healthy or broken in
 * one specific way, and the cluster presets `dev` and `prod` that combine
 * them.
 */
import type { KubeObject } from '../types';
import {
  DEMO_DOMAIN,
  KUBERNETES_ID,
  PUBLIC_GATEWAY,
  deployment,
  destinationRule,
  host,
  hpa,
  namespace,
  service,
  virtualService,
  writtenBy,
} from './builders';
import { baseObjects } from './base';
import { generateScaleObjects } from './scale';

const IMAGE = 'ghcr.io/stefanprodan/podinfo';

/** Which cluster a scenario is built for (replica counts differ). */
export type ClusterVariant = 'dev' | 'prod';

/** A seeded scenario. @public */
export interface Scenario {
  name: string;
  /** The Backstage component it belongs to (`backstage.io/kubernetes-id`). */
  component: string;
  namespace: string;
  /** What a newcomer should notice. */
  description: string;
  objects(variant: ClusterVariant): KubeObject[];
}

function simpleChain(o: {
  component: string;
  ns: string;
  replicas: number;
  load: string;
  hpa?: { min: number; max: number; cpu: number };
  version?: string;
}): KubeObject[] {
  const { component, ns } = o;
  const svcHost = host(component, ns);
  return [
    deployment({
      name: component,
      namespace: ns,
      component,
      version: o.version ?? 'v1',
      replicas: o.replicas,
      image: `${IMAGE}:6.7.1`,
      load: o.load,
    }),
    service({
      name: component,
      namespace: ns,
      component,
      selector: { app: component },
    }),
    ...(o.hpa
      ? [hpa({ name: component, namespace: ns, component, ...o.hpa })]
      : []),
    destinationRule({
      name: component,
      namespace: ns,
      component,
      host: svcHost,
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    }),
    virtualService({
      name: component,
      namespace: ns,
      component,
      hosts: [`${component}.${DEMO_DOMAIN}`],
      gateways: [PUBLIC_GATEWAY],
      routes: [{ host: svcHost, subset: 'v1' }],
    }),
  ];
}

/** Every scenario, in the order the README lists them. @public */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'healthy',
    component: 'storefront',
    namespace: 'shop',
    description:
      'A complete, healthy chain: public Gateway -> VirtualService -> DestinationRule -> Service -> Deployment with an HPA, all pods ready.',
    objects: v =>
      simpleChain({
        component: 'storefront',
        ns: 'shop',
        replicas: v === 'prod' ? 3 : 2,
        load: v === 'prod' ? 'rps=18' : 'rps=12',
        hpa: { min: v === 'prod' ? 3 : 2, max: 6, cpu: 70 },
      }),
  },
  {
    name: 'canary',
    component: 'checkout',
    namespace: 'shop',
    description:
      'A canary release: the VirtualService sends 90% of traffic to subset v1 and 10% to subset v2, each backed by its own Deployment. In prod, Flagger runs the canary: the field manager `flagger` owns the VirtualService (its route weights).',
    objects: v => {
      const ns = 'shop';
      const component = 'checkout';
      const svcHost = host(component, ns);
      const routes = virtualService({
        name: component,
        namespace: ns,
        component,
        hosts: [`checkout.${DEMO_DOMAIN}`],
        gateways: [PUBLIC_GATEWAY],
        routes: [
          { host: svcHost, subset: 'v1', weight: 90 },
          { host: svcHost, subset: 'v2', weight: 10 },
        ],
      });
      return [
        deployment({
          name: 'checkout-v1',
          namespace: ns,
          component,
          app: 'checkout',
          version: 'v1',
          replicas: v === 'prod' ? 4 : 3,
          image: `${IMAGE}:6.7.0`,
          load: 'rps=18',
        }),
        deployment({
          name: 'checkout-v2',
          namespace: ns,
          component,
          app: 'checkout',
          version: 'v2',
          replicas: 1,
          image: `${IMAGE}:6.7.1`,
          load: 'rps=2',
        }),
        service({
          name: component,
          namespace: ns,
          component,
          selector: { app: 'checkout' },
        }),
        destinationRule({
          name: component,
          namespace: ns,
          component,
          host: svcHost,
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        }),
        v === 'prod' ? writtenBy(routes, 'flagger') : routes,
      ];
    },
  },
  {
    name: 'clusterip',
    component: 'inventory',
    namespace: 'shop',
    description:
      'An internal service: a ClusterIP Service reached only inside the mesh (the VirtualService is bound to the `mesh` gateway).',
    objects: () => {
      const ns = 'shop';
      const component = 'inventory';
      const svcHost = host(component, ns);
      return [
        deployment({
          name: component,
          namespace: ns,
          component,
          version: 'v1',
          replicas: 2,
          image: `${IMAGE}:6.7.1`,
          load: 'rps=8',
        }),
        service({
          name: component,
          namespace: ns,
          component,
          selector: { app: component },
        }),
        destinationRule({
          name: component,
          namespace: ns,
          component,
          host: svcHost,
          subsets: [{ name: 'v1', labels: { version: 'v1' } }],
        }),
        virtualService({
          name: component,
          namespace: ns,
          component,
          hosts: [svcHost],
          gateways: ['mesh'],
          routes: [{ host: svcHost, subset: 'v1' }],
        }),
      ];
    },
  },
  {
    name: 'nodeport',
    component: 'legacy-reports',
    namespace: 'ops',
    description:
      'A NodePort Service (node port 30080) in front of a single replica, also published through the ingress Gateway.',
    objects: () => {
      const ns = 'ops';
      const component = 'legacy-reports';
      const svcHost = host(component, ns);
      return [
        deployment({
          name: component,
          namespace: ns,
          component,
          version: 'v1',
          replicas: 1,
          image: `${IMAGE}:6.5.4`,
          load: 'rps=2',
        }),
        service({
          name: component,
          namespace: ns,
          component,
          selector: { app: component },
          type: 'NodePort',
          nodePort: 30080,
        }),
        destinationRule({
          name: component,
          namespace: ns,
          component,
          host: svcHost,
          subsets: [{ name: 'v1', labels: { version: 'v1' } }],
        }),
        virtualService({
          name: component,
          namespace: ns,
          component,
          hosts: [`reports.${DEMO_DOMAIN}`],
          gateways: [PUBLIC_GATEWAY],
          routes: [{ host: svcHost, subset: 'v1' }],
        }),
      ];
    },
  },
  {
    name: 'loadbalancer',
    component: 'status-page',
    namespace: 'ops',
    description:
      'A LoadBalancer Service with its own external address (from 203.0.113.0/24), exposed directly rather than through the mesh ingress.',
    objects: () => {
      const ns = 'ops';
      const component = 'status-page';
      return [
        deployment({
          name: component,
          namespace: ns,
          component,
          replicas: 2,
          image: `${IMAGE}:6.7.1`,
          load: 'rps=5',
        }),
        service({
          name: component,
          namespace: ns,
          component,
          selector: { app: component },
          type: 'LoadBalancer',
        }),
      ];
    },
  },
  {
    name: 'hpa-max',
    component: 'search',
    namespace: 'shop',
    description:
      'An HPA pinned at its maximum: the load needs more replicas than maxReplicas allows (ScalingLimited: TooManyReplicas), CPU stays above target.',
    objects: () =>
      simpleChain({
        component: 'search',
        ns: 'shop',
        replicas: 2,
        load: 'rps=120',
        hpa: { min: 2, max: 4, cpu: 60 },
      }),
  },
  {
    name: 'missing-gateway',
    component: 'recommendations',
    namespace: 'shop',
    description:
      'Broken: the VirtualService is bound to `istio-system/promo-gateway`, which does not exist, so no external traffic reaches it.',
    objects: () => {
      const objs = simpleChain({
        component: 'recommendations',
        ns: 'shop',
        replicas: 2,
        load: 'rps=6',
      });
      const vs = objs.find(o => o.kind === 'VirtualService')!;
      vs.spec.gateways = ['istio-system/promo-gateway'];
      return objs;
    },
  },
  {
    name: 'missing-service',
    component: 'reviews',
    namespace: 'shop',
    description:
      'Broken: the VirtualService routes to `reviews-api.shop.svc.cluster.local`, but the Service is called `reviews`.',
    objects: () => {
      const objs = simpleChain({
        component: 'reviews',
        ns: 'shop',
        replicas: 2,
        load: 'rps=6',
      });
      const vs = objs.find(o => o.kind === 'VirtualService')!;
      vs.spec.http[0].route[0].destination.host = host('reviews-api', 'shop');
      const dr = objs.find(o => o.kind === 'DestinationRule')!;
      dr.spec.host = host('reviews-api', 'shop');
      return objs;
    },
  },
  {
    name: 'subset-no-pods',
    component: 'payments',
    namespace: 'finance',
    description:
      'Broken: the DestinationRule subset v2 selects `version: v2`, but only v1 pods run; the 20% routed to v2 fail with 503 (no healthy upstream).',
    objects: () => {
      const ns = 'finance';
      const component = 'payments';
      const svcHost = host(component, ns);
      return [
        deployment({
          name: component,
          namespace: ns,
          component,
          version: 'v1',
          replicas: 2,
          image: `${IMAGE}:6.7.1`,
          load: 'rps=10',
        }),
        service({
          name: component,
          namespace: ns,
          component,
          selector: { app: component },
        }),
        destinationRule({
          name: component,
          namespace: ns,
          component,
          host: svcHost,
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        }),
        virtualService({
          name: component,
          namespace: ns,
          component,
          hosts: [`payments.${DEMO_DOMAIN}`],
          gateways: [PUBLIC_GATEWAY],
          routes: [
            { host: svcHost, subset: 'v1', weight: 80 },
            { host: svcHost, subset: 'v2', weight: 20 },
          ],
        }),
      ];
    },
  },
  {
    name: 'selector-mismatch',
    component: 'notifications',
    namespace: 'messaging',
    description:
      'Broken: the Service selects `app: notification` (singular), the pods are labelled `app: notifications`; the Service has no endpoints.',
    objects: () => {
      const objs = simpleChain({
        component: 'notifications',
        ns: 'messaging',
        replicas: 2,
        load: 'rps=4',
      });
      const svc = objs.find(o => o.kind === 'Service')!;
      svc.spec.selector = { app: 'notification' };
      return objs;
    },
  },
  {
    name: 'bad-target-port',
    component: 'ratings',
    namespace: 'shop',
    description:
      'Broken: the Service sends traffic to targetPort 8080, but the container only listens on 9898.',
    objects: () => {
      const objs = simpleChain({
        component: 'ratings',
        ns: 'shop',
        replicas: 2,
        load: 'rps=4',
      });
      const svc = objs.find(o => o.kind === 'Service')!;
      svc.spec.ports[0].targetPort = 8080;
      return objs;
    },
  },
  {
    name: 'gateway-api',
    component: 'docs',
    namespace: 'docs',
    description:
      'The Kubernetes Gateway API instead of Istio networking: a Gateway (class istio) and an HTTPRoute to the Service.',
    objects: () => {
      const ns = 'docs';
      const component = 'docs';
      return [
        deployment({
          name: component,
          namespace: ns,
          component,
          replicas: 1,
          image: `${IMAGE}:6.7.1`,
          load: 'rps=3',
        }),
        service({
          name: component,
          namespace: ns,
          component,
          selector: { app: component },
        }),
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: 'docs-gateway', namespace: ns },
          spec: {
            gatewayClassName: 'istio',
            listeners: [
              {
                name: 'http',
                protocol: 'HTTP',
                port: 80,
                hostname: `docs.${DEMO_DOMAIN}`,
              },
            ],
          },
        },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: {
            name: component,
            namespace: ns,
            labels: { [KUBERNETES_ID]: component },
          },
          spec: {
            parentRefs: [{ name: 'docs-gateway' }],
            hostnames: [`docs.${DEMO_DOMAIN}`],
            rules: [
              {
                matches: [{ path: { type: 'PathPrefix', value: '/' } }],
                backendRefs: [{ name: component, port: 80 }],
              },
            ],
          },
        },
      ];
    },
  },
];

/** Cluster presets: which scenarios each demo cluster holds. @public */
export const CLUSTER_PRESETS: Readonly<Record<string, readonly string[]>> = {
  dev: SCENARIOS.map(s => s.name),
  prod: ['healthy', 'canary', 'hpa-max', 'loadbalancer'],
  all: SCENARIOS.map(s => s.name),
  base: [],
};

/**
 * The objects for a `--scenario` value: a comma-separated list of scenario
 * names, presets (`dev`, `prod`, `all`, `base`), `none` (system namespaces
 * only) or `scale:N` (N generated objects). Throws a clear error for
 * unknown names. @public
 */
export function scenarioObjects(
  spec: string | string[] | undefined,
  variant?: ClusterVariant,
): KubeObject[] {
  const names = (Array.isArray(spec) ? spec : (spec ?? 'none').split(','))
    .map(s => s.trim())
    .filter(Boolean);
  if (names.length === 0 || (names.length === 1 && names[0] === 'none')) {
    return baseObjects().filter(
      o => o.kind === 'Namespace' && o.metadata.name !== 'istio-system',
    );
  }
  const v: ClusterVariant =
    variant ?? (names.includes('prod') ? 'prod' : 'dev');
  const out: KubeObject[] = baseObjects();
  const seen = new Set<string>();
  const add = (objs: KubeObject[]) => {
    for (const o of objs) {
      const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${
        o.metadata.name
      }`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(o);
      }
    }
  };
  for (const o of out) {
    seen.add(
      `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${
        o.metadata.name
      }`,
    );
  }
  const expand = (name: string): Scenario[] => {
    if (CLUSTER_PRESETS[name]) {
      return CLUSTER_PRESETS[name].map(n => SCENARIOS.find(s => s.name === n)!);
    }
    const s = SCENARIOS.find(x => x.name === name);
    if (!s) {
      throw new Error(
        `Unknown scenario '${name}'. Use one or more of: ${[
          ...Object.keys(CLUSTER_PRESETS),
          'none',
          'scale:N',
          ...SCENARIOS.map(x => x.name),
        ].join(', ')}`,
      );
    }
    return [s];
  };
  for (const name of names) {
    const scale = name.match(/^scale:(\d+)$/);
    if (scale) {
      add(generateScaleObjects({ objects: Number(scale[1]) }));
      continue;
    }
    for (const s of expand(name)) {
      const objs = s.objects(v);
      const namespaces = new Set(
        objs.map(o => o.metadata.namespace).filter(Boolean) as string[],
      );
      add([
        ...[...namespaces].map(n =>
          namespace(n, { 'istio-injection': 'enabled' }),
        ),
        ...objs,
      ]);
    }
  }
  return out;
}
