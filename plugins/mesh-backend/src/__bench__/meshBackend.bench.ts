/*
 * A local benchmark of the mesh backend's data layer (not part of `yarn test`):
 * three clusters of ~20,000 realistic objects each, served by fake API
 * servers; measures warm-up, memory held by the caches, page-view latency at
 * concurrency 16 (and that warm views make no cluster request), and the time
 * from a change in a cluster to the signal.
 *
 *   CI=true yarn bench   (in plugins/mesh-backend)
 *
 * Sizes: MESH_BENCH_OBJECTS (default 20000 per cluster).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import fs from 'fs';
import http from 'http';
import inspector from 'inspector';
import { AddressInfo } from 'net';
import { meshSignalChannel } from '@mesh-chain/plugin-mesh-common';
import { FakeKubeApi, startFakeKubeApi } from '../__testUtils__/fakeKubeApi';
import {
  component,
  serviceAccountCluster,
  startMeshBackend,
  waitForCaches,
} from '../__testUtils__/testBackend';
import { waitFor } from '../__testUtils__/waitFor';

const OBJECTS = Number(process.env.MESH_BENCH_OBJECTS ?? 20000);
// service, deployment, replicaset, 3 pods, hpa, virtualservice, destinationrule
const PER_APP = 9;

function fat(kind: string) {
  // What real objects carry and the cache drops.
  return {
    managedFields: [
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:status': { 'f:conditions': {}, 'f:replicas': {} },
          kind,
        },
      },
    ],
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(1500),
      'deployment.kubernetes.io/revision': '3',
    },
  };
}

function app(i: number, ns: string) {
  const name = `app-${i}`;
  const labels = { app: name, 'backstage.io/kubernetes-id': name };
  const container = {
    name,
    image: `registry.example.com/team/${name}:1.2.${i % 50}`,
    ports: [{ name: 'http', containerPort: 8080 }],
    env: Array.from({ length: 12 }, (_, k) => ({
      name: `VAR_${k}`,
      value: `value-${k}-${'v'.repeat(40)}`,
    })),
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    volumeMounts: [{ name: 'config', mountPath: '/etc/config' }],
  };
  const pods = [0, 1, 2].map(p => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-7d9f-${p}`,
      namespace: ns,
      labels: { ...labels, version: 'v1', 'pod-template-hash': '7d9f' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${name}-7d9f`,
          uid: `rs-${i}`,
          controller: true,
        },
      ],
      ...fat('Pod'),
    },
    spec: {
      nodeName: `node-${i % 40}`,
      serviceAccountName: 'default',
      containers: [
        container,
        { ...container, name: 'istio-proxy', image: 'istio/proxyv2:1.24.0' },
      ],
      volumes: [
        { name: 'config', configMap: { name: `${name}-config` } },
        {
          name: 'token',
          projected: { sources: [{ serviceAccountToken: { path: 'token' } }] },
        },
      ],
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
        },
      ],
    },
    status: {
      phase: 'Running',
      podIP: `10.${i % 250}.${p}.${i % 200}`,
      hostIP: `192.168.0.${i % 40}`,
      startTime: '2026-01-01T00:00:00Z',
      conditions: [
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map(type => ({
        type,
        status: 'True',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      })),
      containerStatuses: [name, 'istio-proxy'].map(c => ({
        name: c,
        ready: true,
        restartCount: 0,
        image: container.image,
        imageID: `sha256:${'a'.repeat(64)}`,
        containerID: `containerd://${'b'.repeat(64)}`,
        started: true,
        state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
      })),
    },
  }));
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels, ...fat('Service') },
      spec: {
        type: 'ClusterIP',
        clusterIP: `10.96.${i % 250}.${i % 200}`,
        selector: { app: name },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: ns,
        labels,
        generation: 3,
        ...fat('Deployment'),
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { ...labels, version: 'v1' } },
          spec: { containers: [container] },
        },
      },
      status: {
        observedGeneration: 3,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [{ type: 'Available', status: 'True' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-7d9f`,
        namespace: ns,
        labels: { ...labels, 'pod-template-hash': '7d9f' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name,
            uid: `d-${i}`,
            controller: true,
          },
        ],
        ...fat('ReplicaSet'),
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: name } },
        template: { spec: { containers: [container] } },
      },
      status: { replicas: 3, readyReplicas: 3 },
    },
    ...pods,
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace: ns },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 3,
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
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name, namespace: ns },
      spec: {
        hosts: [`${name}.example.com`],
        gateways: ['istio-system/public'],
        http: [
          {
            match: [{ uri: { prefix: '/' } }],
            route: [{ destination: { host: name, subset: 'v1' } }],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name, namespace: ns },
      spec: {
        host: name,
        subsets: [{ name: 'v1', labels: { version: 'v1' } }],
      },
    },
  ];
}

function clusterObjects(count: number) {
  const objects: any[] = [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 8080, name: 'http', protocol: 'HTTP' },
            hosts: ['*.example.com'],
          },
        ],
      },
    },
  ];
  const apps = Math.ceil(count / PER_APP);
  for (let i = 0; i < apps; i++) {
    objects.push(...app(i, `team-${i % 100}`));
  }
  return objects;
}

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

function mb(bytes: number) {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

function gc() {
  (global as any).gc?.();
  (global as any).gc?.();
}

describe('mesh backend benchmark', () => {
  jest.setTimeout(600_000);

  it(`three clusters of ${OBJECTS} objects`, async () => {
    const apis: FakeKubeApi[] = [];
    for (let c = 0; c < 3; c++) {
      apis.push(
        await startFakeKubeApi({
          objects: clusterObjects(OBJECTS),
          token: `t${c}`,
        }),
      );
    }
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const { backend, signals } = await startMeshBackend({
      clusters: apis.map((a, c) =>
        serviceAccountCluster(`c${c}`, a.url, `t${c}`),
      ),
      entities: Array.from({ length: 200 }, (_, e) => component(`app-${e}`)),
      mesh: { requestTimeout: '30s' },
    });
    await waitForCaches(backend, {}, 300_000);
    const warmupMs = Date.now() - started;
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const rssAfter = process.memoryUsage().rss;

    const server = backend.server as http.Server;
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const auth = mockCredentials.user.header();
    let lastSize = 0;
    const view = () =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        http
          .get(
            {
              port,
              host: '127.0.0.1',
              agent,
              path: '/api/mesh/entities/component/default/app-7',
              headers: { authorization: auth },
            },
            res => {
              let size = 0;
              res.on('data', chunk => {
                size += chunk.length;
              });
              res.on('end', () => {
                lastSize = size;
              });
              res.on('end', () =>
                res.statusCode === 200
                  ? resolve(performance.now() - t0)
                  : reject(new Error(`status ${res.statusCode}`)),
              );
            },
          )
          .on('error', reject);
      });
    const first = await view();
    // Every cluster's chain logic indexes and 200 memoized chains.
    for (let e = 0; e < 200; e++) {
      await new Promise<void>((resolve, reject) =>
        http
          .get(
            {
              port,
              host: '127.0.0.1',
              agent,
              path: `/api/mesh/entities/component/default/app-${e}`,
              headers: { authorization: auth },
            },
            res => {
              res.resume();
              res.on('end', () => resolve());
            },
          )
          .on('error', reject),
      );
    }
    gc();
    const heapViewed = process.memoryUsage().heapUsed;
    const sequential: number[] = [];
    const profileTo = process.env.MESH_BENCH_PROFILE;
    const session = profileTo ? new inspector.Session() : undefined;
    const post = (method: string, params?: object) =>
      new Promise<any>((resolve, reject) =>
        session!.post(method, params ?? {}, (err, result) =>
          err ? reject(err) : resolve(result),
        ),
      );
    if (session) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    }
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < 200; i++) {
      sequential.push(await view());
    }
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerViewMs = (cpu.user + cpu.system) / 1000 / 200;
    if (session) {
      const { profile } = await post('Profiler.stop');
      fs.writeFileSync(profileTo!, JSON.stringify(profile));
      session.disconnect();
    }
    const requestsBefore = apis.reduce((n, a) => n + a.count(), 0);
    const latencies: number[] = [];
    const total = 800;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          next++;
          latencies.push(await view());
        }
      }),
    );
    const requestsDuring =
      apis.reduce((n, a) => n + a.count(), 0) - requestsBefore;

    signals.length = 0;
    const changedAt = Date.now();
    const deployment = app(7, 'team-7')[1];
    apis[0].apply({
      ...deployment,
      status: { ...deployment.status, readyReplicas: 1 },
    });
    await waitFor(
      () =>
        signals.find(
          s => s.channel === meshSignalChannel('component:default/app-7'),
        ),
      { timeoutMs: 10_000 },
    );
    const propagationMs = Date.now() - changedAt;

    const report = {
      objectsPerCluster: apis[0].count() && OBJECTS,
      warmupMs,
      cacheHeap: mb(heapAfter - heapBefore),
      indexesAndChainsHeap: mb(heapViewed - heapAfter),
      rssGrowth: mb(rssAfter - rssBefore),
      rss: mb(rssAfter),
      firstViewMs: Math.round(first),
      responseBytes: lastSize,
      cpuPerViewMs: Math.round(cpuPerViewMs * 100) / 100,
      sequentialP50Ms: Math.round(percentile(sequential, 50) * 10) / 10,
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p95Ms: Math.round(percentile(latencies, 95) * 10) / 10,
      clusterRequestsDuringViews: requestsDuring,
      propagationMs,
    };
    // eslint-disable-next-line no-console
    console.log(JSON.stringify(report, null, 2));
    agent.destroy();
    await backend.stop();
    await Promise.all(apis.map(a => a.close()));
    expect(requestsDuring).toBe(0);
  });
});
