/*
 * The faults the suite injects, one at a time, each into one cluster, in
 * the order they run (see docs/reliability.md).
 */
import type { DemoCluster } from '@mesh-chain/demo-cluster';
import {
  currentOrBriefly,
  describe,
  named,
  replicasOf,
  shows,
  staleFor,
} from './checks';
import { badRegexes, badSelectors, bigAnnotation } from './hostileObjects';
import type { Fault } from './types';

export type { Fault, FaultContext } from './types';

async function scale(cluster: DemoCluster, deployment: string, n: number) {
  await cluster.apply(
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: deployment, namespace: 'shop' },
      spec: { replicas: n },
    },
    { fieldManager: 'fault-suite' },
  );
}

/** The faults, in the order they run. */
export const FAULTS: Fault[] = [
  {
    title: '5 s latency while the backend first loads',
    cluster: 0,
    atStart: true,
    expected: 'syncing (no data yet), the others current at once',
    mustShow: true,
    expect: (chain, ctx) =>
      chain.status?.state === 'syncing' && !chain.error
        ? named(chain, ctx)
        : describe(chain),
    async inject(ctx) {
      ctx.proxy.settings.latencyMs = 5000;
    },
    async remove(ctx) {
      ctx.proxy.reset();
    },
  },
  {
    title: 'unreachable (API server stopped), scaled meanwhile',
    cluster: 1,
    expected: 'stale since the outage (unreachable), last data shown',
    mustShow: true,
    expect: staleFor('unreachable'),
    async inject(ctx) {
      await ctx.proxy.refuse();
    },
    async meanwhile(ctx) {
      await scale(ctx.cluster(), 'inventory', 3);
    },
    async remove(ctx) {
      await ctx.proxy.open();
    },
    consistent: replicasOf('inventory', 3),
  },
  {
    title: '401: token rejected',
    cluster: 2,
    expected: 'stale (unauthorized), last data shown',
    mustShow: true,
    expect: staleFor('unauthorized'),
    async inject(ctx) {
      ctx.proxy.settings.authorization = 'Bearer revoked-token';
      ctx.proxy.cutWatches();
    },
    async remove(ctx) {
      ctx.proxy.reset();
    },
  },
  {
    title: '403: identity may not list or watch',
    cluster: 0,
    expected: 'stale (forbidden), last data shown',
    mustShow: true,
    expect: staleFor('forbidden'),
    async inject(ctx) {
      ctx.proxy.settings.forbid = true;
      ctx.proxy.cutWatches();
    },
    async remove(ctx) {
      ctx.proxy.reset();
    },
  },
  {
    title: 'Istio and Gateway API CRDs absent',
    cluster: 1,
    expected: 'istio: false, no error; the chain without mesh routes',
    mustShow: true,
    expect: chain =>
      !chain.error && chain.istio === false && chain.gatewayApi === false
        ? undefined
        : `${describe(chain)}, istio: ${chain.istio}`,
    async inject(ctx) {
      ctx.proxy.settings.hiddenGroups = [
        'networking.istio.io',
        'gateway.networking.k8s.io',
      ];
      ctx.proxy.cutWatches('/apis/networking.istio.io/');
      ctx.proxy.cutWatches('/apis/gateway.networking.k8s.io/');
    },
    async remove(ctx) {
      ctx.proxy.reset();
    },
    back: chain =>
      chain.status?.state === 'current' && chain.istio
        ? undefined
        : describe(chain),
  },
  {
    title: 'watches dropped mid-stream (4 times in 3 s), scaled meanwhile',
    cluster: 2,
    expected: 'current, or stale for a moment naming the cluster',
    mustShow: false,
    expect: currentOrBriefly,
    async inject(ctx) {
      ctx.proxy.cutWatches();
      await scale(ctx.cluster(), 'inventory', 3);
      for (let i = 0; i < 3; i++) {
        await new Promise(resolve => setTimeout(resolve, 1000));
        ctx.proxy.cutWatches();
      }
    },
    async remove() {},
    consistent: replicasOf('inventory', 3),
  },
  {
    title:
      '410 Gone on resume (history compacted, watches ended), scaled meanwhile',
    cluster: 0,
    expected: 'current, or stale for a moment naming the cluster',
    mustShow: false,
    expect: currentOrBriefly,
    async inject(ctx) {
      const cluster = ctx.cluster();
      cluster.compact();
      await scale(cluster, 'inventory', 3);
      cluster.endWatches();
    },
    async remove() {},
    consistent: replicasOf('inventory', 3),
  },
  {
    title: 'API server restart, changes made while it was down',
    cluster: 1,
    expected: 'stale (unreachable) while down; the changes after',
    mustShow: true,
    expect: staleFor('unreachable'),
    async inject(ctx) {
      await ctx.restart(async cluster => {
        await scale(cluster, 'inventory', 1);
      });
    },
    async remove(ctx) {
      await ctx.reopen();
    },
    consistent: replicasOf('inventory', 1),
  },
  {
    title: 'objects with invalid selectors',
    cluster: 2,
    expected: 'no error; the objects shown as they are',
    mustShow: true,
    expect: shows('storefront-badsel'),
    async inject(ctx) {
      ctx.proxy.inject(badSelectors);
    },
    async remove(ctx) {
      ctx.proxy.removeInjected();
    },
  },
  {
    title: 'invalid and backtracking regexes in a VirtualService',
    cluster: 0,
    // Against '/(a+)+$': 40 a's and a mismatch.
    traceUrl: `https://storefront-badre.demo.example.com/${'a'.repeat(40)}!`,
    expected: 'no error; traced in bounded time',
    mustShow: true,
    expect: shows('storefront-badre'),
    async inject(ctx) {
      ctx.proxy.inject(badRegexes);
    },
    async remove(ctx) {
      ctx.proxy.removeInjected();
    },
  },
  {
    title: '1 MiB annotation on a Service',
    cluster: 1,
    expected:
      'the Service shown; the answer stays small (it carries no object copies, and the cache keeps the value cut with a note)',
    mustShow: true,
    expect: chain =>
      chain.services.some(s => s.ref.name === 'storefront-big')
        ? undefined
        : 'storefront-big not in the answer',
    checkAnswer: (body, normalSize) =>
      body.length < normalSize + 16 * 1024
        ? undefined
        : `the answer grew from ${normalSize} to ${body.length} bytes`,
    async inject(ctx) {
      ctx.proxy.inject(bigAnnotation);
    },
    async remove(ctx) {
      ctx.proxy.removeInjected();
    },
  },
];
