import { buildKubeConfig } from '@mesh-chain/plugin-mesh-node';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { gzipSync } from 'zlib';
import {
  KubeStatusError,
  KubeTimeoutError,
  KubeTransport,
  WatchEvent,
} from './KubeTransport';
import { Semaphore } from './Semaphore';

describe('KubeTransport', () => {
  let server: Server;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Deadline no loaded machine misses. */
  let transport: KubeTransport;
  /** Deadline that the tests of deadlines wait out. */
  let quick: KubeTransport;
  const seen: IncomingMessage[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      handler(req, res);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const kubeConfig = async () =>
      buildKubeConfig(
        { name: 't', url: `http://127.0.0.1:${port}`, skipTLSVerify: false },
        { type: 'bearer token', token: 'secret' },
      );
    transport = new KubeTransport(kubeConfig, { requestTimeoutMs: 5000 });
    quick = new KubeTransport(kubeConfig, { requestTimeoutMs: 300 });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  it('sends the token, asks for gzip and decodes it', async () => {
    handler = (_req, res) => {
      res.setHeader('content-encoding', 'gzip');
      res.setHeader('content-type', 'application/json');
      res.end(gzipSync(JSON.stringify({ items: [{ a: 1 }] })));
    };
    await expect(
      transport.getJson('/api/v1/pods', { limit: 5, continue: undefined }),
    ).resolves.toEqual({ items: [{ a: 1 }] });
    const req = seen[seen.length - 1];
    expect(req.url).toBe('/api/v1/pods?limit=5');
    expect(req.headers.authorization).toBe('Bearer secret');
    expect(req.headers['accept-encoding']).toBe('gzip');
  });

  it('takes a read slot only once the server has answered, so a silent server holds none', async () => {
    handler = (req, res) => {
      if (req.url?.startsWith('/silent')) {
        return; // never answers (given up after the request timeout)
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items: [] }));
    };
    const slots = new Semaphore(1);
    let silentSettled = false;
    const silent = quick
      .getJson('/silent', {}, { readSlots: slots })
      .catch(error => error)
      .finally(() => {
        silentSettled = true;
      });
    await expect(
      transport.getJson('/api/v1/pods', {}, { readSlots: slots }),
    ).resolves.toEqual({ items: [] });
    // The answered request did not wait for the silent one's slot.
    expect(silentSettled).toBe(false);
    await expect(silent).resolves.toBeInstanceOf(KubeTimeoutError);
  });

  it("turns an error answer into a KubeStatusError with the server's message", async () => {
    handler = (_req, res) => {
      res.statusCode = 403;
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 403,
          reason: 'Forbidden',
          message: 'pods is forbidden: User "x" cannot list resource "pods"',
        }),
      );
    };
    await expect(transport.getJson('/api/v1/pods')).rejects.toMatchObject({
      name: 'KubeStatusError',
      statusCode: 403,
      reason: 'Forbidden',
      message: 'pods is forbidden: User "x" cannot list resource "pods"',
    });
    handler = (_req, res) => res.end('<html>proxy error</html>');
    await expect(transport.getJson('/api/v1/pods')).rejects.toThrow(/not JSON/);
  });

  it('gives up on a server that does not answer', async () => {
    handler = () => {};
    const start = Date.now();
    await expect(quick.getJson('/api/v1/pods')).rejects.toBeInstanceOf(
      KubeTimeoutError,
    );
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('streams watch events line by line, including lines split across chunks', async () => {
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.write(
        '{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MOD',
      );
      setTimeout(() => {
        res.write('IFIED","object":{"metadata":{"name":"b"}}}\nnot json\n');
        res.end();
      }, 20);
    };
    const events: WatchEvent[] = [];
    const handle = transport.watch('/api/v1/pods', {}, e => events.push(e), {
      idleTimeoutMs: 1000,
    });
    await handle.done;
    expect(events.map(e => e.type)).toEqual(['ADDED', 'MODIFIED', 'MALFORMED']);
    expect(seen[seen.length - 1].url).toBe('/api/v1/pods?watch=true');
  });

  it('aborts a watch that goes silent, and reports a refused watch', async () => {
    handler = (_req, res) => {
      res.write('');
    };
    const silent = transport.watch('/api/v1/pods', {}, () => {}, {
      idleTimeoutMs: 200,
    });
    await expect(silent.done).rejects.toBeInstanceOf(KubeTimeoutError);

    handler = (_req, res) => {
      res.statusCode = 410;
      res.end(
        JSON.stringify({ code: 410, reason: 'Expired', message: 'too old' }),
      );
    };
    const gone = transport.watch('/api/v1/pods', {}, () => {}, {
      idleTimeoutMs: 1000,
    });
    await expect(gone.done).rejects.toBeInstanceOf(KubeStatusError);
  });

  it('ends quietly when aborted', async () => {
    handler = (_req, res) => {
      res.write(
        '{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"5"}}}\n',
      );
    };
    const events: WatchEvent[] = [];
    const handle = transport.watch('/api/v1/pods', {}, e => events.push(e), {
      idleTimeoutMs: 5000,
    });
    while (events.length === 0) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    handle.abort();
    await expect(handle.done).resolves.toBeUndefined();
  });
});
