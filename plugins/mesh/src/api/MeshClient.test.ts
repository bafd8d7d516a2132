import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { MeshClient } from './MeshClient';
import {
  chain,
  chainResponse,
  simulationResponse,
} from '../__fixtures__/chains';

const server = setupServer();
registerMswTestHooks(server);

const base = 'http://backstage.test/api/mesh';
const discoveryApi = { getBaseUrl: jest.fn(async () => base) };
const fetchApi = {
  fetch: jest.fn((input: any, init?: any) => fetch(input, init)),
};
const client = new MeshClient({ discoveryApi, fetchApi });
const ref = { kind: 'Component', namespace: 'default', name: 'check out' };

describe('MeshClient', () => {
  it('reads the chain of an entity through the fetch API', async () => {
    const body = chainResponse('checkout', [chain('dev/checkout')]);
    server.use(
      http.get(`${base}/entities/component/default/check%20out`, () =>
        HttpResponse.json(body),
      ),
    );
    await expect(client.getChain(ref)).resolves.toEqual(body);
    expect(discoveryApi.getBaseUrl).toHaveBeenCalledWith('mesh');
    expect(fetchApi.fetch).toHaveBeenCalled();
  });

  it('posts a route simulation', async () => {
    let received: unknown;
    server.use(
      http.post(
        `${base}/entities/component/default/check%20out/route`,
        async ({ request }) => {
          received = await request.json();
          return HttpResponse.json(simulationResponse('dev/checkout'));
        },
      ),
    );
    const result = await client.simulateRoute(ref, {
      url: 'http://checkout.demo.example.com/cart',
      method: 'GET',
    });
    expect(received).toEqual({
      url: 'http://checkout.demo.example.com/cart',
      method: 'GET',
    });
    expect(result.results[0].reachable).toBe(true);
  });

  it('posts a change to preview and to apply, and reads where changes are allowed', async () => {
    const received: Record<string, unknown> = {};
    server.use(
      http.post(
        `${base}/entities/component/default/check%20out/changes/:step`,
        async ({ request, params }) => {
          received[String(params.step)] = await request.json();
          return HttpResponse.json({ summary: `${params.step}ed` });
        },
      ),
      http.get(`${base}/changes/targets`, () =>
        HttpResponse.json({
          fieldManager: 'backstage-mesh-changes',
          targets: [{ cluster: 'dev', namespaces: ['shop'] }],
        }),
      ),
    );
    const request = {
      cluster: 'dev',
      change: {
        type: 'restart' as const,
        target: { namespace: 'shop', name: 'checkout-v1' },
      },
    };
    expect((await client.previewChange(ref, request)).summary).toBe(
      'previewed',
    );
    expect(
      (await client.applyChange(ref, { ...request, basis: 'b' })).summary,
    ).toBe('applyed');
    expect(received).toEqual({
      preview: request,
      apply: { ...request, basis: 'b' },
    });
    expect((await client.getChangeTargets()).targets).toEqual([
      { cluster: 'dev', namespaces: ['shop'] },
    ]);
  });

  it('turns a refused change into ResponseError', async () => {
    server.use(
      http.post(
        `${base}/entities/component/default/check%20out/changes/apply`,
        () =>
          HttpResponse.json(
            {
              error: { name: 'NotAllowedError', message: 'not an owner' },
              response: { statusCode: 403 },
            },
            { status: 403 },
          ),
      ),
    );
    const error = await client
      .applyChange(ref, {
        cluster: 'dev',
        change: { type: 'restart', target: { namespace: 'shop', name: 'x' } },
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
  });

  it('turns error statuses into ResponseError with the server’s cause', async () => {
    server.use(
      http.get(`${base}/entities/component/default/check%20out`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'nope' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const error = await client.getChain(ref).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.cause.name).toBe('NotAllowedError');
  });
});
