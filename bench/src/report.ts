/*
 * The figures of a run as tables: per cluster size, stock and mesh side by
 * side with their ratio (mesh / stock); then how each figure grows from the
 * smallest size to the largest.
 */
import { machine } from './proc';
import type {
  BackendFigures,
  Baseline,
  MemoryFigures,
  RunFigures,
  SizeFigures,
} from './run';

interface Row {
  label: string;
  stock?: number;
  mesh?: number;
  /** Digits after the decimal point. */
  digits?: number;
  /** No ratio for this row (e.g. it is a ratio of nothing). */
  noRatio?: boolean;
  note?: string;
}

function fmt(value: number | undefined, digits = 0): string {
  if (value === undefined || Number.isNaN(value)) {
    return '-';
  }
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function ratio(mesh?: number, stock?: number): string {
  if (
    mesh === undefined ||
    stock === undefined ||
    Number.isNaN(mesh) ||
    Number.isNaN(stock)
  ) {
    return '-';
  }
  if (stock === 0) {
    return mesh === 0 ? '-' : 'n/a';
  }
  const r = mesh / stock;
  if (r === 0) {
    return '0';
  }
  if (r >= 10) {
    return r.toFixed(0);
  }
  return r >= 0.1 ? r.toFixed(2) : r.toFixed(3);
}

function median(values: number[]): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function backend(size: SizeFigures, variant: 'stock' | 'mesh') {
  return size.backends.find(b => b.variant === variant);
}

/** A memory row's note: the same figure of the empty backends. */
function baselineNote(
  baseline: Baseline | undefined,
  figure: (m: MemoryFigures) => number,
): string | undefined {
  if (!baseline) {
    return undefined;
  }
  const clientNode = baseline.clientNode
    ? `; with @kubernetes/client-node loaded: ${fmt(
        figure(baseline.clientNode),
      )} MiB`
    : '';
  return `an empty backend: ${fmt(figure(baseline))} MiB${clientNode}`;
}

function rowsFor(size: SizeFigures, baseline?: Baseline): Row[] {
  const stock = backend(size, 'stock');
  const mesh = backend(size, 'mesh');
  const pick = (f: (b: BackendFigures) => number | undefined) => ({
    stock: stock && f(stock),
    mesh: mesh && f(mesh),
  });
  const rows: Row[] = [
    {
      label: 'cluster requests / page view, cold',
      ...pick(b => b.cold.reads + b.cold.watches),
      note: 'mesh: list+watch of every kind at start-up, once per process',
    },
    {
      label: 'cluster requests / page view, warm',
      ...pick(b => b.warm.reads),
      digits: 1,
    },
  ];
  // Bytes of a page view's answers, from the first level (they do not
  // depend on the concurrency).
  const firstLevel = (b: BackendFigures) => b.levels[0];
  rows.push(
    {
      label: 'answer bytes / page view, decoded',
      ...pick(b => firstLevel(b)?.bodyBytesPerView),
      note: 'every answer of the view: the chain (and /clusters), JSON',
    },
    {
      label: 'answer bytes / page view, as sent',
      ...pick(b => firstLevel(b)?.wireBytesPerView),
      note: 'compressed as the backend sends it to a browser (gzip, deflate, br accepted)',
    },
  );
  const levels = new Set<number>();
  for (const b of size.backends) {
    b.levels.forEach(l => levels.add(l.concurrency));
  }
  for (const c of [...levels].sort((a, b) => a - b)) {
    const level = (b: BackendFigures) =>
      b.levels.find(l => l.concurrency === c);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      rows.push({
        label: `latency ${p} at concurrency ${c}, ms`,
        ...pick(b => level(b)?.[p]),
        digits: 1,
      });
    }
    rows.push({
      label: `throughput at concurrency ${c}, views/s`,
      ...pick(b => level(b)?.throughput),
      digits: 1,
    });
    if (size.backends.some(b => (level(b)?.timeouts ?? 0) > 0)) {
      rows.push({
        label: `views given up after 60 s at concurrency ${c}`,
        ...pick(b => level(b)?.timeouts),
        noRatio: true,
        note: 'counted in the percentiles at 60 s',
      });
    }
  }
  const mid = [...levels].sort((a, b) => a - b)[
    Math.floor((levels.size - 1) / 2)
  ];
  const midLevel = (b: BackendFigures) =>
    b.levels.find(l => l.concurrency === mid);
  rows.push(
    {
      label: `backend CPU / page view at concurrency ${mid}, ms`,
      ...pick(b => midLevel(b)?.backendCpuMsPerView),
      digits: 2,
    },
    {
      label: 'backend CPU with no page views, ms/s',
      ...pick(b => b.backgroundCpuMsPerS),
      note: 'every entity viewed once, churn going on',
    },
    {
      label: `cluster CPU / page view at concurrency ${mid}, ms`,
      ...pick(b => midLevel(b)?.clusterCpuMsPerView),
      digits: 2,
      note: 'the simulators (see Layout), net of their idle CPU',
    },
    {
      label: 'backend RSS after GC, warm and idle, MiB',
      ...pick(b => b.rssIdleMb),
      note: baselineNote(baseline, m => m.rssMb),
    },
    {
      label: 'backend RSS before that GC, MiB',
      ...pick(b => b.rssIdleBeforeGcMb),
      note: 'the same moment, garbage included',
    },
    { label: 'backend RSS, peak, MiB', ...pick(b => b.rssPeakMb) },
    {
      label: 'backend JS heap after GC, warm and idle, MiB',
      ...pick(b => b.heapIdleMb),
      note: baselineNote(baseline, m => m.heapMb),
    },
    {
      label: 'start-up to HTTP ready, ms',
      ...pick(b => b.startMs),
    },
    {
      label: 'process start to every cache warm, ms',
      ...pick(b => b.warmupMs),
      noRatio: true,
    },
    {
      label: 'propagation, median of trials, ms',
      ...pick(b => median(b.propagation?.trials ?? [])),
      note: 'stock: measured with its 10 s polling',
    },
    {
      label: 'propagation, worst trial, ms',
      ...pick(b =>
        b.propagation?.trials.length
          ? Math.max(...b.propagation.trials)
          : undefined,
      ),
    },
    {
      label: 'propagation, expected (computed), ms',
      stock: stock?.propagation?.expectedMs,
      mesh: mesh && median(mesh.propagation?.trials ?? []),
      note: 'stock: half a polling interval + one page view; mesh: as measured',
    },
  );
  return rows;
}

