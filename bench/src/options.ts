/*
 * Command-line options of `yarn bench`.
 */
import type { BuildMode } from './production';
import type { StockLayout } from './types';
import type { MeshViewMode, StockViewMode } from './views';

export interface BenchOptions {
  smoke: boolean;
  /** Run the fault suite instead of the benchmark. */
  faults: boolean;
  /** Time the chain engine alone, in memory, instead of the benchmark. */
  engine: boolean;
  /** Objects per cluster, one run per size. */
  sizes: number[];
  clusters: number;
  concurrency: number[];
  latencyMs: number;
  /** Seconds of measurement per concurrency level. */
  durationS: number;
  /** Seconds of unmeasured warm-up before each concurrency level. */
  warmupS: number;
  /** Distinct entities the page views cycle through. */
  entities: number;
  /** Background writes per second in each cluster. */
  churn: number;
  controllers: boolean;
  /** Mesh propagation trials (signal + refetch). */
  meshTrials: number;
  /** Stock propagation trials (10 s polling, measured); 0 = computed only. */
  stockTrials: number;
  /** The stock frontend's polling interval, ms. */
  stockPollMs: number;
  stockView: StockViewMode;
  stockMetrics: boolean;
  /** The stock plugin's object types (see StockLayout). */
  stockLayout: StockLayout;
  /** How the mesh page view is made. */
  meshView: MeshViewMode;
  /**
   * How the backends under test are built: `production` (compiled, as
   * Backstage's Dockerfile builds them, plain `node`) or `transform` (the
   * TypeScript sources through the CLI's transform, as `yarn start`).
   */
  build: BuildMode;
  /** Pin the simulators to a core of their own (taskset). */
  pin: boolean;
  /** Run even when the machine is busy (the figures say so). */
  force: boolean;
  /**
   * Keep the raw figures as docs/benchmarks/<name>.json beside
   * docs/benchmarks.md (and the tables as docs/benchmarks/<name>.md).
   */
  record?: string;
  backends: Array<'stock' | 'mesh'>;
  /**
   * After the mesh backend, the mesh backend again with traffic figures
   * from a real Prometheus (queries counted, p95 beside the figure without).
   */
  telemetry: boolean;
  /** Seconds the Prometheus queries of followed chains are counted (0: not). */
  telemetryIdleS: number;
  baseline: boolean;
  logLevel: string;
  /** Write CPU profiles of the backend processes (node --cpu-prof). */
  profile: boolean;
  /**
   * Write a V8 heap snapshot of each backend at the end of its phase (every
   * entity followed), for looking into where its memory goes.
   */
  heapSnapshot: boolean;
  json?: string;
  markdown?: string;
}

