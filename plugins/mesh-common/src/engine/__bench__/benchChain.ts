/*
 * Micro-benchmark of resolveClusterChain (not a test). Builds synthetic
 * clusters of about 1k, 5k and 20k objects (apps made of a Deployment,
 * ReplicaSet, 3 Pods, Service, VirtualService, DestinationRule and HPA,
 * behind one shared ingress Gateway) and prints the time to resolve one
 * component: cold (indexes built) and warm (indexes reused), plus a burst
 * of 16 requests resolved back to back as a single Node process would.
 *
 * Run: yarn --cwd plugins/mesh-common bench:chain
 */
import { simulateRoute } from '../../routing/simulate';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import type { KubeObject } from '../kube/KubeObject';
import { resolveClusterChain } from '../resolve/resolveClusterChain';

const OBJECTS_PER_APP = 9;

function app(i: number): KubeObject[] {
  const ns = `team-${i % 50}`;
  const name = `app-${i}`;
  const labels = { app: name, 'backstage.io/kubernetes-id': name };
  const podLabels = { app: name, version: 'v1' };
  const container = {
    name: 'main',
    image: `registry.example.com/${name}:1.0.0`,
    ports: [{ name: 'http', containerPort: 8080 }],
    resources: { requests: { cpu: '100m' } },
  };
  const objs: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels, generation: 1 },
      spec: {
        replicas: 3,
        selector: { matchLabels: podLabels },
        template: {
          metadata: { labels: podLabels },
          spec: { containers: [container] },
        },
      },
      status: {
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-abc`,
        namespace: ns,
        labels: podLabels,
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: name },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels },
      spec: {
        selector: { app: name },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name, namespace: ns, labels },
      spec: {
        hosts: [`${name}.example.com`],
        gateways: ['istio-system/public'],
        http: [
          {
            match: [{ uri: { prefix: '/api' } }],
            route: [{ destination: { host: name, subset: 'v1' } }],
          },
          {
            route: [
              {
                destination: {
                  host: `${name}.${ns}.svc.cluster.local`,
                  port: { number: 80 },
                },
              },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name, namespace: ns, labels },
      spec: {
        host: name,
        subsets: [{ name: 'v1', labels: { version: 'v1' } }],
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: ns, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 70 },
            },
          },
        ],
      },
      status: { currentReplicas: 3, desiredReplicas: 3 },
    },
  ];
  for (let p = 0; p < 3; p++) {
    objs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-abc-${p}`,
        namespace: ns,
        labels: { ...podLabels, 'pod-template-hash': 'abc' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `${name}-abc`,
            uid: `${name}-abc`,
          },
        ],
      },
      spec: { containers: [container] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
  }
  return objs;
}

function cluster(total: number): KubeObject[] {
  const objs: KubeObject[] = [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: ['*.example.com'],
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      spec: {
        type: 'LoadBalancer',
        selector: { istio: 'ingressgateway' },
        ports: [{ name: 'http2', port: 80, targetPort: 8080 }],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'istio-ingressgateway-0',
        namespace: 'istio-system',
        labels: { istio: 'ingressgateway' },
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    },
  ];
  for (let i = 0; objs.length + OBJECTS_PER_APP <= total; i++) {
    objs.push(...app(i));
  }
  return objs;
}

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

function bench(total: number) {
  const objs = cluster(total);
  const apps = Math.floor((objs.length - 3) / OBJECTS_PER_APP);
  const snapshot = MemorySnapshot.fromObjects(objs, { clusterName: 'bench' });
  const target = (i: number) => ({
    labelSelector: `backstage.io/kubernetes-id=app-${i}`,
  });
  const options = { clusterDomain: 'cluster.local' };

  let t = performance.now();
  const first = resolveClusterChain(snapshot, target(0), options);
  const cold = performance.now() - t;
  if (first.routes.length !== 2 || first.diagnostics.length !== 0) {
    throw new Error(`unexpected chain: ${JSON.stringify(first.diagnostics)}`);
  }

  const samples: number[] = [];
  for (let n = 0; n < 500; n++) {
    const i = (n * 7919) % apps;
    t = performance.now();
    resolveClusterChain(snapshot, target(i), options);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);

  // 16 concurrent page views on one event loop: the last waits for all.
  const bursts: number[] = [];
  for (let b = 0; b < 30; b++) {
    t = performance.now();
    for (let k = 0; k < 16; k++) {
      resolveClusterChain(snapshot, target((b * 16 + k) % apps), options);
    }
    bursts.push(performance.now() - t);
  }
  bursts.sort((a, b) => a - b);

  // A pod changed before each page view: the pod indexes are rebuilt.
  let podRevision = 1;
  const churning = {
    ...snapshot,
    clusterName: snapshot.clusterName,
    kindRevision: (kind: Parameters<typeof snapshot.kindRevision>[0]) =>
      kind === 'pods' ? podRevision : snapshot.kindRevision(kind),
    list: snapshot.list.bind(snapshot),
    get: snapshot.get.bind(snapshot),
    namespaces: snapshot.namespaces.bind(snapshot),
  };
  const churn: number[] = [];
  for (let n = 0; n < 20; n++) {
    podRevision++;
    t = performance.now();
    resolveClusterChain(churning, target(n), options);
    churn.push(performance.now() - t);
  }
  churn.sort((a, b) => a - b);

  t = performance.now();
  const chain = {
    cluster: { name: 'bench' },
    source: 'cache' as const,
    observedAt: '',
    warnings: [],
    ...first,
  };
  for (let n = 0; n < 500; n++) {
    simulateRoute(chain, { url: 'http://app-0.example.com/api/x' });
  }
  const sim = (performance.now() - t) / 500;

  console.log(
    [
      `${String(objs.length).padStart(6)} objects (${apps} apps)`,
      `cold ${ms(cold)}`,
      `warm p50 ${ms(percentile(samples, 50))} p95 ${ms(
        percentile(samples, 95),
      )} p99 ${ms(percentile(samples, 99))}`,
      `16 at once p95 ${ms(percentile(bursts, 95))}`,
      `after a pod change p50 ${ms(percentile(churn, 50))}`,
      `simulate ${ms(sim)}`,
    ].join(' | '),
  );
}

for (const total of [1000, 5000, 20000]) {
  bench(total);
}
