import { ClusterChain, RouteSimulationRequest } from '../../types';
import { simulateRoute } from '../../routing/simulate';
import { loadFixture } from '../__testUtils__/fixtures';
import { resolveClusterChain } from './resolveClusterChain';

function chainOf(fixture: string, id: string): ClusterChain {
  return {
    cluster: { name: 'dev' },
    source: 'direct',
    observedAt: '2026-11-25T12:00:00Z',
    warnings: [],
    ...resolveClusterChain(
      loadFixture(fixture),
      { labelSelector: `backstage.io/kubernetes-id=${id}` },
      { clusterDomain: 'cluster.local' },
    ),
  };
}

const chains: Record<string, ClusterChain> = {};
const chain = (fixture: string, id: string) =>
  (chains[`${fixture}/${id}`] ??= chainOf(fixture, id));

/** `host subset weight% pods` per destination, for compact expectations. */
const where = (r: ReturnType<typeof simulateRoute>) =>
  r.destinations.map(
    d =>
      `${d.host}${d.subset ? `/${d.subset}` : ''} ${d.weight}% ${
        d.servicePort ?? '-'
      }->${d.targetPort ?? '-'} ready=${d.readyPods}`,
  );

describe('simulateRoute over resolved chains', () => {
  it.each<
    [
      string,
      string,
      string,
      RouteSimulationRequest,
      {
        reachable: boolean;
        gateway?: string;
        route?: string;
        to: string[];
        reason?: RegExp;
      },
    ]
  >([
    [
      'https through the gateway reaches the default route',
      'healthy',
      'shop-frontend',
      { url: 'https://shop.example.com/cart' },
      {
        reachable: true,
        gateway: 'shop/shop-gateway:443',
        route: 'dev/shop/shop-frontend/http/1',
        to: ['shop-frontend.shop.svc.cluster.local 100% 80->8080 ready=3'],
      },
    ],
    [
      'the first matching route wins (prefix /static/)',
      'healthy',
      'shop-frontend',
      { url: 'https://shop.example.com/static/app.js' },
      {
        reachable: true,
        gateway: 'shop/shop-gateway:443',
        route: 'dev/shop/shop-frontend/http/0',
        to: ['shop-frontend 100% 80->8080 ready=3'],
      },
    ],
    [
      'plain http is redirected to https by the server',
      'healthy',
      'shop-frontend',
      { url: 'http://shop.example.com/cart' },
      {
        reachable: false,
        gateway: 'shop/shop-gateway:80',
        to: [],
        reason: /301.*https:\/\/shop\.example\.com\/cart/,
      },
    ],
    [
      'a host no Gateway server serves',
      'healthy',
      'shop-frontend',
      { url: 'https://other.example.com/' },
      {
        reachable: false,
        to: [],
        reason: /does not serve host other\.example\.com/,
      },
    ],
    [
      'jason gets v2 from inside the mesh (header match)',
      'canary',
      'reviews',
      {
        url: 'http://reviews:9080/reviews/1',
        from: 'mesh',
        sourceNamespace: 'bookinfo',
        headers: { 'end-user': 'jason' },
      },
      {
        reachable: true,
        route: 'dev/bookinfo/reviews/http/0',
        to: ['reviews/v2 100% 9080->9080 ready=1'],
      },
    ],
    [
      'everyone else gets the 90/10 split',
      'canary',
      'reviews',
      { url: 'http://reviews.bookinfo.svc.cluster.local:9080/', from: 'mesh' },
      {
        reachable: true,
        route: 'dev/bookinfo/reviews/http/1',
        to: [
          'reviews/v1 90% 9080->9080 ready=3',
          'reviews/v2 10% 9080->9080 ready=1',
        ],
      },
    ],
    [
      'the same VirtualService through the shared gateway (wildcard server host)',
      'canary',
      'reviews',
      { url: 'http://reviews.example.com/', headers: { 'end-user': 'jason' } },
      {
        reachable: true,
        gateway: 'istio-system/public-gateway:80',
        route: 'dev/bookinfo/reviews/http/0',
        to: ['reviews/v2 100% 9080->9080 ready=1'],
      },
    ],
    [
      'a short name from another namespace is another Service',
      'canary',
      'reviews',
      { url: 'http://reviews:9080/', from: 'mesh', sourceNamespace: 'shop' },
      {
        reachable: false,
        to: [],
        reason: /reviews\.shop\.svc\.cluster\.local/,
      },
    ],
    [
      'a VirtualService bound to a missing Gateway serves nothing from outside',
      'broken-missing-gateway',
      'payments',
      { url: 'https://pay.example.com/' },
      { reachable: false, to: [], reason: /No Gateway exposes this component/ },
    ],
    [
      'a route to a missing Service',
      'broken-missing-service',
      'checkout',
      { url: 'http://checkout/', from: 'mesh', sourceNamespace: 'shop' },
      {
        reachable: false,
        route: 'dev/shop/checkout/http/0',
        to: ['checkout-v2 100% -->- ready=0'],
        reason: /checkout-v2\.shop\.svc\.cluster\.local, which does not exist/,
      },
    ],
    [
      'a subset with no pods still leaves the other subset reachable',
      'broken-subset',
      'ratings',
      {
        url: 'http://ratings.bookinfo:9080/',
        from: 'mesh',
        sourceNamespace: 'frontend',
      },
      {
        reachable: true,
        route: 'dev/bookinfo/ratings/http/0',
        to: [
          'ratings.bookinfo.svc.cluster.local/v1 80% 9080->9080 ready=2',
          'ratings.bookinfo.svc.cluster.local/v3 20% 9080->9080 ready=0',
        ],
        reason: /20% .*subset v3, where no pod carries app=ratings,version=v3/,
      },
    ],
    [
      'a Service whose selector selects nothing',
      'broken-selector',
      'inventory',
      { url: 'http://inventory.shop/', from: 'mesh' },
      {
        reachable: false,
        to: ['inventory.shop.svc.cluster.local 100% 80->8080 ready=0'],
        reason: /no pod carries app=inventroy/,
      },
    ],
    [
      'a targetPort no container declares refuses the connection',
      'broken-targetport',
      'search',
      { url: 'http://search.shop/', from: 'mesh' },
      {
        reachable: false,
        to: ['search.shop.svc.cluster.local 100% 80->9090 ready=2'],
        reason:
          /declare 8080, not targetPort 9090: connections are most likely refused/,
      },
    ],
    [
      'a named targetPort no container has leaves no endpoint',
      'broken-targetport',
      'search',
      { url: 'http://search.shop:8081/', from: 'mesh' },
      {
        reachable: false,
        to: ['search.shop.svc.cluster.local 100% 8081->admin ready=2'],
        reason: /no container of the pods has a port named "admin"/,
      },
    ],
    [
      'Gateway API: PathPrefix /api matches /api/items, split 95/5',
      'gateway-api',
      'store-api',
      { url: 'http://store.example.com/api/items' },
      {
        reachable: true,
        gateway: 'store/web:80',
        route: 'dev/store/store/http/0',
        to: [
          'store-api 95% 8080->8080 ready=2',
          'store-api-next 5% -->- ready=0',
        ],
        reason:
          /^5% of requests go to store-api-next\.store\.svc\.cluster\.local, which does not exist$/,
      },
    ],
    [
      'Gateway API: PathPrefix matches whole segments only',
      'gateway-api',
      'store-api',
      { url: 'http://store.example.com/apix' },
      { reachable: false, to: [], reason: /whole path segments/ },
    ],
    [
      'Gateway API: Exact /healthz',
      'gateway-api',
      'store-api',
      { url: 'http://store.example.com/healthz' },
      {
        reachable: true,
        gateway: 'store/web:80',
        route: 'dev/store/store/http/1',
        to: ['store-api 100% 8080->8080 ready=2'],
      },
    ],
  ])('%s', (_name, fixture, id, request, expected) => {
    const result = simulateRoute(chain(fixture, id), request);
    expect(result.reachable).toBe(expected.reachable);
    expect(where(result)).toEqual(expected.to);
    expect(
      result.gateway &&
        `${result.gateway.ref.namespace}/${result.gateway.ref.name}:${result.gateway.server.port}`,
    ).toBe(expected.gateway);
    expect(result.routeId).toBe(expected.route);
    expect(result.reasons.join('\n')).toMatch(expected.reason ?? /^$/);
  });

  it('lists the pods that receive the traffic and explains each step', () => {
    const result = simulateRoute(chain('canary', 'reviews'), {
      url: 'http://reviews:9080/',
      from: 'mesh',
      sourceNamespace: 'bookinfo',
      headers: { 'end-user': 'jason' },
    });
    expect(result.destinations[0].pods).toHaveLength(1);
    expect(result.destinations[0].pods[0]).toMatch(/^reviews-v2-/);
    expect(result.steps.map(s => s.kind)).toEqual([
      'virtualService',
      'route',
      'route',
      'destination',
      'service',
      'pods',
    ]);
    expect(result.steps.every(s => s.ok)).toBe(true);
  });

  it('says how long the proxy waits and how it retries on the route that matched', () => {
    const bounded = simulateRoute(chain('healthy', 'shop-frontend'), {
      url: 'https://shop.example.com/cart',
    });
    expect(bounded).toMatchObject({
      timeout: '5s',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' },
    });
    expect(bounded.steps.map(s => s.detail)).toContain(
      'the proxy waits at most 5s for an answer (timeout); retries 3 times, 2s per try, on 5xx,reset',
    );
    const unbounded = simulateRoute(chain('healthy', 'shop-frontend'), {
      url: 'https://shop.example.com/static/app.js',
    });
    expect(unbounded).not.toHaveProperty('timeout');
    expect(unbounded.steps.map(s => s.detail)).toContain(
      'no timeout (Istio default); retries twice (Istio default)',
    );
  });

  it('reports the routes it skipped and why', () => {
    const result = simulateRoute(chain('canary', 'reviews'), {
      url: 'http://reviews:9080/',
      from: 'mesh',
      sourceNamespace: 'bookinfo',
    });
    const skipped = result.steps.filter(s => s.kind === 'route' && !s.ok);
    expect(skipped.map(s => s.detail)).toEqual([
      expect.stringContaining('header end-user is missing'),
    ]);
  });

  it('answers a malformed URL with a reason, not an exception', () => {
    const result = simulateRoute(chain('healthy', 'shop-frontend'), {
      url: 'not a url',
    });
    expect(result).toMatchObject({ reachable: false, destinations: [] });
    expect(result.reasons[0]).toContain('Not an absolute URL');
  });
});

