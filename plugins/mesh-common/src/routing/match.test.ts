import type { RouteInfo, RouteMatch } from '../types';
import {
  evaluateMatch,
  findMatchingHttpRoute,
  matchString,
  parseRequest,
} from './match';
import { trafficShares } from './weights';

const req = (
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
) => parseRequest({ url, headers, method });

const mesh = { gateway: 'mesh' };

describe('matchString', () => {
  it.each([
    [{ exact: '/productpage' }, '/productpage', true],
    [{ exact: '/productpage' }, '/productpage/1', false],
    [{ prefix: '/static' }, '/static/css/x.css', true],
    [{ prefix: '/static' }, '/Static', false],
    // Regex is RE2 and must match the whole value.
    [{ regex: '/api/v[0-9]+' }, '/api/v2', true],
    [{ regex: '/api/v[0-9]+' }, '/api/v2/extra', false],
    [{ regex: '\\d+$' }, '123', true],
    [{ regex: '\\d+$' }, 'a123', false],
    [{ regex: '(?i)/ADMIN' }, '/admin', true],
    [{ regex: '(?P<v>v1|v2)' }, 'v2', true],
    [{}, 'anything', true],
    [{}, undefined, false],
  ])('%j on %s: %s', (m, value, expected) => {
    expect(matchString(m, value)).toBe(expected);
  });

  it('matches nothing with a pattern Istio refuses, and says why', () => {
    expect(matchString({ regex: '(a)\\1' }, 'aa')).toBe(false);
    const outcome = evaluateMatch(
      { uri: { regex: '/a(?=b)' } },
      req('http://a/ab'),
      mesh,
      'shop',
    );
    expect(outcome.failures).toEqual([
      'path "/ab" does not match regex "/a(?=b)", which is not valid RE2 (lookahead (?=…) is not supported by RE2), so the proxy refuses the route',
    ]);
  });

  it('normalizes paths as the proxy does', () => {
    expect(
      parseRequest({ url: 'http://a/api/%76%31/../v2/x%2Fy%20z' }).path,
    ).toBe('/api/v2/x%2Fy%20z');
  });

  it('accepts RE2 patterns people write', () => {
    expect(
      matchString({ regex: '^(.*?;)?(user=jason)(;.*)?$' }, 'a=1;user=jason'),
    ).toBe(true);
    expect(matchString({ regex: '[[:digit:]]+' }, '42')).toBe(true);
    expect(matchString({ regex: '\\p{Greek}+' }, 'αβγ')).toBe(true);
    expect(matchString({ regex: '[[:^digit:]]+' }, 'ab')).toBe(true);
  });
});

describe('evaluateMatch', () => {
  // Cases from the VirtualService reference (HTTPMatchRequest).
  const ratings: RouteMatch = {
    headers: { 'end-user': { exact: 'jason' } },
    uri: { prefix: '/ratings/v2/' },
    ignoreUriCase: true,
  };

  it.each<[string, RouteMatch, ReturnType<typeof req>, boolean, string]>([
    [
      'ratings for jason',
      ratings,
      req('http://ratings/RATINGS/V2/1', { 'End-User': 'jason' }),
      true,
      '',
    ],
    [
      'ratings without the header',
      ratings,
      req('http://ratings/ratings/v2/1'),
      false,
      'header end-user is missing',
    ],
    [
      'ratings for another user',
      ratings,
      req('http://ratings/ratings/v2/1', { 'end-user': 'Jason' }),
      false,
      'does not match exact "jason"',
    ],
    [
      'case matters without ignoreUriCase',
      { uri: { prefix: '/ratings' } },
      req('http://ratings/Ratings'),
      false,
      'path "/Ratings"',
    ],
    [
      'ignoreUriCase does not apply to regex',
      { uri: { regex: '/ratings' }, ignoreUriCase: true },
      req('http://ratings/RATINGS'),
      false,
      '',
    ],
    [
      'header presence with {}',
      { headers: { 'x-canary': {} } },
      req('http://a/', { 'x-canary': '' }),
      true,
      '',
    ],
    [
      'withoutHeaders excludes',
      { withoutHeaders: { 'x-debug': { exact: '1' } } },
      req('http://a/', { 'x-debug': '1' }),
      false,
      'withoutHeaders',
    ],
    [
      'withoutHeaders passes when absent',
      { withoutHeaders: { 'x-debug': {} } },
      req('http://a/'),
      true,
      '',
    ],
    [
      'query exact',
      { queryParams: { key: { exact: 'true' } } },
      req('http://a/?key=true'),
      true,
      '',
    ],
    [
      'query regex full match',
      { queryParams: { id: { regex: '\\d+$' } } },
      req('http://a/?id=a123'),
      false,
      '',
    ],
    [
      'method',
      { method: { exact: 'POST' } },
      req('http://a/', {}, 'get'),
      false,
      'method GET',
    ],
    ['scheme', { scheme: { exact: 'https' } }, req('https://a/'), true, ''],
    [
      'authority includes a non-default port',
      { authority: { exact: 'a:8080' } },
      req('http://a:8080/'),
      true,
      '',
    ],
    ['port', { port: 9080 }, req('http://reviews:9080/'), true, ''],
    [
      'wrong port',
      { port: 9080 },
      req('http://reviews/'),
      false,
      'port 80 is not 9080',
    ],
    [
      'sourceNamespace',
      { sourceNamespace: 'shop' },
      req('http://a/'),
      false,
      'source namespace',
    ],
  ])('%s', (_name, match, request, matched, failure) => {
    const outcome = evaluateMatch(match, request, mesh, 'shop');
    expect(outcome.matched).toBe(matched);
    // A match has no failures; a miss names the condition that failed.
    expect(outcome.failures.length === 0).toBe(matched);
    expect(outcome.failures.join('\n')).toContain(failure);
  });

  it('applies sourceNamespace for mesh callers', () => {
    expect(
      evaluateMatch(
        { sourceNamespace: 'shop' },
        req('http://a/'),
        {
          gateway: 'mesh',
          sourceNamespace: 'shop',
        },
        'shop',
      ).matched,
    ).toBe(true);
  });

  it('restricts a block to its gateways', () => {
    const m: RouteMatch = { gateways: ['public'] };
    expect(
      evaluateMatch(m, req('http://a/'), { gateway: 'shop/public' }, 'shop')
        .matched,
    ).toBe(true);
    expect(evaluateMatch(m, req('http://a/'), mesh, 'shop').matched).toBe(
      false,
    );
  });
});