export const USAGE = `Usage: yarn bench [options]

Runs the mesh backend and the stock Kubernetes backend against the same
simulated clusters and prints their figures side by side (mesh / stock).

  --smoke                  short run that checks both backends end to end
                           (small clusters, low concurrency; no timings judged)
  --faults                 the fault suite instead: the mesh backend against
                           three demo clusters behind fault-injecting
                           proxies, one fault at a time (docs/reliability.md);
                           takes --json and --markdown (paths relative to the
                           repository root)
  --engine                 the chain engine alone instead: resolve and
                           simulate over generated clusters of --sizes, in
                           memory (no servers, no backends)
  --sizes N,N,...          objects per cluster, one run each (1000,5000,20000)
  --clusters N             simulated clusters (3)
  --concurrency N,N,...    concurrent page views (1,16,32,64)
  --latency-ms MS          latency of every cluster API request (20)
  --duration S             measured seconds per concurrency level (10)
  --warmup S               unmeasured seconds before each level (2)
  --entities N             distinct entities viewed (200)
  --churn N                background writes per second per cluster (5)
  --no-controllers         do not run the simulated controllers
  --mesh-trials N          mesh propagation trials (5)
  --stock-trials N         stock propagation trials, each up to one polling
                           interval long; 0 computes it from the latency (3)
  --stock-poll-ms MS       the stock frontend's refresh interval (10000)
  --stock-view MODE        frontend: GET /clusters + POST /services/:name, as
                           EntityKubernetesContent does (default); queries:
                           /resources/workloads/query + /resources/custom/query
  --stock-metrics          let the stock plugin read pod metrics too
                           (skipMetricsLookup: false; off by default, as the
                           mesh view shows none)
  --stock-layout LAYOUT    trimmed: the stock plugin's objectTypes trimmed to
                           the kinds the mesh view shows (pods, services,
                           deployments, replicasets, HPAs), plus the Istio
                           kinds (default); default: its 13 default types
                           plus the Istio kinds
  --mesh-view MODE         page: GET /api/mesh/clusters, then the chain, as
                           the mesh page does when it opens with the
                           Kubernetes auth providers installed (default);
                           chain: the chain request alone (what a signal's
                           refetch sends)
  --build MODE             production: the backends from the production
                           build, as Backstage's Dockerfile builds them
                           (yarn build:backend, production dependencies,
                           plain node; built first when a source changed,
                           a few minutes; default); transform: the
                           TypeScript sources through the CLI's transform,
                           as yarn start runs them (the smoke run's)
  --no-pin                 do not pin the simulators to a core of their own
                           (taskset; by default the last core is theirs, the
                           others the backend's and the load generator's;
                           the smoke run never pins)
  --force                  run even when the 1-minute load average is above
                           the number of cores (the figures are flagged)
  --record NAME            keep the raw figures as docs/benchmarks/NAME.json
                           and the tables as docs/benchmarks/NAME.md
  --backends LIST          stock,mesh (both)
  --no-telemetry           skip the telemetry phase (the mesh backend again,
                           reading a real Prometheus: queries per page view
                           and per minute per cluster, p95 with telemetry)
  --telemetry-idle S       seconds the queries of the followed entities are
                           counted, no page views (60; smoke 0)
  --no-baseline            skip the empty-backend memory baseline
  --log-level LEVEL        log level of the backends (error)
  --profile                write CPU profiles of the backends (.cpuprofile)
  --heap-snapshot          write a heap snapshot of each backend at the end
                           of its phase, every entity followed (.heapsnapshot,
                           for Chrome DevTools' Memory tab)
  --json FILE              also write the figures as JSON
  --markdown FILE          also write the tables as Markdown
`;

function list(value: string, what: string): number[] {
  const out = value.split(',').map(v => Number(v.replace(/_/g, '')));
  if (out.some(n => !Number.isFinite(n) || n <= 0)) {
    throw new Error(`${what} must be positive numbers, e.g. 1,16,64`);
  }
  return out;
}

