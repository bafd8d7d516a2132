import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import type { KubeObject } from '../kube/KubeObject';
import { loadFixtureObjects } from '../__testUtils__/fixtures';
import { resolveClusterChain } from '../resolve/resolveClusterChain';

/*
 * Each check on a small change to the healthy canary cluster (bookinfo
 * reviews: Service reviews:9080, subsets v1/v2, VirtualService on mesh and
 * istio-system/public-gateway), so that every code is proven to fire on the
 * mistake it describes and on nothing else.
 */

type Change = (objs: KubeObject[]) => KubeObject[];

const find = (objs: KubeObject[], kind: string, name: string) => {
  const o = objs.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};

const vsSpec = (objs: KubeObject[]) =>
  find(objs, 'VirtualService', 'reviews').spec;

function codesAfter(change: Change) {
  const objs = change(loadFixtureObjects('istio-system', 'canary'));
  const chain = resolveClusterChain(
    MemorySnapshot.fromObjects(objs),
    { labelSelector: 'backstage.io/kubernetes-id=reviews' },
    { clusterDomain: 'cluster.local' },
  );
  return chain.diagnostics;
}

const add =
  (...extra: KubeObject[]): Change =>
  objs =>
    [...objs, ...extra];

const edit =
  (fn: (objs: KubeObject[]) => void): Change =>
  objs => {
    fn(objs);
    return objs;
  };

const istio = (
  kind: string,
  name: string,
  namespace: string,
  spec: any,
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind,
  metadata: { name, namespace, creationTimestamp: '2026-11-22T00:00:00Z' },
  spec,
});

