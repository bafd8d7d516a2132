import type { TestBackend } from '@backstage/backend-test-utils';
import type {
  MeshChainResponse,
  RouteSimulationResponse,
} from '@mesh-chain/plugin-mesh-common';
import request from 'supertest';
import { meshObjects, virtualService } from './__fixtures__/objects';
import { FakeKubeApi, startFakeKubeApi } from './__testUtils__/fakeKubeApi';
import {
  component,
  serviceAccountCluster,
  startMeshBackend,
  waitForCaches,
} from './__testUtils__/testBackend';
import { ROUTE_REQUEST_LIMITS } from './services/routeTrace/routeRequestLimits';

const REVIEWS = '/api/mesh/entities/component/default/reviews';

/*
 * Route simulation against regexes written by users and requests sent by
 * users: RE2 semantics (linear time, Istio's syntax) and size limits.
 */

/** The fixture VirtualService with regex routes, in order. */
function regexVirtualService() {
  const vs = virtualService();
  const to = [{ destination: { host: 'reviews', subset: 'v1' } }];
  vs.spec.http = [
    {
      name: 'items',
      match: [{ uri: { regex: '(?i)^/API/items/(?P<id>\\d+)' } }],
      route: to,
    },
    // Exponential for a backtracking engine on a path that almost matches.
    { name: 'api', match: [{ uri: { regex: '/api/(\\w+/?)+' } }], route: to },
    {
      name: 'refused',
      match: [
        { uri: { regex: '/(a)\\1' } },
        { headers: { 'x-canary': { regex: '(?=y)yes' } } },
      ],
      route: to,
    },
    { name: 'rest', route: to },
  ];
  return vs;
}

