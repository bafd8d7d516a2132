import type {
  ClusterChain,
  GatewayInfo,
  GatewayServer,
  ObjectRef,
  PodInfo,
  RouteInfo,
  RouteMatch,
  ServiceInfo,
  VirtualServiceInfo,
} from '../types';
import { simulateRoute } from './simulate';

/*
 * Cases from Istio's documentation: the Bookinfo gateway, the httpbin
 * ingress task, the TLS passthrough (nginx) task and the VirtualService
 * reference's TLS example with wildcard hosts.
 */

const ref = (kind: string, namespace: string, name: string): ObjectRef => ({
  kind,
  apiVersion:
    kind === 'Service' || kind === 'Pod' ? 'v1' : 'networking.istio.io/v1',
  namespace,
  name,
});

function gateway(
  namespace: string,
  name: string,
  servers: GatewayServer[],
): GatewayInfo {
  return {
    ref: ref('Gateway', namespace, name),
    health: 'ok',
    flavor: 'istio',
    selector: { istio: 'ingressgateway' },
    servers,
    workload: {
      pods: 1,
      readyPods: 1,
      addresses: ['203.0.113.10'],
      nodePorts: { '80': 30080 },
      servicePorts: {},
    },
  };
}

function service(
  namespace: string,
  name: string,
  port: number,
  targetPort: number,
): ServiceInfo {
  return {
    ref: ref('Service', namespace, name),
    health: 'ok',
    type: 'ClusterIP',
    fqdn: `${name}.${namespace}.svc.cluster.local`,
    ports: [
      {
        name: 'http',
        protocol: 'TCP',
        port,
        targetPort,
        resolvedTargetPort: targetPort,
      },
    ],
    selector: { app: name },
    externalAddresses: [],
    reachability: 'cluster',
    pods: 1,
    readyPods: 1,
  };
}

const pod = (namespace: string, app: string): PodInfo => ({
  ref: ref('Pod', namespace, `${app}-0`),
  health: 'ok',
  labels: { app },
  phase: 'Running',
  ready: true,
  restarts: 0,
  containers: [],
});

function virtualService(
  namespace: string,
  name: string,
  hosts: string[],
  gateways: string[],
  routes: Array<{
    protocol?: RouteInfo['protocol'];
    match: RouteMatch[];
    to: [string, number];
  }>,
): { vs: VirtualServiceInfo; routes: RouteInfo[] } {
  const source = ref('VirtualService', namespace, name);
  const infos = routes.map((r, index): RouteInfo => {
    const [svc, port] = r.to;
    return {
      id: `docs/${namespace}/${name}/${r.protocol ?? 'http'}/${index}`,
      source,
      protocol: r.protocol ?? 'http',
      index,
      hosts,
      gateways: gateways.map(g =>
        g.includes('/') || g === 'mesh' ? g : `${namespace}/${g}`,
      ),
      externalUrls: [],
      match: r.match,
      destinations: [
        {
          host: svc,
          fqdn: `${svc}.${namespace}.svc.cluster.local`,
          port,
          weight: 100,
          service: ref('Service', namespace, svc),
        },
      ],
    };
  });
  return {
    vs: {
      ref: source,
      health: 'ok',
      hosts,
      gateways,
      routeIds: infos.map(i => i.id),
    },
    routes: infos,
  };
}

function chain(parts: {
  gateways: GatewayInfo[];
  vs: Array<{ vs: VirtualServiceInfo; routes: RouteInfo[] }>;
  services: ServiceInfo[];
}): ClusterChain {
  return {
    cluster: { name: 'docs' },
    source: 'direct',
    observedAt: '2026-11-25T00:00:00Z',
    warnings: [],
    istio: true,
    gatewayApi: false,
    gateways: parts.gateways,
    virtualServices: parts.vs.map(v => v.vs),
    httpRoutes: [],
    destinationRules: [],
    services: parts.services,
    deployments: [],
    hpas: [],
    pods: parts.services.map(s => pod(s.ref.namespace!, s.ref.name)),
    routes: parts.vs.flatMap(v => v.routes),
    links: [],
    diagnostics: [],
  };
}

// Bookinfo: samples/bookinfo/networking/bookinfo-gateway.yaml
const bookinfo = chain({
  gateways: [
    gateway('default', 'bookinfo-gateway', [
      { port: 80, protocol: 'HTTP', hosts: ['*'] },
    ]),
  ],
  vs: [
    virtualService(
      'default',
      'bookinfo',
      ['*'],
      ['bookinfo-gateway'],
      [
        {
          match: [
            { uri: { exact: '/productpage' } },
            { uri: { prefix: '/static' } },
            { uri: { exact: '/login' } },
            { uri: { exact: '/logout' } },
            { uri: { prefix: '/api/v1/products' } },
          ],
          to: ['productpage', 9080],
        },
      ],
    ),
  ],
  services: [service('default', 'productpage', 9080, 9080)],
});

// Ingress gateways task: httpbin on httpbin.example.com.
const httpbin = chain({
  gateways: [
    gateway('default', 'httpbin-gateway', [
      { port: 80, protocol: 'HTTP', hosts: ['httpbin.example.com'] },
    ]),
  ],
  vs: [
    virtualService(
      'default',
      'httpbin',
      ['httpbin.example.com'],
      ['httpbin-gateway'],
      [
        {
          match: [
            { uri: { prefix: '/status' } },
            { uri: { prefix: '/delay' } },
          ],
          to: ['httpbin', 8000],
        },
      ],
    ),
  ],
  services: [service('default', 'httpbin', 8000, 8080)],
});