function table(header: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [
      line(header),
      line(header.map((_, i) => (i === 0 ? '---' : '---:'))),
      ...rows.map(line),
    ].join('\n');
  }
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  return [
    line(header),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

/** The targets of issue 7, judged on the largest clusters of the run. */
export function renderTargets(run: RunFigures, markdown = false): string {
  const size = run.sizes[run.sizes.length - 1];
  const stock = size && backend(size, 'stock');
  const mesh = size && backend(size, 'mesh');
  if (!mesh) {
    return '';
  }
  const rows: string[][] = [];
  const verdict = (ok: boolean | undefined, how: string) => {
    if (ok === undefined) {
      return ['not measured', how];
    }
    return [ok ? 'met' : 'MISSED', how];
  };
  const warmMesh = mesh.warm.reads;
  const warmStock = stock?.warm.reads;
  rows.push([
    'warm page views make no cluster requests',
    ...verdict(warmMesh === 0, `mesh ${fmt(warmMesh, 1)} per view`),
  ]);
  rows.push([
    'warm: at least 10x fewer cluster requests than stock',
    ...verdict(
      warmStock === undefined ? undefined : warmMesh * 10 <= warmStock,
      `stock ${fmt(warmStock, 1)}, mesh ${fmt(warmMesh, 1)}`,
    ),
  ]);
  const c16 = (b?: BackendFigures) => b?.levels.find(l => l.concurrency === 16);
  const m16 = c16(mesh)?.p95;
  const s16 = c16(stock)?.p95;
  rows.push([
    `p95 at concurrency 16 under 50 ms (${fmt(
      size.objectsPerCluster,
    )} objects)`,
    ...verdict(
      m16 === undefined ? undefined : m16 < 50,
      `mesh ${fmt(m16, 1)} ms${
        m16 !== undefined && m16 >= 50
          ? `, ${fmt(m16 / 50, 1)}x the target`
          : ''
      }`,
    ),
  ]);
  rows.push([
    'p95 at concurrency 16 at least 5x lower than stock',
    ...verdict(
      m16 === undefined || s16 === undefined ? undefined : m16 * 5 <= s16,
      `stock ${fmt(s16, 1)} ms / mesh ${fmt(m16, 1)} ms = ${ratio(s16, m16)}x`,
    ),
  ]);
  const trials = mesh.propagation?.trials ?? [];
  const worst = trials.length ? Math.max(...trials) : undefined;
  rows.push([
    'propagation under 2 s',
    ...verdict(
      worst === undefined
        ? undefined
        : worst < 2000 && !mesh.propagation?.missed,
      `mesh worst of ${trials.length} trials ${fmt(worst)} ms, median ${fmt(
        median(trials),
      )} ms${
        mesh.propagation?.missed
          ? `, ${mesh.propagation.missed} never arrived`
          : ''
      }`,
    ),
  ]);
  const base = run.baseline?.rssMb;
  rows.push([
    `the mesh's own RSS at most 64 MiB above an empty backend (${
      run.options.clusters
    } clusters x ${fmt(size.objectsPerCluster)} objects, ${
      run.build ?? 'transform'
    } build)`,
    ...verdict(
      base === undefined ? undefined : mesh.rssIdleMb - base <= 64,
      base === undefined
        ? 'no baseline (--no-baseline)'
        : `idle ${fmt(mesh.rssIdleMb)} MiB - empty ${fmt(base)} MiB = ${fmt(
            mesh.rssIdleMb - base,
          )} MiB; heap ${fmt(mesh.heapIdleMb)} - ${fmt(
            run.baseline!.heapMb,
          )} = ${fmt(mesh.heapIdleMb - run.baseline!.heapMb)} MiB${
            run.baseline!.clientNode
              ? `; @kubernetes/client-node alone takes ${fmt(
                  run.baseline!.clientNode.rssMb - base,
                )} MiB RSS / ${fmt(
                  run.baseline!.clientNode.heapMb - run.baseline!.heapMb,
                )} MiB heap of it`
              : ''
          }`,
    ),
  ]);
  const p95At = (c: number) => mesh.levels.find(l => l.concurrency === c)?.p95;
  const p1 = p95At(1);
  const p32 = p95At(32);
  rows.push([
    'p95 at concurrency 32 within 3x of concurrency 1',
    ...verdict(
      p1 === undefined || p32 === undefined ? undefined : p32 <= 3 * p1,
      p1 === undefined || p32 === undefined
        ? 'needs --concurrency with 1 and 32'
        : `mesh ${fmt(p32, 1)} ms / ${fmt(p1, 1)} ms = ${(p32 / p1).toFixed(
            1,
          )}x`,
    ),
  ]);
  rows.push([
    `RSS under 300 MB (${run.options.clusters} clusters x ${fmt(
      size.objectsPerCluster,
    )} objects)`,
    ...verdict(
      mesh.rssIdleMb < 300 && mesh.rssPeakMb < 300,
      `process idle ${fmt(mesh.rssIdleMb)} MiB, peak ${fmt(
        mesh.rssPeakMb,
      )} MiB${
        base !== undefined
          ? `; above an empty backend (${fmt(base)} MiB): idle ${fmt(
              mesh.rssIdleMb - base,
            )}, peak ${fmt(mesh.rssPeakMb - base)}`
          : ''
      }`,
    ),
  ]);
  return table(['target', 'verdict', 'figures'], rows, markdown);
}

/** Prometheus queries, and the p95 of page views with telemetry on and off. */
function telemetryTable(size: SizeFigures, markdown: boolean): string {
  const t = size.telemetry!;
  const off = backend(size, 'mesh');
  const rows: string[][] = [
    [
      'Prometheus queries per warm page view',
      fmt(t.queriesPerWarmView, 2),
      `goal 0; ${t.warmViews} sequential views`,
    ],
    [
      'Prometheus queries per minute per cluster',
      fmt(t.queriesPerMinutePerCluster, 1),
      t.queriesPerMinutePerCluster === undefined
        ? 'not measured (--telemetry-idle 0)'
        : `${t.followed} entities followed, no page views, ${t.idleSeconds} s`,
    ],
    [
      'Prometheus queries while every entity is viewed once',
      fmt(t.coldQueries),
      `${t.followed} entities, all clusters`,
    ],
    ...t.levels.map(level => {
      const without = off?.levels.find(
        l => l.concurrency === level.concurrency,
      )?.p95;
      return [
        `page view p95 at concurrency ${level.concurrency}, ms`,
        fmt(level.p95, 1),
        `without telemetry ${fmt(without, 1)} (${ratio(level.p95, without)}x)`,
      ];
    }),
  ];
  return table(['figure', 'value', 'note'], rows, markdown);
}

export function describeRun(run: RunFigures): string {
  const m = machine();
  const o = run.options;
  return [
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGb} GB, ${m.platform}, Node.js ${m.node}`,
    `Load average (1/5/15 min) at start ${run.loadAvgStart.join(
      ' / ',
    )}, at end ${run.loadAvgEnd?.join(' / ') ?? '-'}${
      run.loadCheck?.busy
        ? ` (BUSY: above the ${run.loadCheck.cores} cores at start; figures not comparable)`
        : ''
    }`,
    `Layout: ${run.layout?.description ?? 'not recorded'}`,
    `Build: ${
      (run.build ?? 'transform') === 'production'
        ? "production (yarn build:backend's compiled packages and production dependencies, plain node, as Backstage's Dockerfile runs a backend)"
        : "transform (the TypeScript sources through the Backstage CLI's transform, as yarn start runs them)"
    }`,
    [
      `Settings: ${o.clusters} clusters`,
      `${o.latencyMs} ms per cluster request`,
      `churn ${o.churn} writes/s per cluster`,
      `controllers ${o.controllers ? 'on' : 'off'}`,
      `${o.entities} entities`,
      `${o.durationS} s per concurrency level after ${o.warmupS} s warm-up`,
      `stock view '${o.stockView}' ${
        o.stockMetrics ? 'with' : 'without'
      } pod metrics`,
      `stock layout '${o.stockLayout ?? 'default'}' (${
        o.stockLayout === 'trimmed'
          ? 'objectTypes: pods, services, deployments, replicasets, horizontalpodautoscalers'
          : 'the 13 default object types'
      } + Istio gateways, virtualservices, destinationrules)`,
      `mesh view '${o.meshView ?? 'chain'}'`,
      `backend log level '${o.logLevel}'`,
    ].join(', '),
  ].join('\n');
}

export function renderReport(run: RunFigures, markdown = false): string {
  const out: string[] = [];
  const h = (text: string) => (markdown ? `### ${text}` : `== ${text} ==`);
  for (const size of run.sizes) {
    out.push(
      h(
        `${run.options.clusters} clusters x ${fmt(
          size.objectsPerCluster,
        )} objects (requested ${fmt(size.requestedObjects)}), ${
          size.entities
        } entities`,
      ),
    );
    const rows = rowsFor(size, run.baseline).map(r => [
      r.label,
      fmt(r.stock, r.digits),
      fmt(r.mesh, r.digits),
      r.noRatio ? '-' : ratio(r.mesh, r.stock),
      r.note ?? '',
    ]);
    out.push(
      table(['figure', 'stock', 'mesh', 'mesh/stock', 'note'], rows, markdown),
    );
    out.push('');
    if (size.telemetry) {
      out.push(h('Traffic telemetry (the mesh backend reading Prometheus)'));
      out.push(telemetryTable(size, markdown));
      out.push('');
    }
  }
  if (run.sizes.length > 1) {
    out.push(h('Growth from the smallest to the largest clusters'));
    const first = run.sizes[0];
    const last = run.sizes[run.sizes.length - 1];
    const growthRows: string[][] = [];
    const firstRows = rowsFor(first, run.baseline);
    const allRows = run.sizes.map(s => rowsFor(s, run.baseline));
    firstRows.forEach((row, i) => {
      if (row.label.startsWith('propagation, expected')) {
        return;
      }
      for (const variant of ['stock', 'mesh'] as const) {
        const values = allRows.map(rows => rows[i][variant]);
        if (values.every(v => v === undefined)) {
          continue;
        }
        const a = values[0];
        const z = values[values.length - 1];
        growthRows.push([
          `${row.label} (${variant})`,
          ...values.map(v => fmt(v, row.digits)),
          a !== undefined && z !== undefined && a !== 0
            ? `x${(z / a).toFixed(2)}`
            : '-',
        ]);
      }
    });
    out.push(
      table(
        [
          'figure',
          ...run.sizes.map(s => `${fmt(s.objectsPerCluster)} obj`),
          `${fmt(last.objectsPerCluster)} / ${fmt(first.objectsPerCluster)}`,
        ],
        growthRows,
        markdown,
      ),
    );
    out.push('');
  }
  const perObject = memoryPerObject(run);
  if (perObject.length > 0) {
    out.push(h('Memory per cached object'));
    out.push(
      table(
        ['figure', 'stock', 'mesh', 'note'],
        perObject.map(r => [r.label, fmt(r.stock, 2), fmt(r.mesh, 2), r.note]),
        markdown,
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

/** One figure of memory per 1,000 objects held by the clusters. */
export interface MemoryPerObjectRow {
  label: string;
  stock?: number;
  mesh?: number;
  note: string;
}

/**
 * Memory per 1,000 cluster objects (all clusters): the slope of the idle
 * heap and RSS from the smallest size to the largest (what each object
 * adds, the fixed cost left out), and, at the largest size, the share
 * above an empty backend divided by the objects (fixed cost included).
 */
export function memoryPerObject(run: RunFigures): MemoryPerObjectRow[] {
  const rows: MemoryPerObjectRow[] = [];
  const clusters = run.options.clusters;
  const first = run.sizes[0];
  const last = run.sizes[run.sizes.length - 1];
  if (!first || !last) {
    return rows;
  }
  const thousands = (s: SizeFigures) => (s.objectsPerCluster * clusters) / 1000;
  const slope = (f: (b: BackendFigures) => number) => {
    const of = (variant: 'stock' | 'mesh') => {
      const a = backend(first, variant);
      const z = backend(last, variant);
      return a && z
        ? (f(z) - f(a)) / (thousands(last) - thousands(first))
        : undefined;
    };
    return { stock: of('stock'), mesh: of('mesh') };
  };
  const span = `${fmt(first.objectsPerCluster)} to ${fmt(
    last.objectsPerCluster,
  )} objects per cluster`;
  if (run.sizes.length > 1) {
    rows.push({
      label: 'JS heap after GC, MiB per 1,000 objects',
      ...slope(b => b.heapIdleMb),
      note: `slope from ${span}, ${clusters} clusters`,
    });
    rows.push({
      label: 'RSS warm and idle, MiB per 1,000 objects',
      ...slope(b => b.rssIdleMb),
      note: `slope from ${span} (RSS moves with the collector: rougher)`,
    });
  }
  const base = run.baseline;
  if (base) {
    const share = (
      variant: 'stock' | 'mesh',
      f: (b: BackendFigures) => number,
      baseline: number,
    ) => {
      const b = backend(last, variant);
      return b ? (f(b) - baseline) / thousands(last) : undefined;
    };
    rows.push({
      label: 'JS heap above an empty backend, MiB per 1,000 objects',
      stock: share('stock', b => b.heapIdleMb, base.heapMb),
      mesh: share('mesh', b => b.heapIdleMb, base.heapMb),
      note: `at ${fmt(
        last.objectsPerCluster,
      )} objects per cluster, fixed cost included`,
    });
  }
  return rows;
}