export function parseOptions(argv: string[]): BenchOptions {
  const smoke = argv.includes('--smoke');
  const faults = argv.includes('--faults');
  const engine = argv.includes('--engine');
  const o: BenchOptions = smoke
    ? {
        smoke,
        faults,
        engine,
        sizes: [400],
        clusters: 3,
        concurrency: [1, 4],
        latencyMs: 5,
        durationS: 1,
        warmupS: 0.3,
        entities: 8,
        churn: 2,
        controllers: true,
        meshTrials: 2,
        stockTrials: 0,
        stockPollMs: 10_000,
        stockView: 'frontend',
        stockMetrics: false,
        stockLayout: 'trimmed',
        meshView: 'page',
        build: 'transform',
        pin: false,
        force: false,
        backends: ['stock', 'mesh'],
        telemetry: true,
        telemetryIdleS: 0,
        baseline: false,
        logLevel: 'error',
        profile: false,
        heapSnapshot: false,
      }
    : {
        smoke,
        faults,
        engine,
        sizes: [1000, 5000, 20000],
        clusters: 3,
        concurrency: [1, 16, 32, 64],
        latencyMs: 20,
        durationS: 10,
        warmupS: 2,
        entities: 200,
        churn: 5,
        controllers: true,
        meshTrials: 5,
        stockTrials: 3,
        stockPollMs: 10_000,
        stockView: 'frontend',
        stockMetrics: false,
        stockLayout: 'trimmed',
        meshView: 'page',
        build: 'production',
        pin: true,
        force: false,
        backends: ['stock', 'mesh'],
        telemetry: true,
        telemetryIdleS: 60,
        baseline: true,
        logLevel: 'error',
        profile: false,
        heapSnapshot: false,
      };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) {
        throw new Error(`${arg} needs a value`);
      }
      return v;
    };
    const num = (what: string, min = 0) => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < min) {
        throw new Error(`${what} must be a number of at least ${min}`);
      }
      return n;
    };
    switch (arg) {
      case '--smoke':
      case '--faults':
      case '--engine':
        break;
      case '--sizes':
        o.sizes = list(value(), '--sizes');
        break;
      case '--clusters':
        o.clusters = num('--clusters', 1);
        break;
      case '--concurrency':
        o.concurrency = list(value(), '--concurrency');
        break;
      case '--latency-ms':
        o.latencyMs = num('--latency-ms');
        break;
      case '--duration':
        o.durationS = num('--duration', 0.1);
        break;
      case '--warmup':
        o.warmupS = num('--warmup');
        break;
      case '--entities':
        o.entities = num('--entities', 1);
        break;
      case '--churn':
        o.churn = num('--churn');
        break;
      case '--no-controllers':
        o.controllers = false;
        break;
      case '--mesh-trials':
        o.meshTrials = num('--mesh-trials');
        break;
      case '--stock-trials':
        o.stockTrials = num('--stock-trials');
        break;
      case '--stock-poll-ms':
        o.stockPollMs = num('--stock-poll-ms', 100);
        break;
      case '--stock-view': {
        const v = value();
        if (v !== 'frontend' && v !== 'queries') {
          throw new Error('--stock-view is frontend or queries');
        }
        o.stockView = v;
        break;
      }
      case '--stock-metrics':
        o.stockMetrics = true;
        break;
      case '--stock-layout': {
        const v = value();
        if (v !== 'trimmed' && v !== 'default') {
          throw new Error('--stock-layout is trimmed or default');
        }
        o.stockLayout = v;
        break;
      }
      case '--mesh-view': {
        const v = value();
        if (v !== 'page' && v !== 'chain') {
          throw new Error('--mesh-view is page or chain');
        }
        o.meshView = v;
        break;
      }
      case '--build': {
        const v = value();
        if (v !== 'production' && v !== 'transform') {
          throw new Error('--build is production or transform');
        }
        o.build = v;
        break;
      }
      case '--no-pin':
        o.pin = false;
        break;
      case '--force':
        o.force = true;
        break;
      case '--record': {
        const v = value();
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v)) {
          throw new Error(
            '--record is a file name of letters, digits, dots, dashes and underscores, e.g. 2026-12-07-quiet',
          );
        }
        o.record = v;
        break;
      }
      case '--backends': {
        const v = value().split(',');
        if (v.some(b => b !== 'stock' && b !== 'mesh') || v.length === 0) {
          throw new Error('--backends is a list of stock and mesh');
        }
        o.backends = v as BenchOptions['backends'];
        break;
      }
      case '--no-telemetry':
        o.telemetry = false;
        break;
      case '--telemetry-idle':
        o.telemetryIdleS = num('--telemetry-idle');
        break;
      case '--no-baseline':
        o.baseline = false;
        break;
      case '--log-level':
        o.logLevel = value();
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--heap-snapshot':
        o.heapSnapshot = true;
        break;
      case '--json':
        o.json = value();
        break;
      case '--markdown':
        o.markdown = value();
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return o;
}