describe('the path of a traced request', () => {
  it('names every object the request passes, for a picture to highlight', () => {
    const c = chain('canary', 'reviews');
    const result = simulateRoute(c, {
      url: 'http://reviews:9080/',
      from: 'mesh',
      sourceNamespace: 'bookinfo',
      headers: { 'end-user': 'jason' },
    });
    const pod = c.pods.find(
      p => p.ref.name === result.destinations[0].pods[0],
    )!;
    expect(result.path).toEqual([
      'networking.istio.io/VirtualService/bookinfo/reviews',
      'networking.istio.io/DestinationRule/bookinfo/reviews',
      'core/Service/bookinfo/reviews',
      'apps/Deployment/bookinfo/reviews-v2',
      `core/Pod/bookinfo/${pod.ref.name}`,
    ]);
  });

  it('leaves out what receives no traffic, and is empty when nothing matches', () => {
    const c = chain('canary', 'reviews');
    const result = simulateRoute(c, {
      url: 'http://reviews:9080/',
      from: 'mesh',
      sourceNamespace: 'bookinfo',
    });
    const deployments = result.path!.filter(k => k.includes('/Deployment/'));
    expect(deployments.sort()).toEqual(
      result.destinations
        .filter(d => d.weight > 0)
        .map(d => `apps/Deployment/bookinfo/reviews-${d.subset}`)
        .sort(),
    );
    expect(simulateRoute(c, { url: 'not a url' }).path).toEqual([]);
  });
});
