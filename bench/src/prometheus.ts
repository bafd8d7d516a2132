/*
 * The Prometheus of the telemetry phase: Debian's prometheus binary (as
 * script/bootstrap installs it) scraping the simulated clusters' metrics,
 * behind a proxy that counts the queries the mesh backend sends it.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import http from 'http';
import net from 'net';
import path from 'path';

/** A cluster whose metrics Prometheus scrapes, with its `cluster` label. */
export interface ScrapeTarget {
  cluster: string;
  metricsUrl: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function prometheusBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v prometheus'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error(
      'yarn bench measures traffic telemetry against a real Prometheus: install it with script/bootstrap (Debian package prometheus), or run with --no-telemetry',
    );
  }
}

function scrapeConfig(targets: ScrapeTarget[]): string {
  return [
    // 30 s: a simulated cluster of 5,000 objects serves some 18 MB of
    // metrics, and the simulators share the machine with the backend.
    'global: { scrape_interval: 30s, scrape_timeout: 25s, evaluation_interval: 30s }',
    'scrape_configs:',
    '  - job_name: mesh-bench',
    '    static_configs:',
    ...targets.map(t => {
      const url = new URL(t.metricsUrl);
      return `      - { targets: ['${url.host}'], labels: { cluster: '${t.cluster}' } }`;
    }),
    '',
  ].join('\n');
}

/** Prometheus, and the counting proxy the backend is pointed at. */
export class BenchPrometheus {
  private constructor(
    /** Query API requests received, with their arrival times (epoch ms). */
    readonly queries: number[],
    private readonly process: ChildProcess,
    private readonly proxy: http.Server,
    /** The URL to configure: the counting proxy. */
    readonly url: string,
  ) {}

  static async start(
    targets: ScrapeTarget[],
    dir: string,
  ): Promise<BenchPrometheus> {
    const binary = prometheusBinary();
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    const config = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(config, scrapeConfig(targets));
    const port = await freePort();
    const log = fs.openSync(path.join(dir, 'prometheus.log'), 'a');
    const child = spawn(
      binary,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', log, log] },
    );
    const upstream = `http://127.0.0.1:${port}`;
    await waitReady(child, upstream, dir);
    const queries: number[] = [];
    const proxy = http.createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/query')) {
        queries.push(Date.now());
      }
      const forward = http.request(
        `${upstream}${req.url}`,
        { method: req.method, headers: req.headers },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', error => {
        res.writeHead(502);
        res.end(String(error));
      });
      req.pipe(forward);
    });
    await new Promise<void>(resolve =>
      proxy.listen(0, '127.0.0.1', () => resolve()),
    );
    const proxyPort = (proxy.address() as net.AddressInfo).port;
    return new BenchPrometheus(
      queries,
      child,
      proxy,
      `http://127.0.0.1:${proxyPort}`,
    );
  }

  /** Queries received in [from, to). */
  count(from: number, to = Infinity): number {
    return this.queries.filter(t => t >= from && t < to).length;
  }

  /** Prometheus's process id (pinned with the simulated clusters). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Resolves once no query arrived for `quietMs` (a refresh finished). */
  async quiet(quietMs = 500, maxMs = 60_000): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      const last = this.queries[this.queries.length - 1] ?? 0;
      if (Date.now() - last >= quietMs || Date.now() - t0 > maxMs) return;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.proxy.closeAllConnections();
    await new Promise(resolve => this.proxy.close(resolve));
    if (this.process.exitCode === null) {
      const exited = new Promise(resolve => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
  }
}

async function waitReady(child: ChildProcess, url: string, dir: string) {
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `prometheus exited at start-up; see ${path.join(
          dir,
          'prometheus.log',
        )}`,
      );
    }
    const ready = await fetch(`${url}/-/ready`).then(
      r => r.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() - t0 > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`prometheus did not get ready within 60 s (${dir})`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
