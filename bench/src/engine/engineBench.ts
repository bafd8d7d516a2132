/*
 * `yarn bench --engine`: the chain engine alone, in memory, no servers.
 * Over a generated cluster of each size (`generateScaleObjects`, with the
 * base objects rolled out, as a snapshot holds them), prints the time to
 * resolve one component: cold (indexes built) and warm (indexes reused),
 * 16 resolved back to back as one Node process would for 16 page views at
 * once, after a pod change (pod indexes rebuilt), a route simulation, and
 * one telemetry refresh: the traffic of 200 followed chains from a round of
 * the cluster's samples (`trafficSamplesOf`, the series Prometheus would
 * answer), which the backend computes on its event loop every refresh.
 */
import {
  generateScaleObjects,
  scaleChainShape,
  trafficSamplesOf,
} from '@mesh-chain/demo-cluster';
import {
  ANNOTATION_KUBERNETES_ID,
  chainTraffic,
  ClusterSnapshot,
  KubeObject,
  MemorySnapshot,
  resolveClusterChain,
  simulateRoute,
} from '@mesh-chain/plugin-mesh-common';
import { percentile } from '../load';

const ms = (n: number) => `${n.toFixed(2)} ms`;

/** What the engine is asked for a component: its label selector. */
const target = (component: string) => ({
  labelSelector: `${ANNOTATION_KUBERNETES_ID}=${component}`,
});

const OPTIONS = { clusterDomain: 'cluster.local' };

/** Runs `fn` `n` times and returns the sorted durations, ms. */
function timed(n: number, fn: (i: number) => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b);
}

/** A snapshot whose pods change before every read (a new pod revision). */
function churning(snapshot: MemorySnapshot): {
  snapshot: ClusterSnapshot;
  change(): void;
} {
  let podRevision = 1;
  return {
    snapshot: {
      ...snapshot,
      clusterName: snapshot.clusterName,
      kindRevision: kind =>
        kind === 'pods' ? podRevision : snapshot.kindRevision(kind),
      list: snapshot.list.bind(snapshot),
      get: snapshot.get.bind(snapshot),
      namespaces: snapshot.namespaces.bind(snapshot),
    },
    change: () => podRevision++,
  };
}

/** Chains the backend follows at once (the benchmark's 200 entities). */
const FOLLOWED = 200;

/**
 * One telemetry refresh as the backend makes it: the traffic of every
 * followed chain from one round of the cluster's samples (a new round
 * each time, as every refresh brings).
 */
function trafficRefresh(
  objects: ReturnType<typeof generateScaleObjects>,
  snapshot: ClusterSnapshot,
  components: string[],
): string {
  const followed = components
    .slice(0, FOLLOWED)
    .map(c => resolveClusterChain(snapshot, target(c), OPTIONS));
  const rounds = [0, 1, 2, 3, 4].map(i =>
    trafficSamplesOf(objects, 'bench', Date.UTC(2026, 0, 1) + i * 15_000),
  );
  const refresh = timed(rounds.length, i => {
    const samples = { ...rounds[i] };
    for (const chain of followed) chainTraffic(chain, samples);
  });
  return `traffic refresh of ${followed.length} chains (${
    rounds[0].requests.length + rounds[0].latency.length
  } series) p50 ${ms(percentile(refresh, 50))}`;
}

/** The figures of one cluster size, as one line. */
function benchSize(size: number): string {
  const objects = generateScaleObjects({ objects: size, includeBase: true });
  const components = objects
    .filter(o => o.kind === 'Service')
    .map(o => o.metadata.labels?.[ANNOTATION_KUBERNETES_ID])
    .filter((c): c is string => Boolean(c));
  const pick = (i: number) => components[(i * 7919) % components.length];
  const snapshot = MemorySnapshot.fromObjects(objects, {
    clusterName: 'bench',
  });

  const t = performance.now();
  const first = resolveClusterChain(snapshot, target(components[0]), OPTIONS);
  const cold = performance.now() - t;
  const shape = scaleChainShape();
  if (first.routes.length !== shape.routes || first.diagnostics.length) {
    throw new Error(
      `unexpected chain of ${components[0]}: ${
        first.routes.length
      } routes, diagnostics ${JSON.stringify(first.diagnostics)}`,
    );
  }
  const warm = timed(500, i =>
    resolveClusterChain(snapshot, target(pick(i)), OPTIONS),
  );
  const bursts = timed(30, b => {
    for (let k = 0; k < 16; k++) {
      resolveClusterChain(snapshot, target(pick(b * 16 + k)), OPTIONS);
    }
  });
  const churn = churning(snapshot);
  const afterPodChange = timed(20, i => {
    churn.change();
    resolveClusterChain(churn.snapshot, target(pick(i)), OPTIONS);
  });

  const chain = {
    cluster: { name: 'bench' },
    source: 'cache' as const,
    observedAt: '',
    warnings: [],
    ...first,
  };
  const vs = objects.find(
    (o: KubeObject) =>
      o.kind === 'VirtualService' &&
      o.metadata.labels?.[ANNOTATION_KUBERNETES_ID] === components[0],
  );
  const url = `http://${(vs?.spec as any).hosts[0]}/api/cart`;
  const simulate = timed(500, () => simulateRoute(chain, { url }));
  const traffic = trafficRefresh(objects, snapshot, components);

  return [
    `${String(objects.length).padStart(6)} objects (${
      components.length
    } components)`,
    `cold ${ms(cold)}`,
    `warm p50 ${ms(percentile(warm, 50))} p95 ${ms(
      percentile(warm, 95),
    )} p99 ${ms(percentile(warm, 99))}`,
    `16 at once p95 ${ms(percentile(bursts, 95))}`,
    `after a pod change p50 ${ms(percentile(afterPodChange, 50))}`,
    `simulate p50 ${ms(percentile(simulate, 50))}`,
    traffic,
  ].join(' | ');
}

/** Prints one line of figures per size. */
export function runEngineBench(sizes: number[]): void {
  process.stdout.write(
    'The chain engine in memory (resolve one component; simulate one request):\n',
  );
  for (const size of sizes) {
    process.stdout.write(`${benchSize(size)}\n`);
  }
}
