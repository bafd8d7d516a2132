/*
 * `yarn bench --faults`: the mesh backend against three demo clusters, each
 * behind a fault-injecting proxy, through every fault of the catalogue, one
 * at a time. For each: the other clusters keep answering at once, nothing
 * answers 500, the cluster's part says what is wrong and names it, and once
 * the fault is removed the cache equals a fresh list of the cluster again;
 * how long that took is its recovery time.
 */
import {
  DemoCluster,
  SCENARIOS,
  startDemoCluster,
} from '@mesh-chain/demo-cluster';
import { randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { startBackendChild } from '../backendChild';
import type { Child } from '../ipc';
import { HttpClient } from '../load';
import { machine } from '../proc';
import { Fault, FaultContext, FAULTS } from './catalogue';
import {
  ANSWER_LIMIT_MS,
  FaultFigures,
  FaultProbe,
  RECOVERY_LIMIT_MS,
} from './FaultProbe';
import { FaultProxy } from './FaultProxy';

export type { FaultFigures } from './FaultProbe';

const CLUSTER_NAMES = ['east', 'west', 'north'];

/** The mesh settings of the backend under test (defaults otherwise). */
const MESH_CONFIG = {
  // Checked every 5 minutes by default; the suite does not wait that long.
  cache: { crdRecheckInterval: '5s' },
  live: { debounce: '100ms' },
};

export interface FaultRunFigures {
  startedAt: string;
  finishedAt?: string;
  machine: ReturnType<typeof machine>;
  clusters: string[];
  entities: number;
  objectsPerCluster: number;
  settings: typeof MESH_CONFIG & {
    answerLimitMs: number;
    recoveryLimitMs: number;
  };
  /** Backend process start -> HTTP ready, ms. */
  backendStartMs: number;
  faults: FaultFigures[];
}

function log(message: string) {
  process.stderr.write(
    `[faults ${new Date().toISOString().slice(11, 19)}] ${message}\n`,
  );
}

export class FaultRun {
  private readonly token = randomBytes(24).toString('hex');
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-faults-'));
  private clusters: DemoCluster[] = [];
  private proxies: FaultProxy[] = [];
  private backend?: Child;
  private client?: HttpClient;
  private entities: string[] = [];
  private probe?: FaultProbe;

  constructor(private readonly outDir: string) {
    fs.mkdirSync(outDir, { recursive: true });
  }

  async run(): Promise<FaultRunFigures> {
    const figures: FaultRunFigures = {
      startedAt: new Date().toISOString(),
      machine: machine(),
      clusters: CLUSTER_NAMES,
      entities: 0,
      objectsPerCluster: 0,
      settings: {
        ...MESH_CONFIG,
        answerLimitMs: ANSWER_LIMIT_MS,
        recoveryLimitMs: RECOVERY_LIMIT_MS,
      },
      backendStartMs: 0,
      faults: [],
    };
    try {
      await this.startClusters();
      figures.entities = this.entities.length;
      figures.objectsPerCluster = this.clusters[0].count();
      const atStart = FAULTS.filter(f => f.atStart);
      for (const fault of atStart) {
        await fault.inject(this.context(fault));
      }
      figures.backendStartMs = await this.startBackend();
      for (const fault of FAULTS) {
        log(`${fault.title} (cluster ${CLUSTER_NAMES[fault.cluster]})`);
        const result = await this.probe!.runFault(fault, this.context(fault));
        log(
          `  ${result.survived ? 'survived' : 'FAILED'}; recovery ${
            result.recoveryMs ?? '-'
          } ms${
            result.problems.length ? `: ${result.problems.join('; ')}` : ''
          }`,
        );
        figures.faults.push(result);
      }
    } finally {
      await this.stop();
    }
    figures.finishedAt = new Date().toISOString();
    return figures;
  }

  // -------------------------------------------------------------------------

  private async startClusters() {
    log(`3 demo clusters (scenario dev), each behind a fault proxy`);
    this.clusters = await Promise.all(
      CLUSTER_NAMES.map(name =>
        startDemoCluster({
          name,
          scenario: 'dev',
          state: path.join(this.dir, `${name}.json`),
          caDir: this.dir,
        }),
      ),
    );
    this.proxies = this.clusters.map(
      c => new FaultProxy({ url: c.url, caPem: c.caPem }),
    );
    await Promise.all(this.proxies.map(p => p.open()));
    this.entities = [...new Set(SCENARIOS.map(s => s.component))];
  }

  private async startBackend(): Promise<number> {
    const started = await startBackendChild({
      name: 'mesh backend',
      start: {
        variant: 'mesh',
        token: this.token,
        clusters: this.clusters.map((c, i) => ({
          name: c.name,
          url: this.proxies[i].url,
          token: c.tokens.readonly,
        })),
        entities: this.entities,
        stockMetrics: false,
        mesh: MESH_CONFIG,
        observeCaches: true,
      },
      outDir: this.outDir,
      label: 'backend',
      logLevel: 'warn',
      maxSockets: 8,
    });
    this.backend = started.child;
    this.client = started.client;
    const { startMs } = started;
    log(`mesh backend ready after ${startMs} ms`);
    this.probe = new FaultProbe({
      client: this.client,
      backend: this.backend,
      proxies: this.proxies,
      clusters: () => this.clusters,
      names: CLUSTER_NAMES,
    });
    return startMs;
  }

  private async stop() {
    this.client?.close();
    await this.backend?.stop().catch(() => {});
    await Promise.all(this.proxies.map(p => p.close()));
    await Promise.all(this.clusters.map(c => c.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private context(fault: Fault): FaultContext {
    const i = fault.cluster;
    return {
      name: CLUSTER_NAMES[i],
      proxy: this.proxies[i],
      cluster: () => this.clusters[i],
      restart: async whileDown => {
        await this.proxies[i].refuse();
        const old = this.clusters[i];
        await old.flush();
        await old.stop();
        const restarted = await startDemoCluster({
          name: old.name,
          state: path.join(this.dir, `${old.name}.json`),
          caDir: this.dir,
        });
        await whileDown(restarted);
        this.clusters[i] = restarted;
        this.proxies[i].retarget({
          url: restarted.url,
          caPem: restarted.caPem,
        });
      },
      reopen: () => this.proxies[i].open(),
    };
  }

  // -------------------------------------------------------------------------
}
