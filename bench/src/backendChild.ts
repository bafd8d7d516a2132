/*
 * A backend under test in a process of its own (`backendProcess.ts`),
 * started from a start file and ready once it answers its readiness check.
 */
import fs from 'fs';
import net from 'net';
import path from 'path';
import { Child } from './ipc';
import { HttpClient } from './load';
import { BackendEntry, transformEntry } from './production';
import type { BackendStart } from './types';

/** How long a backend may take to start. */
const START_TIMEOUT_MS = 120_000;

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** A free local port. */
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

/** A started backend process, answering on `baseUrl`. */
export interface BackendChild {
  child: Child;
  client: HttpClient;
  baseUrl: string;
  /** Process start to readiness, ms. */
  startMs: number;
}

/**
 * Starts a backend process on a free port: its start file is
 * `<outDir>/<label>.start.json`, its log `<outDir>/<label>.log`. Resolves
 * when it is ready; throws if it exits or takes over 120 s.
 */
export async function startBackendChild(o: {
  /** For messages, e.g. `mesh backend`. */
  name: string;
  start: Omit<BackendStart, 'port'>;
  outDir: string;
  label: string;
  logLevel: string;
  execArgv?: string[];
  /** Concurrent requests the client may make. */
  maxSockets: number;
  /** How the backend is built and started (default: the transform). */
  entry?: BackendEntry;
}): Promise<BackendChild> {
  const entry = o.entry ?? transformEntry();
  const port = await freePort();
  const startFile = path.join(o.outDir, `${o.label}.start.json`);
  fs.writeFileSync(startFile, JSON.stringify({ ...o.start, port }));
  const t0 = Date.now();
  const child = Child.start({
    name: o.name,
    module: entry.module,
    transform: entry.transform,
    cwd: entry.cwd,
    logFile: path.join(o.outDir, `${o.label}.log`),
    env: {
      ...entry.env,
      MESH_BENCH_BACKEND: startFile,
      LOG_LEVEL: o.logLevel,
    },
    execArgv: o.execArgv,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = new HttpClient(baseUrl, o.start.token, o.maxSockets);
  for (;;) {
    if (!child.alive) {
      throw new Error(
        `The ${o.name} exited during start-up; see ${child.logFile}`,
      );
    }
    try {
      const res = await client.request(
        'GET',
        '/.backstage/health/v1/readiness',
      );
      if (res.status === 200) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > START_TIMEOUT_MS) {
      throw new Error(`The ${o.name} did not start within 120 s`);
    }
    await sleep(50);
  }
  return { child, client, baseUrl, startMs: Date.now() - t0 };
}
