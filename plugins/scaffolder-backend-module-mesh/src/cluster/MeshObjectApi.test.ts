import { buildKubeConfig } from '@mesh-chain/plugin-mesh-node';
import http from 'http';
import { AddressInfo } from 'net';
import { describeApiError, MeshObjectApi, statusOf } from './MeshObjectApi';

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  authorization?: string;
  body: string;
}

/**
 * A minimal API server: discovery for v1 and networking.istio.io/v1, and
 * canned answers for everything else. Enough to see what goes over the wire.
 */
async function startServer(
  answer: (req: Seen) => { status: number; body: unknown } | undefined,
) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      const entry: Seen = {
        method: req.method!,
        url: req.url!,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        body,
      };
      seen.push(entry);
      const discovery: Record<string, unknown> = {
        '/api/v1': {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            { name: 'services', kind: 'Service', namespaced: true, verbs: [] },
            {
              name: 'namespaces',
              kind: 'Namespace',
              namespaced: false,
              verbs: [],
            },
          ],
        },
        '/apis/networking.istio.io/v1': {
          kind: 'APIResourceList',
          groupVersion: 'networking.istio.io/v1',
          resources: [
            {
              name: 'virtualservices',
              kind: 'VirtualService',
              namespaced: true,
              verbs: [],
            },
          ],
        },
      };
      const reply =
        req.method === 'GET' && discovery[req.url!]
          ? { status: 200, body: discovery[req.url!] }
          : answer(entry) ?? {
              status: 404,
              body: {
                kind: 'Status',
                apiVersion: 'v1',
                status: 'Failure',
                reason: 'NotFound',
                message: `${req.url} not found`,
                code: 404,
              },
            };
      res.statusCode = reply.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kc = buildKubeConfig(
    { name: 'test', url: `http://127.0.0.1:${port}`, skipTLSVerify: false },
    { type: 'bearer token', token: 'secret-token' },
  );
  return {
    client: MeshObjectApi.fromKubeConfig(kc),
    seen,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  // `spec.ports[0].nme` is a typo the client's own serializer would drop.
  spec: { selector: { app: 'web' }, ports: [{ nme: 'x', port: 80 }] },
};

describe('MeshObjectApi', () => {
  it('sends a server-side apply of the manifest exactly as written, with strict field validation', async () => {
    const server = await startServer(req =>
      req.method === 'PATCH'
        ? {
            status: 200,
            body: {
              ...JSON.parse(req.body),
              metadata: { ...service.metadata, resourceVersion: '7' },
            },
          }
        : undefined,
    );
    try {
      const applied = await server.client.apply(service, {
        fieldManager: 'backstage-mesh',
        force: false,
        dryRun: true,
      });
      expect(applied.metadata?.resourceVersion).toBe('7');
      const patch = server.seen.find(s => s.method === 'PATCH')!;
      const url = new URL(patch.url, 'http://x');
      expect(url.pathname).toBe('/api/v1/namespaces/shop/services/web');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        fieldManager: 'backstage-mesh',
        fieldValidation: 'Strict',
        dryRun: 'All',
      });
      expect(patch.contentType).toBe('application/apply-patch+yaml');
      expect(JSON.parse(patch.body)).toEqual(service);
      expect(patch.authorization).toBe('Bearer secret-token');
    } finally {
      await server.close();
    }
  });

  it('uses group paths for Istio kinds and forces only when asked', async () => {
    const server = await startServer(req =>
      req.method === 'PATCH'
        ? { status: 200, body: JSON.parse(req.body) }
        : undefined,
    );
    try {
      await server.client.apply(
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'web', namespace: 'shop' },
          spec: { hosts: ['web'] },
        },
        { fieldManager: 'm', force: true, dryRun: false },
      );
      const url = new URL(
        server.seen.find(s => s.method === 'PATCH')!.url,
        'http://x',
      );
      expect(url.pathname).toBe(
        '/apis/networking.istio.io/v1/namespaces/shop/virtualservices/web',
      );
      expect(url.searchParams.get('force')).toBe('true');
      expect(url.searchParams.has('dryRun')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('answers discovery and reads, with undefined for what does not exist', async () => {
    const server = await startServer(req =>
      req.method === 'GET' && req.url === '/api/v1/namespaces/shop'
        ? {
            status: 200,
            body: {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: 'shop' },
            },
          }
        : undefined,
    );
    try {
      expect(await server.client.served('v1', 'Service')).toEqual({
        plural: 'services',
        namespaced: true,
      });
      expect(await server.client.served('v1', 'Pod')).toBeUndefined();
      expect(
        await server.client.served('networking.istio.io/v1', 'Gateway'),
      ).toBeUndefined();
      expect(
        await server.client.served('gateway.networking.k8s.io/v1', 'HTTPRoute'),
      ).toBeUndefined();
      expect(
        (
          await server.client.get({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'shop' },
          })
        )?.metadata?.name,
      ).toBe('shop');
      expect(await server.client.get(service)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('reports what the server said, with field causes, never the token', async () => {
    const server = await startServer(req =>
      req.method === 'PATCH'
        ? {
            status: 422,
            body: {
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              reason: 'Invalid',
              message: 'Service "web" is invalid',
              details: {
                causes: [
                  { field: 'spec.ports[0].port', message: 'Invalid value: 0' },
                ],
              },
              code: 422,
            },
          }
        : undefined,
    );
    try {
      const error = await server.client
        .apply(service, { fieldManager: 'm', force: false, dryRun: true })
        .catch(e => e);
      expect(statusOf(error)).toBe(422);
      const message = describeApiError(error);
      expect(message).toBe(
        '422 Invalid: Service "web" is invalid (spec.ports[0].port: Invalid value: 0)',
      );
      expect(message).not.toContain('secret-token');
    } finally {
      await server.close();
    }
  });
});