describe('diagnostics', () => {
  it('reports nothing on the unchanged cluster', () => {
    expect(codesAfter(objs => objs)).toEqual([]);
  });

  it.each<[string, Change, string, RegExp]>([
    [
      'a subset no DestinationRule defines',
      edit(o => {
        vsSpec(o).http[1].route[1].destination.subset = 'v3';
      }),
      'MESH-1003',
      /subset "v3" of reviews\.bookinfo\.svc\.cluster\.local.*\(defined: v1, v2\)/,
    ],
    [
      'no port towards a multi-port Service from a gateway',
      edit(o => {
        find(o, 'Service', 'reviews').spec.ports.push({
          name: 'grpc',
          port: 9090,
          targetPort: 9080,
        });
      }),
      'MESH-1004',
      /has 2 ports \(9080, 9090\)/,
    ],
    [
      'a port the Service does not expose',
      edit(o => {
        vsSpec(o).http[0].route[0].destination.port = { number: 8080 };
      }),
      'MESH-1005',
      /port 8080 of Service bookinfo\/reviews, which exposes 9080/,
    ],
    [
      'a host the bound Gateway does not serve',
      edit(o => {
        vsSpec(o).hosts = ['reviews', 'reviews.example.org'];
      }),
      'MESH-1006',
      /reviews, reviews\.example\.org.*\*\.example\.com/,
    ],
    [
      'a second VirtualService for the same host inside the mesh',
      add(
        istio('VirtualService', 'reviews-debug', 'bookinfo', {
          hosts: ['reviews'],
          http: [
            { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
          ],
        }),
      ),
      'MESH-1007',
      /Host reviews\.bookinfo\.svc\.cluster\.local on the mesh is defined by 2 VirtualServices/,
    ],
    [
      'a path an earlier route takes',
      edit(o => {
        vsSpec(o).http = [
          {
            match: [{ uri: { prefix: '/api' } }],
            route: vsSpec(o).http[1].route,
          },
          {
            name: 'v1',
            match: [
              { uri: { exact: '/api/v1' } },
              { uri: { prefix: '/api/' } },
            ],
            route: vsSpec(o).http[1].route,
          },
          vsSpec(o).http[1],
        ];
      }),
      'MESH-1011',
      /http\[1\] "v1" never matches: http\[0\] \(prefix \/api\) takes every request its paths would/,
    ],
    [
      'an invalid regex',
      edit(o => {
        vsSpec(o).http[0].match[0].headers['end-user'] = { regex: '(jason' };
      }),
      'MESH-1009',
      /headers\.end-user\.regex "\(jason" is not valid RE2/,
    ],
    [
      'a single destination with weight 50',
      edit(o => {
        vsSpec(o).http[0].route[0].weight = 50;
      }),
      'MESH-1012',
      /one destination with weight 50/,
    ],
    [
      'a Gateway selecting no workload',
      edit(o => {
        find(o, 'Gateway', 'public-gateway').spec.selector = {
          istio: 'ingress',
        };
      }),
      'MESH-2001',
      /istio=ingress/,
    ],
    [
      'gateway pods that are not ready',
      edit(o => {
        for (const p of o.filter(
          x => x.kind === 'Pod' && x.metadata.namespace === 'istio-system',
        )) {
          p.status.conditions = [{ type: 'Ready', status: 'False' }];
        }
      }),
      'MESH-2004',
      /None of the 2 gateway pods/,
    ],
    [
      'a DestinationRule host written as name.namespace',
      edit(o => {
        find(o, 'DestinationRule', 'reviews').spec.host = 'reviews.bookinfo';
      }),
      'MESH-3001',
      /"reviews\.bookinfo" is taken literally/,
    ],
    [
      'the same subset in two DestinationRules',
      add({
        ...istio('DestinationRule', 'reviews-v1', 'bookinfo', {
          host: 'reviews.bookinfo.svc.cluster.local',
          subsets: [{ name: 'v1', labels: { version: 'v1' } }],
        }),
      }),
      'MESH-3003',
      /Subset "v1" of host reviews\.bookinfo\.svc\.cluster\.local is defined by/,
    ],
    [
      'a subset without labels',
      edit(o => {
        delete find(o, 'DestinationRule', 'reviews').spec.subsets[1].labels;
      }),
      'MESH-3004',
      /Subset "v2" of DestinationRule bookinfo\/reviews has no labels, so it selects every pod of reviews\.bookinfo\.svc\.cluster\.local/,
    ],
    [
      'pods that are all not ready',
      edit(o => {
        for (const p of o.filter(
          x => x.kind === 'Pod' && x.metadata.labels?.app === 'reviews',
        )) {
          p.status.conditions = [{ type: 'Ready', status: 'False' }];
        }
      }),
      'MESH-4006',
      /selects 4 pods and none of them is ready/,
    ],
    [
      'a Deployment below its desired replicas',
      edit(o => {
        Object.assign(find(o, 'Deployment', 'reviews-v1').status, {
          readyReplicas: 1,
          availableReplicas: 1,
          unavailableReplicas: 2,
        });
      }),
      'MESH-5001',
      /reviews-v1 wants 3 replicas; 1 are ready and 1 available/,
    ],
    [
      'an HPA unable to scale',
      add({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'reviews-v1', namespace: 'bookinfo' },
        spec: {
          scaleTargetRef: { kind: 'Deployment', name: 'reviews-v1' },
          minReplicas: 1,
          maxReplicas: 4,
        },
        status: {
          currentReplicas: 3,
          desiredReplicas: 3,
          conditions: [
            {
              type: 'AbleToScale',
              status: 'False',
              reason: 'FailedGetScale',
              message: 'deployments/scale forbidden',
            },
          ],
        },
      }),
      'MESH-6004',
      /FailedGetScale deployments\/scale forbidden/,
    ],
  ])('%s', (_name, change, code, message) => {
    const diagnostics = codesAfter(change);
    // Only this code (possibly once per route or per resource involved).
    expect([...new Set(diagnostics.map(d => d.code))]).toEqual([code]);
    expect(diagnostics[0].message).toMatch(message);
  });

  it('reports each regex RE2 refuses with its field and what to write instead', () => {
    const diagnostics = codesAfter(
      edit(o => {
        const http = vsSpec(o).http[0];
        http.match[0].uri = { regex: '/(a)\\1' };
        http.match[0].headers['end-user'] = { regex: '(?=x)jason' };
        http.rewrite = { uriRegexRewrite: { match: '(?>/v1)', rewrite: '/' } };
      }),
    );
    expect(diagnostics.map(d => [d.code, d.path, d.message, d.fix])).toEqual([
      [
        'MESH-1009',
        'spec.http[0].match[0].uri.regex',
        'VirtualService bookinfo/reviews http[0] match[0] uri.regex "/(a)\\1" is not valid RE2: backreference \\1 is not supported by RE2.',
        expect.stringContaining('write out what the group matches again'),
      ],
      [
        'MESH-1009',
        'spec.http[0].match[0].headers.end-user.regex',
        'VirtualService bookinfo/reviews http[0] match[0] headers.end-user.regex "(?=x)jason" is not valid RE2: lookahead (?=…) is not supported by RE2.',
        expect.stringContaining('RE2 has no lookaround'),
      ],
      [
        'MESH-1009',
        'spec.http[0].rewrite.uriRegexRewrite.match',
        'VirtualService bookinfo/reviews http[0] rewrite.uriRegexRewrite.match "(?>/v1)" is not valid RE2: atomic group (?>…) is not supported by RE2.',
        expect.stringContaining('Write a plain group (?:…)'),
      ],
    ]);
  });

  it('accepts valid RE2 that JavaScript regexes do not know', () => {
    const diagnostics = codesAfter(
      edit(o => {
        const match = vsSpec(o).http[0].match[0];
        match.uri = { regex: '(?i)^/API/(?P<id>\\d+)\\z' };
        match.headers['end-user'] = { regex: '\\pL+|[[:^digit:]]+' };
      }),
    );
    expect(diagnostics).toEqual([]);
  });

  it('reports a missing HTTPRoute parent Gateway and an invalid HTTPRoute regex', () => {
    const objs = loadFixtureObjects('gateway-api').filter(
      o => !(o.kind === 'Gateway' && o.metadata.name === 'web'),
    );
    const route = find(objs, 'HTTPRoute', 'store');
    route.spec.rules[1].matches[0].path = {
      type: 'RegularExpression',
      value: '/health(?!z)',
    };
    route.spec.rules[0].backendRefs.pop();
    const chain = resolveClusterChain(
      MemorySnapshot.fromObjects(objs),
      { labelSelector: 'backstage.io/kubernetes-id=store-api' },
      { clusterDomain: 'cluster.local' },
    );
    expect(chain.diagnostics.map(d => [d.code, d.path])).toEqual([
      ['MESH-1009', 'spec.rules[1].matches[0].path.value'],
      ['MESH-1014', 'spec.parentRefs[0]'],
    ]);
    expect(chain.links.filter(l => l.broken).map(l => l.from)).toEqual([
      'gateway.networking.k8s.io/Gateway/store/web',
    ]);
  });

  it.each([
    [2, 5, 5, 5, ['MESH-6001']],
    [2, 5, 4, 5, []],
    [3, 3, 3, 3, []],
  ])(
    'HPA min %i max %i current %i desired %i reports %j',
    (minReplicas, maxReplicas, currentReplicas, desiredReplicas, expected) => {
      const diagnostics = codesAfter(
        add({
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'reviews-v1', namespace: 'bookinfo' },
          spec: {
            scaleTargetRef: { kind: 'Deployment', name: 'reviews-v1' },
            minReplicas,
            maxReplicas,
          },
          status: { currentReplicas, desiredReplicas },
        }),
      );
      expect(diagnostics.map(d => d.code)).toEqual(expected);
    },
  );

  it('takes a subset with labels as a version, even labels every pod carries', () => {
    const diagnostics = codesAfter(
      edit(o => {
        find(o, 'DestinationRule', 'reviews').spec.subsets[1].labels = {
          app: 'reviews',
        };
      }),
    );
    expect(diagnostics.map(d => d.code)).toEqual([]);
  });

  it('does not blame subsets when the Service selects no pod at all', () => {
    const diagnostics = codesAfter(
      edit(o => {
        find(o, 'Service', 'reviews').spec.selector = { app: 'review' };
      }),
    );
    expect(diagnostics.map(d => d.code)).toEqual(['MESH-4001']);
  });

  it('reports a VirtualService hidden from its gateway by exportTo', () => {
    const diagnostics = codesAfter(
      edit(o => {
        vsSpec(o).exportTo = ['.'];
      }),
    );
    expect(diagnostics.map(d => [d.code, d.message])).toEqual([
      [
        'MESH-1016',
        'VirtualService bookinfo/reviews binds Gateway istio-system/public-gateway, whose proxies run in istio-system, but exportTo [.] does not include it.',
      ],
    ]);
  });

  it.each<
    [string, (route: KubeObject, gw: KubeObject) => void, RegExp | undefined]
  >([
    ['an attached route', () => {}, undefined],
    [
      'a route from another namespace with the default allowedRoutes',
      (route, gw) => {
        gw.metadata.namespace = 'gateways';
        route.spec.parentRefs = [{ name: 'web', namespace: 'gateways' }];
      },
      /no listener of Gateway gateways\/web allows routes from namespace store \(allowedRoutes\.namespaces\.from: Same\)/,
    ],
    [
      'a route from another namespace allowed by From: All',
      (route, gw) => {
        gw.metadata.namespace = 'gateways';
        gw.spec.listeners[0].allowedRoutes = { namespaces: { from: 'All' } };
        route.spec.parentRefs = [{ name: 'web', namespace: 'gateways' }];
      },
      undefined,
    ],
    [
      'hostnames that no listener serves',
      route => {
        route.spec.hostnames = ['shop.example.org'];
      },
      /no listener hostname \(store\.example\.com\) matches the route's hostnames \(shop\.example\.org\)/,
    ],
    [
      'a route the Gateway reports not accepted',
      route => {
        route.status = {
          parents: [
            {
              parentRef: { name: 'web' },
              conditions: [
                {
                  type: 'Accepted',
                  status: 'False',
                  reason: 'NotAllowedByListeners',
                },
              ],
            },
          ],
        };
      },
      /the Gateway reports it not accepted: NotAllowedByListeners/,
    ],
  ])('HTTPRoute attachment: %s', (_name, change, expected) => {
    const objs = loadFixtureObjects('gateway-api');
    const route = find(objs, 'HTTPRoute', 'store');
    route.spec.rules[0].backendRefs.pop();
    change(route, find(objs, 'Gateway', 'web'));
    const chain = resolveClusterChain(
      MemorySnapshot.fromObjects(objs),
      { labelSelector: 'backstage.io/kubernetes-id=store-api' },
      { clusterDomain: 'cluster.local' },
    );
    const messages = chain.diagnostics
      .filter(d => d.code === 'MESH-1017')
      .map(d => d.message);
    expect(messages).toHaveLength(expected ? 1 : 0);
    expect(messages.join('\n')).toMatch(expected ?? /^$/);
  });

  it('reports a Gateway API Gateway its controller did not accept', () => {
    const objs = loadFixtureObjects('gateway-api');
    find(objs, 'Gateway', 'web').status.conditions = [
      {
        type: 'Accepted',
        status: 'False',
        reason: 'InvalidParameters',
        message: 'GatewayClass "istio" not found',
      },
    ];
    const chain = resolveClusterChain(
      MemorySnapshot.fromObjects(objs),
      { labelSelector: 'backstage.io/kubernetes-id=store-api' },
      { clusterDomain: 'cluster.local' },
    );
    const d = chain.diagnostics.find(x => x.code === 'MESH-2005');
    expect(d?.message).toBe(
      'Gateway store/web is not accepted: InvalidParameters (GatewayClass "istio" not found).',
    );
    expect(chain.gateways[0].health).toBe('error');
  });

  it('survives malformed objects', () => {
    const junk: KubeObject[] = [
      istio('VirtualService', 'junk-1', 'bookinfo', {
        hosts: 'reviews',
        http: 'nope',
      }),
      istio('VirtualService', 'junk-2', 'bookinfo', {
        hosts: ['reviews'],
        http: [
          null,
          { route: [{ destination: {} }, null], match: [null, { uri: 'x' }] },
        ],
      }),
      istio('DestinationRule', 'junk-3', 'bookinfo', {
        host: 42,
        subsets: 'x',
      }),
      istio('DestinationRule', 'junk-4', 'bookinfo', {
        host: 'reviews',
        subsets: [null, { labels: 'x' }, { name: 'v9' }],
      }),
      istio('Gateway', 'public-gateway', 'istio-system', {
        servers: [{ port: null }, { hosts: 'x' }],
      }),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'junk-5', namespace: 'bookinfo' },
        spec: {
          scaleTargetRef: { name: 'reviews-v1' },
          metrics: [null, { type: 'Pods' }],
        },
        status: { conditions: 'x' },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'junk-6',
          namespace: 'bookinfo',
          labels: { app: 'reviews' },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'junk-7',
          namespace: 'bookinfo',
          labels: { 'backstage.io/kubernetes-id': 'reviews' },
        },
        spec: { ports: 'x', selector: null },
      },
    ];
    const objs = loadFixtureObjects('istio-system', 'canary').filter(
      o => !(o.kind === 'Gateway' && o.metadata.name === 'public-gateway'),
    );
    const chain = resolveClusterChain(
      MemorySnapshot.fromObjects([...objs, ...junk]),
      { labelSelector: 'backstage.io/kubernetes-id=reviews' },
      { clusterDomain: 'cluster.local' },
    );
    expect(chain.services.map(s => s.ref.name).sort()).toEqual([
      'junk-7',
      'reviews',
    ]);
    expect(chain.pods.map(p => p.ref.name)).toContain('junk-6');
  });
});
