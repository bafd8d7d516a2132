import { run } from '../__testUtils__/run';
import { parseHeaders } from './trace';

const BOOKINFO = 'src/__fixtures__/istio-docs';

describe('mesh-chain trace', () => {
  it('follows a header match inside the mesh to its subset', async () => {
    const trace = (headers: string[]) =>
      run([
        'trace',
        'http://reviews:9080/reviews/0',
        '-f',
        BOOKINFO,
        '--source-namespace',
        'default',
        ...headers,
      ]);
    const jason = await trace(['-H', 'end-user: jason']);
    expect(jason.code).toBe(0);
    expect(jason.stdout).toContain(
      'GET http://reviews:9080/reviews/0 from a sidecar in namespace default',
    );
    expect(jason.stdout).toContain('subset v2 -> Service default/reviews:9080');
    const anyone = await trace([]);
    expect(anyone.stdout).toContain(
      'subset v1 -> Service default/reviews:9080',
    );
  });

  it('goes through the ingress gateway by default, on the gateway port', async () => {
    const r = await run([
      'trace',
      'http://bookinfo.example.com:8080/productpage',
      '-f',
      BOOKINFO,
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const { result } = JSON.parse(r.stdout);
    expect(result.gateway.ref.name).toBe('bookinfo-gateway');
    expect(result.destinations).toEqual([
      expect.objectContaining({
        host: 'productpage',
        pods: ['productpage-v1-planned-1'],
      }),
    ]);
  });

  it('exits 1 and says why when nothing serves the request', async () => {
    const r = await run([
      'trace',
      'http://bookinfo.example.com:8080/admin',
      '-f',
      BOOKINFO,
      '-X',
      'post',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('POST http://bookinfo.example.com:8080/admin');
    expect(r.stdout).toContain('Not served:');
  });

  it('exits 1 when a share of the traffic fails, and says which', async () => {
    const r = await run([
      'trace',
      'http://ledger.example.com/',
      '-f',
      'src/__fixtures__/acceptance',
    ]);
    expect(r.stdout).toContain(
      ' 90%  ledger.fintech.svc.cluster.local subset v1 -> Service fintech/ledger:80 -> targetPort 8080 -> 3 ready pods (ledger-v1-planned-1, ledger-v1-planned-2, ledger-v1-planned-3)',
    );
    expect(r.stdout).toContain(
      'Served in part:\n  10% of requests go to ledger.fintech.svc.cluster.local subset canary, where no pod carries app=ledger,track=canary: 503 no healthy upstream',
    );
    expect(r.code).toBe(1);
  });

  it('reads headers as curl writes them', () => {
    expect(parseHeaders(['X-User: a', 'x-empty:', 'cookie: a=1; b=2'])).toEqual(
      { 'x-user': 'a', 'x-empty': '', cookie: 'a=1; b=2' },
    );
    expect(() => parseHeaders(['no colon'])).toThrow(
      `-H "no colon": a header is written "Name: value"`,
    );
  });
});
