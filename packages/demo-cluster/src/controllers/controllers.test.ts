/*
 * The simulated controllers, observed through the API the way a user would:
 * pods becoming ready, rollouts within their bounds, HPAs scaling under load.
 */
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { DemoCluster, startDemoCluster } from '../DemoCluster';
import type { KubeObject } from '../types';

let cluster: DemoCluster;

// Generous limits: these machines are shared; the waits return as soon as
// the cluster gets there.
jest.setTimeout(60_000);

// 500x: pods are Ready in ~6 ms, the HPA syncs every 30 ms and its
// 5-minute scale-down window lasts 0.6 s.
beforeAll(async () => {
  cluster = await startDemoCluster({ timeScale: 500 });
  await cluster.apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'apps' },
  });
});

afterAll(() => cluster.stop());

function deployment(
  name: string,
  extra: {
    replicas?: number;
    image?: string;
    strategy?: any;
    annotations?: Record<string, string>;
    podAnnotations?: Record<string, string>;
    progressDeadlineSeconds?: number;
  } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'apps',
      ...(extra.annotations && { annotations: extra.annotations }),
    },
    spec: {
      replicas: extra.replicas ?? 1,
      ...(extra.strategy && { strategy: extra.strategy }),
      ...(extra.progressDeadlineSeconds && {
        progressDeadlineSeconds: extra.progressDeadlineSeconds,
      }),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name },
          ...(extra.podAnnotations && { annotations: extra.podAnnotations }),
        },
        spec: {
          containers: [
            {
              name: 'web',
              image: extra.image ?? 'nginx:1.27',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
};

const get = (kind: string, name: string) =>
  cluster.get(API_VERSIONS[kind] ?? 'v1', kind, name, 'apps');

const pods = (app: string) =>
  cluster.list('v1', 'Pod', { namespace: 'apps', labelSelector: `app=${app}` });

const isReady = (p: KubeObject) =>
  p.status?.conditions?.some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );

describe('Deployment with an HPA', () => {
  it('brings pods up to Ready and scales with the load', async () => {
    await cluster.apply([
      deployment('web', {
        replicas: 1,
        annotations: { 'demo.mesh-chain.dev/load': 'rps=4' },
      }),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: 'apps' },
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'web',
          },
          minReplicas: 1,
          maxReplicas: 5,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: 50 },
              },
            },
          ],
        },
      },
    ]);

    // The pod goes Pending -> Running -> Ready, and the Deployment says so.
    const seenPhases = new Set<string>();
    const ready = await cluster.waitFor(
      async () => {
        for (const p of await pods('web'))
          seenPhases.add(`${p.status?.phase}${isReady(p) ? '+Ready' : ''}`);
        const d = await get('Deployment', 'web');
        return d?.status?.readyReplicas === 1 && d;
      },
      { description: 'web to be ready' },
    );
    expect(ready.status).toMatchObject({
      replicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 1,
    });
    expect(
      ready.status.conditions.map((c: any) => [c.type, c.status, c.reason]),
    ).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    expect(seenPhases.has('Running+Ready')).toBe(true);

    // 4 rps on one pod: 5m + 40m = 45m of 100m, 45% against a 50% target is
    // within the 10% tolerance: no change.
    const calm = await cluster.waitFor(
      async () => {
        const h = await get('HorizontalPodAutoscaler', 'web');
        return (
          h?.status?.currentMetrics?.[0]?.resource?.current
            ?.averageUtilization !== undefined && h
        );
      },
      { description: 'the HPA to report metrics' },
    );
    expect(calm.status).toMatchObject({
      currentReplicas: 1,
      desiredReplicas: 1,
    });
    expect(calm.status.currentMetrics[0]).toEqual({
      type: 'Resource',
      resource: {
        name: 'cpu',
        current: { averageUtilization: 45, averageValue: '45m' },
      },
    });

    // 40 rps needs 405m: ceil(4.05 * 1 / 0.5) = 9, capped at maxReplicas 5
    // and at the scale-up limit of max(2 * 1, 4) = 4 on the first step.
    await cluster.setLoad('apps', 'web', { rps: 40 });
    const scaled = await cluster.waitFor(
      async () => {
        const h = await get('HorizontalPodAutoscaler', 'web');
        return h?.status?.desiredReplicas === 5 && h;
      },
      { description: 'the HPA to scale to its maximum' },
    );
    const limited = scaled.status.conditions.find(
      (c: any) => c.type === 'ScalingLimited',
    );
    expect(limited).toMatchObject({
      status: 'True',
      reason: 'TooManyReplicas',
    });
    expect(scaled.status.lastScaleTime).toBeTruthy();
    await cluster.waitFor(
      async () => (await get('Deployment', 'web'))?.status?.readyReplicas === 5,
      { description: '5 ready pods' },
    );
    expect((await pods('web')).filter(isReady)).toHaveLength(5);

    // Back to idle: after the scale-down stabilization window, down to min.
    await cluster.setLoad('apps', 'web', { rps: 0 });
    await cluster.waitFor(
      async () => (await get('Deployment', 'web'))?.spec?.replicas === 1,
      { description: 'scale down to 1' },
    );
    const events = await cluster.list('v1', 'Event', {
      namespace: 'apps',
      fieldSelector:
        'involvedObject.kind=HorizontalPodAutoscaler,reason=SuccessfulRescale',
    });
    expect(events.map(e => e.message)).toEqual(
      expect.arrayContaining([
        'New size: 4; reason: cpu resource utilization (percentage of request) above target',
        'New size: 1; reason: All metrics below target',
      ]),
    );
  });

  it('follows behavior policies: one pod per period when scaling up', async () => {
    await cluster.apply([
      deployment('paced', {
        annotations: { 'demo.mesh-chain.dev/load': 'rps=100' },
      }),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'paced', namespace: 'apps' },
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'paced',
          },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: 50 },
              },
            },
          ],
          behavior: {
            scaleUp: {
              policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
            },
          },
        },
      },
    ]);
    const hpa = await get('HorizontalPodAutoscaler', 'paced');
    // The API server completed the behavior with its defaults.
    expect(hpa?.spec.behavior.scaleUp).toMatchObject({
      selectPolicy: 'Max',
      stabilizationWindowSeconds: 0,
    });
    expect(hpa?.spec.behavior.scaleDown.policies).toEqual([
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ]);
    const first = await cluster.waitFor(
      async () => {
        const h = await get('HorizontalPodAutoscaler', 'paced');
        return h?.status?.lastScaleTime && h;
      },
      { description: 'the first scale-up' },
    );
    expect(first.status.desiredReplicas).toBe(2);
    expect(
      first.status.conditions.find((c: any) => c.type === 'ScalingLimited'),
    ).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    await cluster.waitFor(
      async () => (await get('Deployment', 'paced'))?.spec?.replicas === 3,
      { description: 'the next step' },
    );
    const events = await cluster.list('v1', 'Event', {
      namespace: 'apps',
      fieldSelector: 'involvedObject.name=paced,reason=SuccessfulRescale',
    });
    expect(events.map(e => e.message.split(';')[0]).sort()).toEqual([
      'New size: 2',
      'New size: 3',
    ]);
  });

  it('reports a scale target that does not exist', async () => {
    await cluster.apply({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'orphan', namespace: 'apps' },
      spec: {
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'ghost',
        },
        maxReplicas: 3,
      },
    });
    const able = await cluster.waitFor(
      async () => {
        const h = await get('HorizontalPodAutoscaler', 'orphan');
        return h?.status?.conditions?.find(
          (c: any) => c.type === 'AbleToScale',
        );
      },
      { description: 'AbleToScale' },
    );
    expect(able).toMatchObject({
      status: 'False',
      reason: 'FailedGetScale',
      message:
        'the HPA controller was unable to get the target\'s current scale: deployments.apps "ghost" not found',
    });
  });

  it('reports a missing CPU request instead of scaling', async () => {
    const d = deployment('norequest', {
      annotations: { 'demo.mesh-chain.dev/load': 'rps=50' },
    });
    delete d.spec.template.spec.containers[0].resources;
    await cluster.apply([
      d,
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'norequest', namespace: 'apps' },
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'norequest',
          },
          maxReplicas: 3,
        },
      },
    ]);
    const hpa = await cluster.waitFor(
      async () => {
        const h = await get('HorizontalPodAutoscaler', 'norequest');
        const active = h?.status?.conditions?.find(
          (c: any) => c.type === 'ScalingActive',
        );
        return (
          active?.reason === 'FailedGetResourceMetric' &&
          active.message.includes('missing request') &&
          active
        );
      },
      { description: 'FailedGetResourceMetric' },
    );
    expect(hpa.message).toContain('missing request for cpu in container web');
    expect((await get('Deployment', 'norequest'))?.spec.replicas).toBe(1);
  });
});