describe('findMatchingHttpRoute', () => {
  const route = (
    index: number,
    match: RouteMatch[],
    subset: string,
    gateways = ['mesh'],
  ): RouteInfo => ({
    id: `c/shop/reviews/http/${index}`,
    source: {
      kind: 'VirtualService',
      apiVersion: 'networking.istio.io/v1',
      namespace: 'shop',
      name: 'reviews',
    },
    protocol: 'http',
    index,
    hosts: ['reviews'],
    gateways,
    externalUrls: [],
    match,
    destinations: [
      {
        host: 'reviews',
        fqdn: 'reviews.shop.svc.cluster.local',
        subset,
        weight: 100,
      },
    ],
  });
  // The reviews example of the traffic management concepts: jason goes to
  // v2, everyone else to v1; routes are evaluated in order.
  const routes = [
    route(0, [{ headers: { 'end-user': { exact: 'jason' } } }], 'v2'),
    route(
      1,
      [
        { uri: { prefix: '/wpcatalog' } },
        { uri: { prefix: '/consumercatalog' } },
      ],
      'v3',
    ),
    route(2, [], 'v1'),
  ];

  it.each([
    ['jason gets v2', req('http://reviews/', { 'end-user': 'jason' }), 0, 0],
    [
      'the second match block (OR) matches',
      req('http://reviews/consumercatalog/1'),
      1,
      1,
    ],
    [
      'everyone else gets the default route',
      req('http://reviews/'),
      2,
      undefined,
    ],
    [
      'first match wins over later matches',
      req('http://reviews/wpcatalog', { 'end-user': 'jason' }),
      0,
      0,
    ],
  ])('%s', (_name, request, index, matchIndex) => {
    const { winner, evaluated } = findMatchingHttpRoute(routes, request, mesh);
    expect(winner?.route.index).toBe(index);
    expect(winner?.matchIndex).toBe(matchIndex);
    expect(evaluated).toHaveLength(index + 1);
  });

  it('does not match routes bound only to gateways from the mesh', () => {
    const onlyGateway = [route(0, [], 'v1', ['shop/public'])];
    expect(
      findMatchingHttpRoute(onlyGateway, req('http://reviews/'), mesh).winner,
    ).toBeUndefined();
    expect(
      findMatchingHttpRoute(onlyGateway, req('http://reviews/'), {
        gateway: 'shop/public',
      }).winner,
    ).toBeDefined();
  });
});

describe('trafficShares', () => {
  it.each([
    [[undefined], [100]],
    [[20], [100]],
    [
      [90, 10],
      [90, 10],
    ],
    [
      [25, 75],
      [25, 75],
    ],
    [
      [1, 3],
      [25, 75],
    ],
    [
      [0, 0],
      [0, 0],
    ],
    [
      [100, undefined],
      [100, 0],
    ],
  ])('%j gives %j', (weights, shares) => {
    expect(trafficShares(weights)).toEqual(shares);
  });
});
