/*
 * One benchmark run: for each cluster size, simulated clusters in a process
 * of their own, then each backend in turn in a process of its own, measured
 * the same way against the same clusters and the same entities.
 */
import { DemoClusterStats, scaleChainShape } from '@mesh-chain/demo-cluster';
import { meshSignalChannel } from '@mesh-chain/plugin-mesh-common';
import { randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import { BackendChild, startBackendChild } from './backendChild';
import { Child } from './ipc';
import { CpuLayout, LoadCheck, pinProcess, planLayout } from './layout';
import { HttpClient, LoadFigures, PageView, runLoad } from './load';
import type { BenchOptions } from './options';
import { cpuMs, load, peakRssMb, rssMb } from './proc';
import {
  BackendEntry,
  BuildMode,
  productionEntry,
  transformEntry,
} from './production';
import { BenchPrometheus } from './prometheus';
import { SignalsClient } from './signals';
import type { BackendVariant, BenchComponent, ClusterInfo } from './types';
import {
  checkMeshView,
  checkStockView,
  meshView,
  showsTimeout,
  stockView,
} from './views';

/** What each generated component's chain holds (the generator's defaults). */
const CHAIN = scaleChainShape();

/** Heap the simulators are given per object they hold, KiB (about 2x their use). */
const CLUSTER_KIB_PER_OBJECT = 12;

/** Cluster API requests, split the way the figures need them. */
export interface RequestCounts {
  /** Everything but watches and writes: lists, gets, discovery. */
  reads: number;
  watches: number;
  total: number;
  requests: Record<string, number>;
}

export interface LoadLevel extends LoadFigures {
  /** Backend CPU time per page view, ms (background work included). */
  backendCpuMsPerView: number;
  /** Backend CPU time during the level, ms. */
  backendCpuMs: number;
  /**
   * Simulator CPU time per page view (all clusters), ms, net of what the
   * simulators spend when no page is viewed (churn, watch events).
   */
  clusterCpuMsPerView: number;
  /** Simulator CPU time during the level, ms. */
  clusterCpuMs: number;
  /** Cluster read requests per page view during the level. */
  readsPerView: number;
  /** Watch requests started during the level. */
  watches: number;
  /** Load averages when the level ended. */
  loadAvg: number[];
}

export interface Propagation {
  /** Measured change -> page shows it, ms, one per trial. */
  trials: number[];
  /** Mesh: change -> signal received, ms. */
  signalMs?: number[];
  /** Trials in which the change never showed (within the timeout). */
  missed: number;
  /** Stock, computed: the next poll (uniform over the interval) + one page view. */
  expectedMs?: number;
  worstMs?: number;
}

/** A backend's memory, idle, after a full collection. */
export interface MemoryFigures {
  rssMb: number;
  heapMb: number;
}

/** The empty backends the backends under test are weighed against. */
export interface Baseline extends MemoryFigures {
  /**
   * The empty backend with `@kubernetes/client-node` loaded: how much of
   * either plugin's share is the Kubernetes client library itself (absent
   * from runs recorded before it was measured).
   */
  clientNode?: MemoryFigures;
}

export interface BackendFigures {
  variant: BackendVariant;
  /** Process start -> HTTP readiness, ms. */
  startMs: number;
  /** Mesh: process start -> every cluster cache ready, ms. */
  warmupMs?: number;
  /** Requests from process start to the first page view answered. */
  cold: RequestCounts;
  /** Per page view, averaged over sequential views after the first. */
  warm: RequestCounts & { views: number };
  /**
   * RSS when warm and idle, after a full collection (as the heap figures),
   * MiB: what the process holds, not the garbage of the caches' warm-up
   * that the next collection frees.
   */
  rssIdleMb: number;
  /** RSS when warm and idle, read before that collection, MiB. */
  rssIdleBeforeGcMb?: number;
  /** V8 heap in use when warm and idle, after a full collection, MiB. */
  heapIdleMb: number;
  /**
   * The rest of the idle process's memory as Node.js sees it, MiB: the V8
   * heap reserved (`heapTotal`) and memory outside it (`external`, of which
   * `arrayBuffers`: buffers of sockets and bodies).
   */
  heapTotalIdleMb?: number;
  externalIdleMb?: number;
  arrayBuffersIdleMb?: number;
  /**
   * CPU used with no page views once every entity has been viewed (watch
   * events, live updates), ms per second; and the simulators' meanwhile.
   */
  backgroundCpuMsPerS: number;
  clusterBackgroundCpuMsPerS: number;
  /** Peak RSS over the whole phase, MiB. */
  rssPeakMb: number;
  levels: LoadLevel[];
  propagation?: Propagation;
  /** Problems found by the checks (empty when all is well). */
  problems: string[];
}

/** The mesh backend again, reading a real Prometheus (traffic figures). */
export interface TelemetryFigures {
  /** Page views (entities) followed, each a chain in every cluster. */
  followed: number;
  /** Queries from the first page view until every entity was viewed once. */
  coldQueries: number;
  /** Queries arriving during warm sequential page views, per view. */
  queriesPerWarmView: number;
  warmViews: number;
  /** With every entity followed and no page views; undefined when not measured. */
  queriesPerMinutePerCluster?: number;
  idleSeconds: number;
  /** p95 of page views per concurrency level, with telemetry on. */
  levels: Array<{ concurrency: number; p95: number; views: number }>;
  problems: string[];
}

export interface SizeFigures {
  requestedObjects: number;
  objectsPerCluster: number;
  seedMs: number;
  entities: number;
  clusterRssMb: number;
  backends: BackendFigures[];
  telemetry?: TelemetryFigures;
  churnWrites: number;
}

export interface RunFigures {
  options: BenchOptions;
  /** Which cores the processes ran on. */
  layout: CpuLayout;
  /**
   * How every backend of the run was built and started (figures recorded
   * before this field existed were all `transform`).
   */
  build: BuildMode;
  /** The load before the run; `busy` runs ran only with --force. */
  loadCheck?: LoadCheck;
  startedAt: string;
  finishedAt?: string;
  loadAvgStart: number[];
  loadAvgEnd?: number[];
  /** The backend with neither plugin, idle. */
  baseline?: Baseline;
  sizes: SizeFigures[];
  /** Memory per 1,000 cluster objects (derived, see report.ts). */
  memoryPerThousandObjects?: Array<{
    label: string;
    stock?: number;
    mesh?: number;
    note: string;
  }>;
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function sumStats(stats: DemoClusterStats[]): RequestCounts {
  const requests: Record<string, number> = {};
  let reads = 0;
  let watches = 0;
  let total = 0;
  for (const s of stats) {
    for (const [key, n] of Object.entries(s.requests)) {
      requests[key] = (requests[key] ?? 0) + n;
    }
    for (const [verb, n] of Object.entries(s.byVerb)) {
      if (verb === 'watch') {
        watches += n;
      } else if (!['create', 'update', 'patch', 'delete'].includes(verb)) {
        reads += n;
      }
    }
    total += s.total;
  }
  return { reads, watches, total, requests };
}

function log(message: string) {
  process.stderr.write(
    `[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`,
  );
}

/** Spread `n` entities evenly over the generated components. */
function pickEntities(components: BenchComponent[], n: number): string[] {
  const step = components.length / Math.min(n, components.length);
  return Array.from(
    { length: Math.min(n, components.length) },
    (_, i) => components[Math.floor(i * step)].component,
  );
}

export class BenchRun {
  readonly figures: RunFigures;
  private readonly outDir: string;
  private readonly token = randomBytes(24).toString('hex');
  private entry?: BackendEntry;

  constructor(
    private readonly options: BenchOptions,
    outDir: string,
    loadCheck?: LoadCheck,
  ) {
    this.outDir = outDir;
    fs.mkdirSync(outDir, { recursive: true });
    const layout = planLayout(options.pin);
    if (layout.backendCpus) {
      // The backends are forked from this process and inherit its cores.
      pinProcess(process.pid, layout.backendCpus);
    }
    log(`layout: ${layout.description}`);
    this.figures = {
      options,
      layout,
      build: options.build,
      ...(loadCheck && { loadCheck }),
      startedAt: new Date().toISOString(),
      loadAvgStart: load(),
      sizes: [],
    };
  }

  async run(): Promise<RunFigures> {
    this.entry =
      this.options.build === 'production'
        ? productionEntry(log)
        : transformEntry();
    if (this.options.baseline) {
      this.figures.baseline = await this.baseline();
    }
    for (const size of this.options.sizes) {
      this.figures.sizes.push(await this.runSize(size));
    }
    this.figures.finishedAt = new Date().toISOString();
    this.figures.loadAvgEnd = load();
    return this.figures;
  }

  private startBackend(
    variant: BackendVariant,
    clusters: ClusterInfo[],
    entities: string[],
    label: string,
    mesh?: Record<string, unknown>,
  ): Promise<BackendChild> {
    return startBackendChild({
      name: `${variant} backend`,
      start: {
        variant,
        token: this.token,
        clusters,
        entities,
        stockMetrics: this.options.stockMetrics,
        stockLayout: this.options.stockLayout,
        ...(mesh && { mesh }),
      },
      outDir: this.outDir,
      label,
      logLevel: this.options.logLevel,
      execArgv: [
        '--expose-gc',
        ...(this.options.profile
          ? ['--cpu-prof', `--cpu-prof-dir=${path.join(this.outDir, label)}`]
          : []),
      ],
      maxSockets: Math.max(...this.options.concurrency) * 2,
      entry: this.entry,
    });
  }

  private async baseline(): Promise<Baseline> {
    log('baseline: a backend with neither plugin');
    const empty = await this.idleMemory('baseline');
    log('baseline: the same with @kubernetes/client-node loaded');
    const clientNode = await this.idleMemory('client-node');
    return { ...empty, clientNode };
  }

  /** An idle backend's memory, read as the backends under test's are. */
  private async idleMemory(
    variant: 'baseline' | 'client-node',
  ): Promise<MemoryFigures> {
    const { child, client } = await this.startBackend(variant, [], [], variant);
    await sleep(3000);
    // Measured as the backends under test are: after a full collection.
    const heap = (await child.call<NodeJS.MemoryUsage>('memory')).heapUsed;
    const rss = rssMb(child.pid);
    client.close();
    await child.stop();
    return { rssMb: rss, heapMb: heap / 2 ** 20 };
  }

  private async runSize(size: number): Promise<SizeFigures> {
    const o = this.options;
    log(`${o.clusters} clusters of ~${size} objects: seeding`);
    const clustersChild = Child.start({
      name: 'clusters',
      module: require.resolve('./clustersProcess'),
      logFile: path.join(this.outDir, `clusters-${size}.log`),
      // The simulators keep whole objects (3 x 108,511 objects: 2.1 GB of
      // RSS); Node's default heap limit depends on the machine's memory.
      execArgv: [
        `--max-old-space-size=${Math.max(
          4096,
          Math.ceil((size * o.clusters * CLUSTER_KIB_PER_OBJECT) / 1024),
        )}`,
      ],
    });
    try {
      if (this.figures.layout.clusterCpus) {
        pinProcess(clustersChild.pid, this.figures.layout.clusterCpus);
      }
      const seeded = await clustersChild.call<{
        clusters: ClusterInfo[];
        components: BenchComponent[];
        objectsPerCluster: number;
        seedMs: number;
      }>('start', {
        objects: size,
        count: o.clusters,
        latencyMs: o.latencyMs,
        controllers: o.controllers,
        metrics: o.telemetry && o.backends.includes('mesh'),
      });
      const entities = pickEntities(seeded.components, o.entities);
      log(
        `seeded ${seeded.objectsPerCluster} objects per cluster in ${seeded.seedMs} ms; ${entities.length} entities`,
      );
      const figures: SizeFigures = {
        requestedObjects: size,
        objectsPerCluster: seeded.objectsPerCluster,
        seedMs: seeded.seedMs,
        entities: entities.length,
        clusterRssMb: rssMb(clustersChild.pid),
        backends: [],
        churnWrites: 0,
      };
      await clustersChild.call('churn', { rate: o.churn });
      // Entities are split between the backends' propagation trials so
      // that each trial changes an object no earlier trial touched.
      let trialEntity = 0;
      const nextTrialEntity = () =>
        entities[(trialEntity++ * 7 + 3) % entities.length];
      // The smoke run saves a start-up: the stock backend, which asks the
      // clusters nothing until a page is viewed, starts while the mesh is
      // measured (its start-up then overlaps, so its timings mean little).
      // A full run starts each backend alone.
      let early: ReturnType<BenchRun['startBackend']> | undefined;
      let order = o.backends;
      if (
        o.smoke &&
        o.backends.includes('stock') &&
        o.backends.includes('mesh')
      ) {
        order = ['mesh', 'stock'];
        early = this.startBackend(
          'stock',
          seeded.clusters,
          entities,
          `stock-${size}`,
        );
        early.catch(() => {});
      }
      try {
        for (const variant of order) {
          figures.backends.push(
            await this.runBackend(
              variant,
              size,
              clustersChild,
              seeded.clusters,
              entities,
              nextTrialEntity,
              variant === 'stock' ? early : undefined,
            ),
          );
        }
      } finally {
        early?.then(started => started.child.stop()).catch(() => {});
      }
      if (o.telemetry && o.backends.includes('mesh')) {
        figures.telemetry = await this.runTelemetry(
          size,
          seeded.clusters,
          entities,
        );
      }
      const churn = await clustersChild.call<{ writes: number }>('churn', {
        rate: 0,
      });
      figures.churnWrites = churn.writes;
      return figures;
    } finally {
      await clustersChild.stop();
    }
  }

  private async runBackend(
    variant: 'stock' | 'mesh',
    size: number,
    clusters: Child,
    clusterInfo: ClusterInfo[],
    entities: string[],
    nextTrialEntity: () => string,
    started?: ReturnType<BenchRun['startBackend']>,
  ): Promise<BackendFigures> {
    const o = this.options;
    const problems: string[] = [];
    log(`${variant}: ${started ? 'started already' : 'starting its backend'}`);
    await clusters.call('resetStats');
    const { child, client, baseUrl, startMs } = await (started ??
      this.startBackend(variant, clusterInfo, entities, `${variant}-${size}`));
    let peak = 0;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb(child.pid));
      } catch {
        // exited
      }
    }, 200);
    try {
      const view: PageView =
        variant === 'mesh'
          ? meshView(client, o.meshView)
          : stockView(client, o.stockView);
      const check = (result: Awaited<ReturnType<PageView>>) =>
        variant === 'mesh'
          ? checkMeshView(result, { clusters: o.clusters, chain: CHAIN })
          : checkStockView(result, {
              clusters: o.clusters,
              chain: CHAIN,
              mode: o.stockView,
            });

      let warmupMs: number | undefined;
      if (variant === 'mesh') {
        const t0 = Date.now();
        await waitForMeshCaches(client, o.clusters);
        warmupMs = startMs + Date.now() - t0;
        log(
          `mesh: caches warm ${warmupMs} ms after the process started (${
            warmupMs - startMs
          } ms after HTTP ready)`,
        );
      }

      // Cold: everything asked of the clusters since the process started,
      // up to the first page view's answer.
      const first = await view(entities[0]);
      if (!first.ok) {
        problems.push(`first page view failed: ${first.problem}`);
      } else {
        problems.push(...check(first).map(p => `first page view: ${p}`));
      }
      const cold = sumStats(await clusters.call('stats'));

      // Warm: sequential views of other entities.
      await clusters.call('resetStats');
      const warmViews = Math.min(entities.length - 1, o.smoke ? 5 : 20);
      for (let i = 1; i <= warmViews; i++) {
        const r = await view(entities[i]);
        if (!r.ok) {
          problems.push(`warm page view failed: ${r.problem}`);
        } else if (i === warmViews) {
          problems.push(...check(r).map(p => `warm page view: ${p}`));
        }
      }
      const warmCounts = sumStats(await clusters.call('stats'));
      const warm = {
        ...warmCounts,
        reads: warmCounts.reads / Math.max(1, warmViews),
        views: warmViews,
      };
      if (variant === 'mesh' && warmCounts.reads > 0) {
        problems.push(
          `warm mesh page views made ${
            warmCounts.reads
          } cluster requests (${JSON.stringify(
            warmCounts.requests,
          )}); they should make none`,
        );
      }
      await sleep(o.smoke ? 200 : 2000);
      const rssIdleBeforeGcMb = rssMb(child.pid);
      // `memory` runs a full collection first.
      const idleMemory = await child.call<NodeJS.MemoryUsage>('memory');
      const rssIdleMb = rssMb(child.pid);
      const heapIdleMb = idleMemory.heapUsed / 2 ** 20;
      log(
        `${variant}: idle RSS ${rssIdleMb.toFixed(
          0,
        )} MiB after a full collection (${rssIdleBeforeGcMb.toFixed(
          0,
        )} MiB before it), heap used ${heapIdleMb.toFixed(0)} of ${(
          idleMemory.heapTotal /
          2 ** 20
        ).toFixed(0)} MiB, external ${(idleMemory.external / 2 ** 20).toFixed(
          0,
        )} MiB (array buffers ${(idleMemory.arrayBuffers / 2 ** 20).toFixed(
          0,
        )} MiB)`,
      );
      const levels: LoadLevel[] = [];
      for (const concurrency of o.concurrency) {
        if (o.warmupS > 0) {
          await runLoad({
            view,
            entities,
            concurrency,
            durationMs: o.warmupS * 1000,
            minViews: 1,
            maxMs: o.warmupS * 1000 + 30_000,
          });
        }
        await clusters.call('resetStats');
        const cpu0 = cpuMs(child.pid);
        const ccpu0 = cpuMs(clusters.pid);
        const figures = await runLoad({
          view,
          entities,
          concurrency,
          durationMs: o.durationS * 1000,
          minViews: o.smoke ? 3 : 100,
          maxMs: o.durationS * 1000 + 60_000,
          offset: levels.length * 17,
        });
        const backendCpu = cpuMs(child.pid) - cpu0;
        const clusterCpu = cpuMs(clusters.pid) - ccpu0;
        const counts = sumStats(await clusters.call('stats'));
        const level: LoadLevel = {
          ...figures,
          backendCpuMsPerView: backendCpu / Math.max(1, figures.views),
          backendCpuMs: backendCpu,
          clusterCpuMsPerView: NaN, // once the background is known
          clusterCpuMs: clusterCpu,
          readsPerView: counts.reads / Math.max(1, figures.views),
          watches: counts.watches,
          loadAvg: load(),
        };
        levels.push(level);
        log(
          `${variant} c=${concurrency}: ${
            figures.views
          } views in ${figures.seconds.toFixed(1)} s, p50 ${figures.p50.toFixed(
            1,
          )} ms, p95 ${figures.p95.toFixed(1)} ms, p99 ${figures.p99.toFixed(
            1,
          )} ms, ${figures.throughput.toFixed(
            1,
          )}/s, ${level.readsPerView.toFixed(2)} reads/view, load ${
            level.loadAvg[0]
          }`,
        );
        if (figures.errors > 0) {
          problems.push(
            `${figures.errors} page views failed at concurrency ${concurrency}; first: ${figures.firstError}`,
          );
        }
        if (figures.timeouts > 0 && o.smoke) {
          problems.push(
            `${figures.timeouts} page views had no answer within a minute at concurrency ${concurrency}`,
          );
        }
        if (variant === 'mesh' && counts.reads > 0) {
          problems.push(
            `mesh made ${counts.reads} cluster read requests during ${
              figures.views
            } warm page views at concurrency ${concurrency} (${JSON.stringify(
              counts.requests,
            )})`,
          );
        }
      }

      // Background: no page views, every entity viewed (and, for the mesh,
      // followed for live updates), churn going on.
      const idleMs = o.smoke ? 500 : 5000;
      const bcpu0 = cpuMs(child.pid);
      const ccpu0 = cpuMs(clusters.pid);
      await sleep(idleMs);
      const backgroundCpuMsPerS = ((cpuMs(child.pid) - bcpu0) * 1000) / idleMs;
      const clusterBackgroundCpuMsPerS =
        ((cpuMs(clusters.pid) - ccpu0) * 1000) / idleMs;
      for (const level of levels) {
        level.clusterCpuMsPerView = Math.max(
          0,
          (level.clusterCpuMs - clusterBackgroundCpuMsPerS * level.seconds) /
            Math.max(1, level.views),
        );
      }

      const propagation =
        variant === 'mesh'
          ? await this.meshPropagation(
              client,
              baseUrl,
              view,
              clusters,
              nextTrialEntity,
              problems,
            )
          : await this.stockPropagation(
              view,
              clusters,
              nextTrialEntity,
              levels[0]?.p50 ?? NaN,
              problems,
            );

      if (o.heapSnapshot) {
        // Last, so that the pause of writing it times nothing.
        const file = path.join(this.outDir, `${variant}-${size}.heapsnapshot`);
        log(`${variant}: writing a heap snapshot to ${file}`);
        await child.call('heapSnapshot', file);
      }

      return {
        variant,
        startMs,
        ...(warmupMs !== undefined && { warmupMs }),
        cold,
        warm,
        rssIdleMb,
        rssIdleBeforeGcMb,
        heapIdleMb,
        heapTotalIdleMb: idleMemory.heapTotal / 2 ** 20,
        externalIdleMb: idleMemory.external / 2 ** 20,
        arrayBuffersIdleMb: idleMemory.arrayBuffers / 2 ** 20,
        backgroundCpuMsPerS,
        clusterBackgroundCpuMsPerS,
        rssPeakMb: Math.max(peak, peakRssMb(child.pid)),
        levels,
        propagation,
        problems,
      };
    } finally {
      clearInterval(sampler);
      client.close();
      await child.stop();
    }
  }

  /**
   * The mesh backend again, its clusters' traffic read from a real
   * Prometheus (one shared by the clusters, told apart by the label
   * `cluster`) behind a proxy that counts queries: queries while every
   * entity is viewed once, during warm page views (right after a refresh,
   * so the 15 s refresh does not count against them), per minute with all
   * entities followed, and the p95 of page views at each concurrency.
   */
  private async runTelemetry(
    size: number,
    clusterInfo: ClusterInfo[],
    entities: string[],
  ): Promise<TelemetryFigures> {
    const o = this.options;
    const problems: string[] = [];
    log('mesh with telemetry: starting Prometheus and the backend');
    const prometheus = await BenchPrometheus.start(
      clusterInfo.map(c => ({ cluster: c.name, metricsUrl: c.metricsUrl! })),
      path.join(this.outDir, `prometheus-${size}`),
    );
    // Prometheus belongs with the clusters it scrapes, not on the backend's
    // core (the bench process's affinity, which its children inherit).
    if (this.figures.layout.clusterCpus && prometheus.pid) {
      pinProcess(prometheus.pid, this.figures.layout.clusterCpus);
    }
    try {
      const { child, client } = await this.startBackend(
        'mesh',
        clusterInfo,
        entities,
        `mesh-telemetry-${size}`,
        {
          telemetry: {
            prometheus: { url: prometheus.url },
            clusters: Object.fromEntries(
              clusterInfo.map(c => [
                c.name,
                { prometheus: { queryScope: { cluster: c.name } } },
              ]),
            ),
          },
        },
      );
      try {
        const view = meshView(client);
        await waitForMeshCaches(client, o.clusters);
        const t0 = Date.now();
        for (const entity of entities) {
          const r = await view(entity);
          if (!r.ok) problems.push(`page view failed: ${r.problem}`);
        }
        await prometheus.quiet();
        const coldQueries = prometheus.count(t0);
        if (coldQueries === 0) {
          problems.push(
            'the backend sent Prometheus no query while entities were viewed: telemetry is not on',
          );
        }

        const warmViews = Math.min(entities.length, o.smoke ? 5 : 20);
        await prometheus.quiet();
        const w0 = Date.now();
        for (let i = 0; i < warmViews; i++) {
          const r = await view(entities[i]);
          if (!r.ok) problems.push(`warm page view failed: ${r.problem}`);
        }
        const warmQueries = prometheus.count(w0, Date.now());
        if (warmQueries > 0) {
          problems.push(
            `${warmQueries} Prometheus queries during ${warmViews} warm page views; they should make none`,
          );
        }

        let queriesPerMinutePerCluster: number | undefined;
        if (o.telemetryIdleS > 0) {
          const i0 = Date.now();
          await sleep(o.telemetryIdleS * 1000);
          queriesPerMinutePerCluster =
            (prometheus.count(i0, Date.now()) * 60) /
            o.telemetryIdleS /
            o.clusters;
        }

        const levels: TelemetryFigures['levels'] = [];
        for (const concurrency of o.concurrency) {
          if (o.warmupS > 0) {
            await runLoad({
              view,
              entities,
              concurrency,
              durationMs: o.warmupS * 1000,
              minViews: 1,
              maxMs: o.warmupS * 1000 + 30_000,
            });
          }
          const figures = await runLoad({
            view,
            entities,
            concurrency,
            durationMs: o.durationS * 1000,
            minViews: o.smoke ? 3 : 100,
            maxMs: o.durationS * 1000 + 60_000,
          });
          if (figures.errors > 0) {
            problems.push(
              `${figures.errors} page views with telemetry failed at concurrency ${concurrency}; first: ${figures.firstError}`,
            );
          }
          levels.push({ concurrency, p95: figures.p95, views: figures.views });
          log(
            `mesh with telemetry c=${concurrency}: p95 ${figures.p95.toFixed(
              1,
            )} ms over ${figures.views} views`,
          );
        }
        const figures: TelemetryFigures = {
          followed: entities.length,
          coldQueries,
          queriesPerWarmView: warmQueries / Math.max(1, warmViews),
          warmViews,
          queriesPerMinutePerCluster,
          idleSeconds: o.telemetryIdleS,
          levels,
          problems,
        };
        log(
          `mesh with telemetry: ${coldQueries} queries while ${
            entities.length
          } entities were first viewed, ${
            figures.queriesPerWarmView
          } per warm view${
            queriesPerMinutePerCluster === undefined
              ? ''
              : `, ${queriesPerMinutePerCluster.toFixed(
                  1,
                )} per minute per cluster`
          }`,
        );
        return figures;
      } finally {
        client.close();
        await child.stop();
      }
    } finally {
      await prometheus.stop();
    }
  }

  /**
   * Mesh: a page that shows the entity and listens on its signal channel;
   * a change to its VirtualService in one cluster; the time until the page
   * has refetched and shows the change.
   */
  private async meshPropagation(
    client: HttpClient,
    baseUrl: string,
    view: PageView,
    clusters: Child,
    nextEntity: () => string,
    problems: string[],
  ): Promise<Propagation> {
    const o = this.options;
    const signals = await SignalsClient.connect(baseUrl, this.token);
    const refetch = meshView(client, 'chain');
    const trials: number[] = [];
    const signalMs: number[] = [];
    let missed = 0;
    try {
      for (let t = 0; t < o.meshTrials; t++) {
        const entity = nextEntity();
        const channel = meshSignalChannel(`component:default/${entity}`);
        const loaded = await view(entity);
        if (!loaded.ok) {
          problems.push(`propagation: page view failed: ${loaded.problem}`);
          continue;
        }
        signals.subscribe(channel);
        await sleep(200);
        const timeout = `${t + 11}.${String(Date.now() % 1000).padStart(
          3,
          '0',
        )}s`;
        const { at } = await clusters.call<{ at: number }>('change', {
          component: entity,
          cluster: t % o.clusters,
          timeout,
        });
        const deadline = at + 15_000;
        let after = at;
        let shown: number | undefined;
        let firstSignal: number | undefined;
        while (shown === undefined && Date.now() < deadline) {
          const signal = await signals.next(
            channel,
            after,
            deadline - Date.now(),
          );
          if (!signal) {
            break;
          }
          firstSignal ??= signal.receivedAt;
          after = signal.receivedAt + 1;
          // A signal's refetch sends the chain request alone.
          const r = await refetch(entity);
          if (r.ok && showsTimeout(r, timeout)) {
            shown = Date.now();
          }
        }
        signals.unsubscribe(channel);
        if (shown === undefined) {
          missed++;
          problems.push(
            `propagation: the change to ${entity} did not reach the page within 15 s (${
              firstSignal
                ? 'a signal came but the page did not show the change'
                : 'no signal'
            })`,
          );
          continue;
        }
        trials.push(shown - at);
        signalMs.push(firstSignal! - at);
        log(
          `mesh propagation: signal ${firstSignal! - at} ms, page ${
            shown - at
          } ms`,
        );
      }
    } finally {
      signals.close();
    }
    return { trials, signalMs, missed };
  }

  /**
   * Stock: the frontend refetches every `stockPollMs`; a change shows at the
   * first poll after it. Measured with a polling page (change at a random
   * point of the interval) when trials are asked for, and always computed
   * as half an interval (expected) or a whole one (worst) plus one page view.
   */
  private async stockPropagation(
    view: PageView,
    clusters: Child,
    nextEntity: () => string,
    viewMs: number,
    problems: string[],
  ): Promise<Propagation> {
    const o = this.options;
    const trials: number[] = [];
    let missed = 0;
    // A page view right after a change shows it (the stock backend reads
    // the clusters on every request): propagation is the polling interval.
    {
      const entity = nextEntity();
      const timeout = `21.${String(Date.now() % 1000).padStart(3, '0')}s`;
      await clusters.call('change', { component: entity, cluster: 0, timeout });
      const r = await view(entity);
      if (!r.ok || !showsTimeout(r, timeout)) {
        problems.push(
          `propagation: a stock page view right after a change did not show it (${
            r.problem ?? 'change missing'
          })`,
        );
      }
    }
    for (let t = 0; t < o.stockTrials; t++) {
      const entity = nextEntity();
      const timeout = `${t + 31}.${String(Date.now() % 1000).padStart(
        3,
        '0',
      )}s`;
      let at: number | undefined;
      let shown: number | undefined;
      const start = Date.now();
      const changeAfter = 200 + Math.random() * o.stockPollMs;
      const changing = sleep(changeAfter).then(async () => {
        at = (
          await clusters.call<{ at: number }>('change', {
            component: entity,
            cluster: t % o.clusters,
            timeout,
          })
        ).at;
      });
      // useInterval: a refetch every stockPollMs, whatever the last took.
      for (let poll = 0; shown === undefined && poll < 4; poll++) {
        await sleep(Math.max(0, start + poll * o.stockPollMs - Date.now()));
        const r = await view(entity);
        if (r.ok && at !== undefined && showsTimeout(r, timeout)) {
          shown = Date.now();
        }
      }
      await changing;
      if (shown === undefined || at === undefined) {
        missed++;
        problems.push(
          `propagation: stock polling never showed the change to ${entity}`,
        );
        continue;
      }
      trials.push(shown - at);
      log(
        `stock propagation: ${shown - at} ms (change ${Math.round(
          changeAfter,
        )} ms into the interval)`,
      );
    }
    return {
      trials,
      missed,
      expectedMs: o.stockPollMs / 2 + viewMs,
      worstMs: o.stockPollMs + viewMs,
    };
  }
}

async function waitForMeshCaches(client: HttpClient, clusters: number) {
  const t0 = Date.now();
  for (;;) {
    const res = await client.request('GET', '/api/mesh/clusters');
    if (res.status === 200) {
      const body = JSON.parse(res.body);
      const states = (body.clusters ?? []).map((c: any) => c.cache?.state);
      if (
        states.length === clusters &&
        states.every((s: string) => s === 'ready')
      ) {
        return;
      }
      if (Date.now() - t0 > 300_000) {
        throw new Error(`mesh caches not ready after 300 s: ${res.body}`);
      }
    }
    await sleep(25);
  }
}