describe('rollouts', () => {
  it('keeps a rolling update within maxSurge and maxUnavailable', async () => {
    const strategy = {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    };
    await cluster.apply(deployment('roll', { replicas: 4, strategy }));
    await cluster.waitFor(
      async () =>
        (await get('Deployment', 'roll'))?.status?.availableReplicas === 4,
      { description: 'initial rollout' },
    );

    // Watch ReplicaSets and the Deployment over HTTP while the image changes.
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    const specReplicas = new Map<string, number>();
    let maxTotal = 0;
    let minAvailable = Infinity;
    const watch = new Watch(kc);
    const rsWatch = await watch.watch(
      '/apis/apps/v1/namespaces/apps/replicasets',
      { labelSelector: 'app=roll' },
      (type, rs) => {
        if (type === 'DELETED') specReplicas.delete(rs.metadata.name);
        else specReplicas.set(rs.metadata.name, rs.spec.replicas);
        maxTotal = Math.max(
          maxTotal,
          [...specReplicas.values()].reduce((a, b) => a + b, 0),
        );
      },
      () => {},
    );
    const dWatch = await watch.watch(
      '/apis/apps/v1/namespaces/apps/deployments',
      { fieldSelector: 'metadata.name=roll' },
      (_type, d) => {
        minAvailable = Math.min(minAvailable, d.status?.availableReplicas ?? 0);
      },
      () => {},
    );
    try {
      await cluster.apply(
        deployment('roll', { replicas: 4, strategy, image: 'nginx:1.28' }),
      );
      const done = await cluster.waitFor(
        async () => {
          const d = await get('Deployment', 'roll');
          const s = d?.status;
          return (
            s?.observedGeneration === 2 &&
            s.updatedReplicas === 4 &&
            s.replicas === 4 &&
            s.availableReplicas === 4 &&
            d
          );
        },
        { description: 'the rolling update to finish' },
      );
      expect(done.metadata.generation).toBe(2);
      expect(maxTotal).toBe(5);
      expect(minAvailable).toBe(4);
      const sets = await cluster.list('apps/v1', 'ReplicaSet', {
        namespace: 'apps',
        labelSelector: 'app=roll',
      });
      expect(
        sets
          .map(rs => [
            rs.metadata.annotations?.['deployment.kubernetes.io/revision'],
            rs.spec.replicas,
          ])
          .sort(),
      ).toEqual([
        ['1', 0],
        ['2', 4],
      ]);
      expect(
        (await pods('roll')).every(
          p =>
            p.spec.containers[0].image === 'nginx:1.28' ||
            p.metadata.deletionTimestamp,
        ),
      ).toBe(true);
    } finally {
      rsWatch.abort();
      dWatch.abort();
    }
  });

  it('stops Recreate rollouts from running old and new pods together', async () => {
    const strategy = { type: 'Recreate' };
    await cluster.apply(deployment('recreate', { replicas: 2, strategy }));
    await cluster.waitFor(
      async () =>
        (await get('Deployment', 'recreate'))?.status?.availableReplicas === 2,
    );
    let overlap = false;
    const check = setInterval(async () => {
      const images = new Set(
        (await pods('recreate')).map(p => p.spec.containers[0].image),
      );
      if (images.size > 1) overlap = true;
    }, 1);
    await cluster.apply(
      deployment('recreate', { replicas: 2, strategy, image: 'nginx:1.28' }),
    );
    await cluster.waitFor(
      async () => {
        const d = await get('Deployment', 'recreate');
        return (
          d?.status?.updatedReplicas === 2 &&
          d.status.availableReplicas === 2 &&
          d.status.replicas === 2
        );
      },
      { description: 'the Recreate rollout' },
    );
    clearInterval(check);
    expect(overlap).toBe(false);
  });

  it('reports ProgressDeadlineExceeded when images cannot be pulled', async () => {
    await cluster.apply(
      deployment('badimage', {
        image: 'registry.invalid/app:1',
        progressDeadlineSeconds: 20,
      }),
    );
    const d = await cluster.waitFor(
      async () => {
        const x = await get('Deployment', 'badimage');
        return (
          x?.status?.conditions?.find(
            (c: any) => c.type === 'Progressing' && c.status === 'False',
          ) && x
        );
      },
      { description: 'ProgressDeadlineExceeded' },
    );
    expect(
      d.status.conditions.find((c: any) => c.type === 'Progressing'),
    ).toMatchObject({
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringMatching(
        /^ReplicaSet "badimage-\w+" has timed out progressing\.$/,
      ),
    });
    const [pod] = await pods('badimage');
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.containerStatuses[0].state.waiting.reason).toMatch(
      /ErrImagePull|ImagePullBackOff/,
    );
  });
});

