/*
 * Benchmark of the simulator: list latency over HTTPS and watch delivery
 * with many concurrent watches, on a generated cluster.
 *
 *   yarn workspace @mesh-chain/demo-cluster bench [--objects N] [--watches N] [--updates N] [--smoke]
 */
import https from 'https';
import { parseArgs } from 'util';
import { startDemoCluster } from './DemoCluster';
import { generateScaleObjects } from './scenarios/scale';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;

function summary(values: number[]) {
  return `p50 ${fmt(percentile(values, 50))}  p95 ${fmt(
    percentile(values, 95),
  )}  max ${fmt(Math.max(...values))}`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      objects: { type: 'string' },
      watches: { type: 'string' },
      updates: { type: 'string' },
      smoke: { type: 'boolean' },
    },
  });
  const smoke = Boolean(values.smoke);
  const objects = Number(values.objects ?? (smoke ? 1000 : 20000));
  const watchCount = Number(values.watches ?? (smoke ? 10 : 100));
  const updates = Number(values.updates ?? (smoke ? 50 : 500));
  const rounds = smoke ? 3 : 10;

  const generated = generateScaleObjects({ objects });
  let t0 = performance.now();
  const cluster = await startDemoCluster({
    objects: generated,
    scenario: 'none',
  });
  const startMs = performance.now() - t0;
  const agent = new https.Agent({
    keepAlive: true,
    ca: cluster.caPem,
    maxSockets: 256,
  });
  const headers = { authorization: `Bearer ${cluster.tokens.admin}` };

  const get = (path: string) =>
    new Promise<{ bytes: number; body: any }>((resolve, reject) => {
      https
        .get(`${cluster.url}${path}`, { agent, headers }, res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const buf = Buffer.concat(chunks);
            resolve({
              bytes: buf.length,
              body: JSON.parse(buf.toString('utf8')),
            });
          });
        })
        .on('error', reject);
    });

  const out: string[] = [];
  const line = (s = '') => {
    out.push(s);
    process.stdout.write(`${s}\n`);
  };
  line(`demo-cluster benchmark${smoke ? ' (smoke)' : ''}`);
  line(
    `objects: ${cluster.count()} (${
      generated.length
    } generated)   start-up with seeding: ${fmt(startMs)}`,
  );
  line(
    `memory: rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`,
  );
  line();
  line('List over HTTPS (request to parsed JSON, keep-alive):');
  const lists: Array<[string, string]> = [
    ['pods, all namespaces', '/api/v1/pods'],
    ['deployments, all namespaces', '/apis/apps/v1/deployments'],
    [
      'virtualservices, all namespaces',
      '/apis/networking.istio.io/v1/virtualservices',
    ],
    ['pods, one namespace', '/api/v1/namespaces/scale-000/pods'],
    [
      'pods by label, all namespaces',
      '/api/v1/pods?labelSelector=app%3Dsvc-00007',
    ],
  ];
  for (const [name, path] of lists) {
    const times: number[] = [];
    let items = 0;
    let bytes = 0;
    for (let i = 0; i < rounds; i++) {
      t0 = performance.now();
      const r = await get(path);
      times.push(performance.now() - t0);
      items = r.body.items.length;
      bytes = r.bytes;
    }
    line(
      `  ${name.padEnd(34)} ${String(items).padStart(6)} items ${(bytes / 1024)
        .toFixed(0)
        .padStart(6)} KiB  ${summary(times)}`,
    );
  }
  {
    const times: number[] = [];
    let pages = 0;
    for (let i = 0; i < rounds; i++) {
      t0 = performance.now();
      let token = '';
      pages = 0;
      do {
        const r = await get(
          `/api/v1/pods?limit=500${token ? `&continue=${token}` : ''}`,
        );
        token = r.body.metadata.continue ?? '';
        pages++;
      } while (token);
      times.push(performance.now() - t0);
    }
    line(
      `  ${'pods, all namespaces, limit=500'.padEnd(34)} ${String(
        pages,
      ).padStart(6)} pages               ${summary(times)}`,
    );
  }

  // Watches: all open on deployments across all namespaces.
  line();
  line(
    `Watch delivery: ${watchCount} concurrent watches on deployments (all namespaces), ${updates} updates:`,
  );
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  const watchReqs: Array<import('http').ClientRequest> = [];
  const rv =
    cluster.count() > 0
      ? (await get('/apis/apps/v1/deployments?limit=1')).body.metadata
          .resourceVersion
      : '0';
  await Promise.all(
    Array.from(
      { length: watchCount },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = https.get(
            `${cluster.url}/apis/apps/v1/deployments?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`,
            { agent, headers },
            res => {
              let buffer = '';
              res.on('data', chunk => {
                buffer += chunk;
                for (
                  let i = buffer.indexOf('\n');
                  i >= 0;
                  i = buffer.indexOf('\n')
                ) {
                  const event = JSON.parse(buffer.slice(0, i));
                  buffer = buffer.slice(i + 1);
                  const marker =
                    event.object?.metadata?.annotations?.['bench/marker'];
                  const at = marker && sentAt.get(marker);
                  if (at) {
                    latencies.push(performance.now() - at);
                    received++;
                  }
                }
              });
              resolve();
            },
          );
          req.on('error', reject);
          watchReqs.push(req);
        }),
    ),
  );
  const deployments = generated.filter(o => o.kind === 'Deployment');
  t0 = performance.now();
  for (let i = 0; i < updates; i++) {
    const d = deployments[i % deployments.length];
    const marker = `m${i}`;
    sentAt.set(marker, performance.now());
    await cluster.apply(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: d.metadata.name,
          namespace: d.metadata.namespace,
          annotations: { 'bench/marker': marker },
        },
      },
      { fieldManager: 'bench' },
    );
    // Let the event loop flush the events to the sockets between writes.
    await new Promise(r => setImmediate(r));
  }
  const writeMs = performance.now() - t0;
  const expected = updates * watchCount;
  const deadline = Date.now() + 60_000;
  while (received < expected && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 20));
  }
  const totalMs = performance.now() - t0;
  line(
    `  delivered ${received} / ${expected} events in ${fmt(
      totalMs,
    )} (${Math.round(received / (totalMs / 1000))} events/s; writes took ${fmt(
      writeMs,
    )})`,
  );
  line(
    `  write-to-receipt latency: ${summary(latencies)}  p99 ${fmt(
      percentile(latencies, 99),
    )}`,
  );
  line(
    `  server stats: ${JSON.stringify({
      watchEventsSent: cluster.stats().watchEventsSent,
      activeWatches: cluster.stats().activeWatches,
    })}`,
  );
  line(
    `memory after watches: rss ${(
      process.memoryUsage().rss /
      1024 /
      1024
    ).toFixed(0)} MiB`,
  );

  for (const r of watchReqs) r.destroy();
  agent.destroy();
  await cluster.stop();
  if (received < expected) {
    process.stderr.write(
      `only ${received} of ${expected} watch events arrived\n`,
    );
    process.exit(1);
  }
}

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