// Ingress gateway without TLS termination (nginx, PASSTHROUGH), and the
// VirtualService reference's SNI routing with wildcard hosts.
const passthrough = chain({
  gateways: [
    gateway('default', 'mygateway', [
      {
        port: 443,
        protocol: 'HTTPS',
        hosts: ['nginx.example.com'],
        tls: { mode: 'PASSTHROUGH' },
      },
      {
        port: 8443,
        protocol: 'TLS',
        hosts: ['*.bookinfo.com'],
        tls: { mode: 'PASSTHROUGH' },
      },
    ]),
  ],
  vs: [
    virtualService(
      'default',
      'nginx',
      ['nginx.example.com'],
      ['mygateway'],
      [
        {
          protocol: 'tls',
          match: [{ port: 443, sniHosts: ['nginx.example.com'] }],
          to: ['my-nginx', 443],
        },
      ],
    ),
    virtualService(
      'default',
      'bookinfo-sni',
      ['*.bookinfo.com'],
      ['mygateway'],
      [
        {
          protocol: 'tls',
          match: [{ port: 8443, sniHosts: ['login.bookinfo.com'] }],
          to: ['login', 443],
        },
        {
          protocol: 'tls',
          match: [{ port: 8443, sniHosts: ['reviews.bookinfo.com'] }],
          to: ['reviews', 443],
        },
      ],
    ),
  ],
  services: [
    service('default', 'my-nginx', 443, 443),
    service('default', 'login', 443, 8443),
    service('default', 'reviews', 443, 9443),
  ],
});

describe('simulateRoute (cases from the Istio documentation)', () => {
  it.each<
    [
      string,
      ClusterChain,
      string,
      Record<string, string>,
      string | undefined,
      string | RegExp,
    ]
  >([
    [
      'Bookinfo: exact /productpage',
      bookinfo,
      'http://203.0.113.10/productpage',
      {},
      'docs/default/bookinfo/http/0',
      'productpage',
    ],
    [
      'Bookinfo: exact does not match a longer path',
      bookinfo,
      'http://203.0.113.10/productpage/1',
      {},
      undefined,
      /path "\/productpage\/1" does not match/,
    ],
    [
      'Bookinfo: prefix /static matches /static/css',
      bookinfo,
      'http://203.0.113.10/static/css/style.css',
      {},
      'docs/default/bookinfo/http/0',
      'productpage',
    ],
    [
      'Bookinfo: prefix /api/v1/products',
      bookinfo,
      'http://203.0.113.10/api/v1/products/0/reviews',
      {},
      'docs/default/bookinfo/http/0',
      'productpage',
    ],
    [
      'Bookinfo: no match answers 404',
      bookinfo,
      'http://203.0.113.10/admin',
      {},
      undefined,
      /gateway answers 404/,
    ],
    [
      'Bookinfo: the node port reaches the same server',
      bookinfo,
      'http://192.0.2.7:30080/login',
      {},
      'docs/default/bookinfo/http/0',
      'productpage',
    ],
    [
      'httpbin: Host header selects the server',
      httpbin,
      'http://203.0.113.10/status/200',
      { host: 'httpbin.example.com' },
      'docs/default/httpbin/http/0',
      'httpbin',
    ],
    [
      'httpbin: /headers is not routed',
      httpbin,
      'http://httpbin.example.com/headers',
      {},
      undefined,
      /does not match prefix "\/status"/,
    ],
    [
      'httpbin: another host is refused by the server',
      httpbin,
      'http://203.0.113.10/status/200',
      {},
      undefined,
      /does not serve host 203\.0\.113\.10/,
    ],
    [
      'httpbin: nothing listens on 443',
      httpbin,
      'https://httpbin.example.com/status/200',
      {},
      undefined,
      /has no server on port 443 \(ports: 80\)/,
    ],
    [
      'httpbin: https to an HTTP server fails',
      httpbin,
      'https://httpbin.example.com:80/status/200',
      {},
      undefined,
      /an https request fails the handshake/,
    ],
    [
      'nginx: TLS passthrough routes by SNI',
      passthrough,
      'https://nginx.example.com/',
      {},
      'docs/default/nginx/tls/0',
      'my-nginx',
    ],
    [
      'SNI: login.bookinfo.com through the wildcard server',
      passthrough,
      'https://login.bookinfo.com:8443/',
      {},
      'docs/default/bookinfo-sni/tls/0',
      'login',
    ],
    [
      'SNI: reviews.bookinfo.com picks the second rule',
      passthrough,
      'https://reviews.bookinfo.com:8443/',
      {},
      'docs/default/bookinfo-sni/tls/1',
      'reviews',
    ],
    [
      'SNI: an unknown name under the wildcard',
      passthrough,
      'https://ratings.bookinfo.com:8443/',
      {},
      undefined,
      /No TLS route .* matches SNI ratings\.bookinfo\.com/,
    ],
  ])('%s', (_name, c, url, headers, routeId, expected) => {
    const result = simulateRoute(c, { url, headers });
    expect(result.routeId).toBe(routeId);
    expect(result.reachable).toBe(routeId !== undefined);
    const reached = typeof expected === 'string';
    expect(result.destinations.map(d => d.host)).toEqual(
      reached ? [expected] : [],
    );
    expect(result.destinations.flatMap(d => d.pods)).toEqual(
      reached ? [`${expected}-0`] : [],
    );
    expect(result.reasons.join('\n')).toMatch(reached ? /^$/ : expected);
  });

  it('resolves Service port to targetPort', () => {
    const result = simulateRoute(httpbin, {
      url: 'http://httpbin.example.com/delay/1',
    });
    expect(result.destinations[0]).toMatchObject({
      servicePort: 8000,
      targetPort: 8080,
      readyPods: 1,
    });
    expect(result.gateway?.server.port).toBe(80);
  });
});
