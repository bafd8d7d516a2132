/*
 * The resource metrics API (metrics.k8s.io/v1beta1, what metrics-server
 * serves): CPU and memory of running pods and of the nodes, from the same
 * synthetic load the HPA controller reads. `kubectl top` and the stock
 * Kubernetes plugin (without skipMetricsLookup) use it.
 */
import { findByKind } from '../api/resources';
import { fromLabelSelectorSpec, parseLabelSelector } from '../api/selectors';
import type { Store } from '../store/Store';
import type { KubeObject } from '../types';
import { loadOf, podUsage, rpsAt } from './load';
import { isPodReady } from './runtime';

const PODS = findByKind('v1', 'Pod')!;
const NODES = findByKind('v1', 'Node')!;
const REPLICASETS = findByKind('apps/v1', 'ReplicaSet')!;
const DEPLOYMENTS = findByKind('apps/v1', 'Deployment')!;

/** Usage of system daemons on every node (kubelet, runtime, proxies). */
const NODE_OVERHEAD = { cpuMilli: 180, memoryMi: 950 };

const cpu = (milli: number) => `${Math.round(milli * 1e6)}n`;
const memory = (mi: number) => `${Math.round(mi * 1024)}Ki`;

export class MetricsProvider {
  constructor(
    private readonly store: Store,
    private readonly timeScale: number,
  ) {}

  /** The workload whose load a pod carries and how many ready pods share it. */
  private share(
    pod: KubeObject,
    cache: Map<string, { rps: number; ready: number; load: any }>,
  ) {
    const ns = pod.metadata.namespace!;
    const rsRef = pod.metadata.ownerReferences?.find(
      r => r.controller && r.kind === 'ReplicaSet',
    );
    const rs = rsRef && this.store.get(REPLICASETS, ns, rsRef.name);
    const dRef = rs?.metadata.ownerReferences?.find(
      r => r.controller && r.kind === 'Deployment',
    );
    const workload = (dRef && this.store.get(DEPLOYMENTS, ns, dRef.name)) || rs;
    if (!workload) return { rps: 0, ready: 1, load: {} };
    const key = `${workload.kind}/${ns}/${workload.metadata.name}`;
    let entry = cache.get(key);
    if (!entry) {
      const selector = fromLabelSelectorSpec(workload.spec?.selector);
      const ready = this.store
        .list(PODS, ns)
        .filter(
          p =>
            selector.matches(p.metadata.labels) &&
            isPodReady(p) &&
            !p.metadata.deletionTimestamp,
        ).length;
      const load = loadOf(workload);
      entry = {
        rps: rpsAt(load, (Date.now() / 1000) * this.timeScale),
        ready: Math.max(1, ready),
        load,
      };
      cache.set(key, entry);
    }
    return entry;
  }

  private podUsage(pod: KubeObject, cache: Map<string, any>) {
    const { rps, ready, load } = this.share(pod, cache);
    return podUsage(load, isPodReady(pod) ? rps / ready : 0);
  }

  private podMetrics(pod: KubeObject, cache: Map<string, any>): KubeObject {
    const usage = this.podUsage(pod, cache);
    const containers: any[] = pod.spec?.containers ?? [];
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        creationTimestamp: now,
        ...(pod.metadata.labels && { labels: pod.metadata.labels }),
      },
      timestamp: now,
      window: '15s',
      containers: containers.map(c => ({
        name: c.name,
        usage: {
          cpu: cpu(usage.cpuMilli / containers.length),
          memory: memory(usage.memoryMi / containers.length),
        },
      })),
    };
  }

  /** PodMetrics of running pods, in one namespace or all. */
  pods(namespace: string | undefined, labelSelector?: string): KubeObject[] {
    const selector = parseLabelSelector(labelSelector);
    const cache = new Map();
    return this.store
      .list(PODS, namespace)
      .filter(
        p =>
          p.status?.phase === 'Running' && selector.matches(p.metadata.labels),
      )
      .map(p => this.podMetrics(p, cache));
  }

  /** NodeMetrics: the pods on each node plus system overhead. */
  nodes(labelSelector?: string): KubeObject[] {
    const selector = parseLabelSelector(labelSelector);
    const cache = new Map();
    const perNode = new Map<string, { cpuMilli: number; memoryMi: number }>();
    for (const pod of this.store.list(PODS)) {
      if (pod.status?.phase !== 'Running' || !pod.spec?.nodeName) continue;
      const u = this.podUsage(pod, cache);
      const n = perNode.get(pod.spec.nodeName) ?? { ...NODE_OVERHEAD };
      n.cpuMilli += u.cpuMilli;
      n.memoryMi += u.memoryMi;
      perNode.set(pod.spec.nodeName, n);
    }
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return this.store
      .list(NODES)
      .filter(n => selector.matches(n.metadata.labels))
      .map(node => {
        const u = perNode.get(node.metadata.name) ?? NODE_OVERHEAD;
        return {
          kind: 'NodeMetrics',
          apiVersion: 'metrics.k8s.io/v1beta1',
          metadata: {
            name: node.metadata.name,
            creationTimestamp: now,
            ...(node.metadata.labels && { labels: node.metadata.labels }),
          },
          timestamp: now,
          window: '15s',
          usage: { cpu: cpu(u.cpuMilli), memory: memory(u.memoryMi) },
        };
      });
  }
}
