/*
 * Traffic figures end to end: a demo cluster serving Istio's metrics, a
 * real Prometheus (Debian's `prometheus`, which script/bootstrap installs)
 * scraping it every second into a temporary folder, and the mesh backend
 * asking that Prometheus. The canary's share, the dead subset's 503 UH,
 * the charts, and a Prometheus that goes away.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import fs from 'fs';
import net from 'net';
import os from 'os';
import path from 'path';
import type { TestBackend } from '@backstage/backend-test-utils';
import { DemoCluster, startDemoCluster } from '@mesh-chain/demo-cluster';
import type {
  ChainTelemetry,
  MeshChainResponse,
  TrafficHistoryResponse,
} from '@mesh-chain/plugin-mesh-common';
import request from 'supertest';
import {
  component,
  startMeshBackend,
  waitForCaches,
} from './__testUtils__/testBackend';
import { waitFor } from './__testUtils__/waitFor';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const hasPrometheus =
  spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;

describe('traffic figures from a real Prometheus', () => {
  let cluster: DemoCluster;
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let backend: TestBackend;

  beforeAll(async () => {
    if (!hasPrometheus) {
      throw new Error(
        "Debian's prometheus is not installed: run script/bootstrap (or apt-get install prometheus)",
      );
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-prometheus-'));
    cluster = await startDemoCluster({
      name: 'dev',
      scenario: ['canary', 'subset-no-pods'],
      timeScale: 50,
      metricsPort: 0,
    });
    const port = await freePort();
    const target = new URL(cluster.metricsUrl!).host;
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: mesh-test
    static_configs:
      - targets: ['${target}']
        labels: { cluster: dev }
`,
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
      ],
      { stdio: 'ignore' },
    );
    ({ backend } = await startMeshBackend({
      clusters: [
        {
          name: 'dev',
          url: cluster.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: cluster.tokens.viewer,
          caData: cluster.caData,
        },
      ],
      entities: [component('checkout'), component('payments')],
      mesh: {
        telemetry: {
          prometheus: {
            url: `http://127.0.0.1:${port}`,
            queryScope: { cluster: 'dev' },
          },
          refreshInterval: '1s',
          rateWindow: '10s',
          queryTimeout: '2s',
          minPushInterval: 0,
        },
      },
    }));
    await waitForCaches(backend);
  }, 60_000);

  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    await backend?.stop();
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function telemetryOf(
    name: string,
  ): Promise<ChainTelemetry | undefined> {
    const res = await request(backend.server).get(
      `/api/mesh/entities/component/default/${name}`,
    );
    expect(res.status).toBe(200);
    return (res.body as MeshChainResponse).clusters[0].telemetry;
  }

  it("shows the canary's observed share of v2 beside its 10% weight", async () => {
    const route = await waitFor(
      async () => {
        const t = await telemetryOf('checkout');
        const r = t?.routes[0];
        // Enough requests in the window for the share to settle.
        return r && r.rps > 10 && r.destinations.every(d => d.rps > 0)
          ? r
          : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 500, what: 'the canary traffic' },
    );
    const v2 = route.destinations.find(d => d.subset === 'v2')!;
    expect(v2.weight).toBe(10);
    expect(v2.share).toBeGreaterThan(6);
    expect(v2.share).toBeLessThan(14);
    expect(route.errors5xx).toBe(0);
    expect(route.health).toBe('healthy');
    expect(route.latencyMs?.p95).toBeGreaterThan(0);
  }, 60_000);

  it('shows the 503s of the payments subset that selects no pods, flag UH', async () => {
    const t = await waitFor(
      async () => {
        const x = await telemetryOf('payments');
        return x?.routes[0]?.destinations.some(
          d => d.rps > 0 && d.subset === 'v2',
        )
          ? x
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the payments traffic' },
    );
    const [v1, v2] = t.routes[0].destinations;
    expect(v1.errors5xx).toBe(0);
    expect(v2.errors5xx).toBe(100);
    expect(v2.responses.map(r => `${r.code} ${r.flags}`)).toEqual(['503 UH']);
    expect(v2.share).toBeGreaterThan(12);
    expect(v2.share).toBeLessThan(28);
    expect(v2.health).toBe('failure');
    expect(t.diagnostics.map(d => d.code)).toContain('MESH-7002');
  });

  it('draws the charts of the chain over a window', async () => {
    const body = await waitFor(
      async () => {
        const res = await request(backend.server).get(
          '/api/mesh/entities/component/default/checkout/traffic?window=5m',
        );
        expect(res.status).toBe(200);
        const b = res.body as TrafficHistoryResponse;
        return b.clusters[0].routes[0]?.points.some(p => p.rps > 0)
          ? b
          : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 1000, what: 'a chart with traffic' },
    );
    expect(body.windowSeconds).toBe(300);
    expect(body.stepSeconds).toBe(5);
    expect(body.clusters[0].state).toBe('ok');
    expect(body.clusters[0].routes[0].points.length).toBeGreaterThan(50);
    const v2 = body.clusters[0].routes[0].destinations.find(
      d => d.subset === 'v2',
    )!;
    expect(v2.points.some(p => p.rps > 0)).toBe(true);
    const bad = await request(backend.server).get(
      '/api/mesh/entities/component/default/checkout/traffic?window=2d',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('window');
  });

  it('says so per cluster when Prometheus goes away, and still answers the chain', async () => {
    prometheus!.kill('SIGKILL');
    const t = await waitFor(
      async () => {
        const x = await telemetryOf('checkout');
        return x?.state === 'error' ? x : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'the telemetry warning' },
    );
    expect(t.message).toContain(
      "The Prometheus of cluster 'dev' could not be asked",
    );
    expect(t.message).toContain('refused the connection');
    const res = await request(backend.server).get(
      '/api/mesh/entities/component/default/checkout',
    );
    expect(res.body.clusters[0].routes.length).toBeGreaterThan(0);
    expect(res.body.clusters[0].error).toBeUndefined();
  });
});
