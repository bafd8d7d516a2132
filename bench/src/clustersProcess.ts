/*
 * The simulated clusters of a benchmark run, in a process of their own so
 * that their work is not counted against the load generator: three demo
 * clusters holding the same generated chains (so every benchmark entity has
 * workloads in all three), with a per-request latency, optional background
 * churn, and commands to read request counters and to change an entity's
 * VirtualService (for propagation).
 */
import {
  DemoCluster,
  DemoClusterStats,
  KubeObject,
  generateScaleObjects,
  startDemoCluster,
} from '@mesh-chain/demo-cluster';
import { ANNOTATION_KUBERNETES_ID } from '@mesh-chain/plugin-mesh-common';
import { serveCommands } from './ipc';
import type { BenchComponent, ClusterInfo, ClustersStart } from './types';

const clusters: DemoCluster[] = [];
let components: BenchComponent[] = [];
const virtualServices = new Map<string, KubeObject>();
const podsByCluster: Array<Array<{ name: string; namespace: string }>> = [];
let churnTimer: NodeJS.Timeout | undefined;
const churned = { writes: 0, failures: 0 };

async function start(options: ClustersStart): Promise<{
  clusters: ClusterInfo[];
  components: BenchComponent[];
  objectsPerCluster: number;
  seedMs: number;
}> {
  const t0 = Date.now();
  const objects = generateScaleObjects({ objects: options.objects });
  components = [];
  for (const o of objects) {
    const id = o.metadata.labels?.[ANNOTATION_KUBERNETES_ID];
    // One Service per component (and two Deployments, stable and canary).
    if (o.kind === 'Service' && id) {
      components.push({
        component: id,
        namespace: o.metadata.namespace!,
        name: o.metadata.name,
      });
    }
    if (o.kind === 'VirtualService' && id) {
      virtualServices.set(id, o);
    }
  }
  const pods = objects
    .filter(o => o.kind === 'Pod')
    .map(o => ({ name: o.metadata.name, namespace: o.metadata.namespace! }));
  for (let i = 0; i < options.count; i++) {
    const cluster = await startDemoCluster({
      name: `bench-${String.fromCharCode(97 + i)}`,
      scenario: 'base',
      objects,
      latencyMs: options.latencyMs,
      controllers: options.controllers,
      ...(options.metrics && { metricsPort: 0 }),
    });
    clusters.push(cluster);
    podsByCluster.push(pods);
  }
  return {
    clusters: clusters.map(c => ({
      name: c.name,
      url: c.url,
      caData: c.caData!,
      token: c.tokens.readonly,
      ...(c.metricsUrl && { metricsUrl: c.metricsUrl }),
    })),
    components,
    objectsPerCluster: clusters[0]?.count() ?? 0,
    seedMs: Date.now() - t0,
  };
}

/** Request counters of every cluster. */
function stats(): DemoClusterStats[] {
  return clusters.map(c => c.stats());
}

function resetStats() {
  clusters.forEach(c => c.resetStats());
}

/**
 * Background churn: `rate` writes per second in every cluster, each an
 * annotation change on a random pod (as status and probe updates change
 * pods in a live cluster). Written through the simulator's API, so they
 * reach every watch but are not counted as requests.
 */
function churn(args: { rate: number }) {
  clearInterval(churnTimer);
  churnTimer = undefined;
  if (!(args.rate > 0)) {
    return { ...churned };
  }
  // Spread the writes: one tick every 50 ms at most.
  const tickMs = Math.max(50, Math.round(1000 / args.rate));
  const perTick = Math.max(1, Math.round((args.rate * tickMs) / 1000));
  let n = 0;
  churnTimer = setInterval(() => {
    clusters.forEach((cluster, i) => {
      const pods = podsByCluster[i];
      for (let k = 0; k < perTick; k++) {
        const pod = pods[Math.floor(Math.random() * pods.length)];
        n++;
        cluster
          .apply(
            {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: {
                name: pod.name,
                namespace: pod.namespace,
                annotations: { 'bench.mesh-chain.dev/churn': String(n) },
              },
            },
            { fieldManager: 'bench-churn' },
          )
          .then(
            () => churned.writes++,
            () => churned.failures++,
          );
      }
    });
  }, tickMs);
  return { ...churned };
}

/**
 * Changes the route timeout of a component's VirtualService in one cluster;
 * returns when the write was committed (epoch ms).
 */
async function change(args: {
  component: string;
  cluster: number;
  timeout: string;
}) {
  const vs = virtualServices.get(args.component);
  if (!vs) {
    throw new Error(`no VirtualService for ${args.component}`);
  }
  const spec = vs.spec as { http: Array<Record<string, unknown>> };
  await clusters[args.cluster].apply(
    {
      apiVersion: vs.apiVersion,
      kind: vs.kind,
      metadata: { name: vs.metadata.name, namespace: vs.metadata.namespace },
      spec: {
        ...spec,
        http: [
          { ...spec.http[0], timeout: args.timeout },
          ...spec.http.slice(1),
        ],
      },
    },
    { fieldManager: 'bench-propagation' },
  );
  return { at: Date.now() };
}

serveCommands({
  start,
  stats,
  resetStats,
  churn,
  change,
  cpu: () => process.cpuUsage(),
  memory: () => process.memoryUsage(),
  async stop() {
    clearInterval(churnTimer);
    await Promise.all(clusters.map(c => c.stop()));
    setImmediate(() => process.exit(0));
  },
});