describe('services', () => {
  it('keeps Endpoints in step with ready pods and gives LoadBalancers an address', async () => {
    await cluster.apply([
      deployment('ep', { replicas: 2 }),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'ep', namespace: 'apps' },
        spec: {
          type: 'LoadBalancer',
          selector: { app: 'ep' },
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
      },
    ]);
    const ep = await cluster.waitFor(
      async () => {
        const e = await get('Endpoints', 'ep');
        return e?.subsets?.[0]?.addresses?.length === 2 && e;
      },
      { description: 'two ready endpoints' },
    );
    expect(ep.subsets[0].ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
    ]);
    expect(ep.subsets[0].addresses[0]).toMatchObject({
      ip: expect.stringMatching(/^10\.244\./),
      targetRef: { kind: 'Pod' },
    });

    const svc = await cluster.waitFor(
      async () => {
        const s = await get('Service', 'ep');
        return s?.status?.loadBalancer?.ingress?.length && s;
      },
      { description: 'a load balancer address' },
    );
    expect(svc.status.loadBalancer.ingress[0].ip).toMatch(/^203\.0\.113\.\d+$/);
    expect(svc.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);

    await cluster.apply(deployment('ep', { replicas: 1 }));
    await cluster.waitFor(
      async () =>
        (await get('Endpoints', 'ep'))?.subsets?.[0]?.addresses?.length === 1,
      { description: 'one endpoint after scale-down' },
    );
  });

  it('lists pods that never become ready under notReadyAddresses', async () => {
    const d = deployment('slow', {
      replicas: 1,
      podAnnotations: { 'demo.mesh-chain.dev/simulate': 'never-ready' },
    });
    await cluster.apply([
      d,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'slow', namespace: 'apps' },
        spec: {
          selector: { app: 'slow' },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      },
    ]);
    const ep = await cluster.waitFor(
      async () => {
        const e = await get('Endpoints', 'slow');
        return e?.subsets?.[0]?.notReadyAddresses?.length === 1 && e;
      },
      { description: 'a not-ready endpoint' },
    );
    expect(ep.subsets[0].addresses).toBeUndefined();
  });
});