describe('route simulation', () => {
  let api: FakeKubeApi;
  let backend: TestBackend;

  beforeAll(async () => {
    api = await startFakeKubeApi({
      objects: [
        ...meshObjects().filter(o => o.kind !== 'VirtualService'),
        regexVirtualService(),
      ],
    });
    ({ backend } = await startMeshBackend({
      clusters: [serviceAccountCluster('prod', api.url, api.token)],
      entities: [component('reviews')],
    }));
    await waitForCaches(backend);
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await api?.close();
  });

  function simulate(body: object) {
    return request(backend.server).post(`${REVIEWS}/route`).send(body);
  }

  /** The name of the route that matched in the only cluster. */
  function winner(res: request.Response): string | undefined {
    const result = (res.body as RouteSimulationResponse).results[0];
    return result.routeId?.split('/').pop();
  }

  it('answers a 10,000-character path against a pathological regex, and serves other requests meanwhile', async () => {
    const segments = 'a'.repeat(10_000 - '/api/!'.length);
    const nearMiss = `/api/${segments}!`;
    expect(nearMiss).toHaveLength(10_000);
    const [miss, clusters, hit] = await Promise.all([
      simulate({ url: `http://shop.example.com${nearMiss}` }),
      request(backend.server).get('/api/mesh/clusters'),
      simulate({ url: `http://shop.example.com/api/${segments}/` }),
    ]);
    expect(clusters.status).toBe(200);
    expect(clusters.body.clusters[0]).toMatchObject({ name: 'prod' });
    expect(hit.status).toBe(200);
    expect(winner(hit)).toBe('1');
    // Almost matching is not matching: the catch-all route takes it.
    expect(miss.status).toBe(200);
    expect(winner(miss)).toBe('3');
    expect(JSON.stringify(miss.body.results[0].steps)).toContain(
      'does not match regex \\"/api/(\\\\w+/?)+\\"',
    );
  });

  it('matches (?i) and (?P<name>) patterns as Istio does', async () => {
    const res = await simulate({ url: 'http://shop.example.com/api/ITEMS/42' });
    expect(res.status).toBe(200);
    expect(winner(res)).toBe('0');
    expect(
      winner(await simulate({ url: 'http://shop.example.com/api/items/x' })),
    ).toBe('1');
  });

  it('never matches a regex Istio refuses, and says why', async () => {
    const res = await simulate({
      url: 'http://shop.example.com/aa',
      headers: { 'x-canary': 'yes' },
    });
    expect(winner(res)).toBe('3');
    const steps = JSON.stringify(res.body.results[0].steps);
    expect(steps).toContain(
      'which is not valid RE2 (backreference \\\\1 is not supported by RE2)',
    );
    expect(steps).toContain(
      'which is not valid RE2 (lookahead (?=…) is not supported by RE2)',
    );
  });

  it('reports the regexes Istio refuses on the live VirtualService', async () => {
    const res = await request(backend.server).get(REVIEWS);
    const chain = (res.body as MeshChainResponse).clusters[0];
    expect(
      chain.diagnostics
        .filter(d => d.code === 'MESH-1009')
        .map(d => [d.path, d.message, d.fix]),
    ).toEqual([
      [
        'spec.http[2].match[0].uri.regex',
        'VirtualService shop/reviews http[2] match[0] uri.regex "/(a)\\1" is not valid RE2: backreference \\1 is not supported by RE2.',
        expect.stringContaining('write out what the group matches again'),
      ],
      [
        'spec.http[2].match[1].headers.x-canary.regex',
        'VirtualService shop/reviews http[2] match[1] headers.x-canary.regex "(?=y)yes" is not valid RE2: lookahead (?=…) is not supported by RE2.',
        expect.stringContaining('RE2 has no lookaround'),
      ],
    ]);
  });

  it.each<[string, () => object, RegExp]>([
    [
      'a URL over 16 KiB',
      () => ({
        url: `http://shop.example.com/${'a'.repeat(
          ROUTE_REQUEST_LIMITS.urlBytes,
        )}`,
      }),
      /url is 16,408 bytes long; the limit for a URL is 16 KiB \(16,384 bytes\)/,
    ],
    [
      'more than 100 headers',
      () => ({
        url: 'http://shop.example.com/',
        headers: Object.fromEntries(
          Array.from({ length: 101 }, (_, i) => [`x-h${i}`, 'v']),
        ),
      }),
      /headers has 101 headers; the limit is 100 headers/,
    ],
    [
      'a header value over 8 KiB',
      () => ({
        url: 'http://shop.example.com/',
        headers: { 'x-big': 'v'.repeat(8 * 1024 + 1) },
      }),
      /headers\.x-big is 8,193 bytes long; the limit for a header value is 8 KiB \(8,192 bytes\)/,
    ],
    [
      'a header name over 256 bytes',
      () => ({
        url: 'http://shop.example.com/',
        headers: { [`x-${'n'.repeat(255)}`]: 'v' },
      }),
      /headers has a header name \('x-n+…'\) that is 257 bytes long; the limit for a header name is 256 bytes/,
    ],
    [
      'headers over 60 KiB in all',
      () => ({
        url: 'http://shop.example.com/',
        headers: Object.fromEntries(
          Array.from({ length: 8 }, (_, i) => [`x-h${i}`, 'v'.repeat(8000)]),
        ),
      }),
      /headers are 64,032 bytes in all \(names and values\); the limit for all headers together is 60 KiB/,
    ],
    [
      'a body over 128 KiB',
      () => ({ url: 'http://shop.example.com/', pad: 'x'.repeat(128 * 1024) }),
      /The request body is 131,\d+ bytes; the limit is 128 KiB \(131,072 bytes\)/,
    ],
  ])(
    'refuses %s with 400, naming the field and the limit',
    async (_what, body, message) => {
      const res = await simulate(body());
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(message);
    },
  );

  it('takes a request just within every limit', async () => {
    const url = `http://shop.example.com/api/${'a'.repeat(
      ROUTE_REQUEST_LIMITS.urlBytes - 'http://shop.example.com/api/'.length,
    )}`;
    const headers = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [
        `x-h${String(i).padStart(3, '0')}`,
        'v'.repeat(600),
      ]),
    );
    const res = await simulate({ url, headers });
    expect(res.status).toBe(200);
    expect(winner(res)).toBe('1');
  });
});
