/*
 * The demo cluster's metrics endpoint: plain HTTP on a port of its own,
 * `GET /metrics` in the Prometheus text format, like an Envoy sidecar's
 * :15090/stats/prometheus or kube-state-metrics' :8080/metrics inside a
 * cluster (no TLS, no token: bind it to 127.0.0.1).
 */
import http from 'http';
import type { AddressInfo } from 'net';
import type { TrafficSimulator } from './TrafficSimulator';

export class MetricsServer {
  private readonly server: http.Server;

  constructor(private readonly traffic: TrafficSimulator) {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path !== '/metrics') {
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end('Only /metrics is served here.\n');
        return;
      }
      let body: string;
      try {
        body = this.traffic.scrape();
      } catch (error) {
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`${(error as Error).message}\n`);
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    this.server.keepAliveTimeout = 30_000;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections?.();
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}