describe('deletion', () => {
  it('collects ReplicaSets and pods of a deleted Deployment, and empties deleted namespaces', async () => {
    await cluster.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } },
      {
        ...deployment('gc', { replicas: 2 }),
        metadata: { name: 'gc', namespace: 'doomed' },
      },
    ]);
    await cluster.waitFor(
      async () =>
        (
          await cluster.list('v1', 'Pod', { namespace: 'doomed' })
        ).filter(isReady).length === 2,
      { description: 'gc pods' },
    );
    expect(await cluster.delete('apps/v1', 'Deployment', 'gc', 'doomed')).toBe(
      true,
    );
    await cluster.waitFor(
      async () =>
        (
          await cluster.list('apps/v1', 'ReplicaSet', { namespace: 'doomed' })
        ).length === 0 &&
        (await cluster.list('v1', 'Pod', { namespace: 'doomed' })).length === 0,
      { description: 'dependents to go' },
    );

    await cluster.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'left', namespace: 'doomed' },
    });
    await cluster.delete('v1', 'Namespace', 'doomed');
    expect(
      (await cluster.get('v1', 'Namespace', 'doomed'))?.status?.phase,
    ).toBe('Terminating');
    await cluster.waitFor(
      async () => !(await cluster.get('v1', 'Namespace', 'doomed')),
      { description: 'the namespace to go' },
    );
    expect(
      await cluster.list('v1', 'ConfigMap', { namespace: 'doomed' }),
    ).toEqual([]);
  });
});
