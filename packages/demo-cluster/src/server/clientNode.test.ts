/*
 * @kubernetes/client-node, unchanged, against the simulator over HTTPS.
 */
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
} from '@kubernetes/client-node';
import https from 'https';
import { DemoCluster, startDemoCluster } from '../DemoCluster';

let cluster: DemoCluster;

// Generous limits: these machines are shared; the waits return as soon as
// the cluster gets there.
jest.setTimeout(60_000);
let kc: KubeConfig;

function configFor(token?: string) {
  const c = new KubeConfig();
  c.loadFromString(token ? cluster.kubeconfigFor(token) : cluster.kubeconfig);
  return c;
}

/** The Status body of a failed call. */
async function failure(
  p: Promise<unknown>,
): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ApiException) {
      const body =
        typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
      return { code: error.code, body };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

const deployment = (name: string, namespace = 'team', replicas = 1): any => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace,
    labels: { app: name, 'backstage.io/kubernetes-id': name },
  },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
        ],
      },
    },
  },
});

beforeAll(async () => {
  // Controllers off: these tests are about the API, and a controller's
  // status write would (realistically) make a read-modify-write conflict.
  const t0 = Date.now();
  cluster = await startDemoCluster({
    controllers: false,
    watchHistorySize: 200,
  });
  process.stdout.write(`started in ${Date.now() - t0} ms\n`);
  kc = configFor();
  await cluster.apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team' },
  });
});

afterAll(() => cluster.stop());

describe('discovery', () => {
  it('serves version, groups and resource lists with short names', async () => {
    const versionRes = await fetchJson('/version');
    expect(versionRes.gitVersion).toMatch(/^v1\.32\./);
    const groups = await fetchJson('/apis');
    expect(groups.groups.map((g: any) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'autoscaling',
        'networking.istio.io',
        'gateway.networking.k8s.io',
      ]),
    );
    const istio = groups.groups.find(
      (g: any) => g.name === 'networking.istio.io',
    );
    expect(istio.versions.map((v: any) => v.version)).toEqual([
      'v1',
      'v1beta1',
      'v1alpha3',
    ]);
    expect(istio.preferredVersion.version).toBe('v1');
    const list = await fetchJson('/apis/networking.istio.io/v1');
    const vs = list.resources.find((r: any) => r.name === 'virtualservices');
    expect(vs).toMatchObject({
      kind: 'VirtualService',
      namespaced: true,
      shortNames: ['vs'],
    });
    const apps = await fetchJson('/apis/apps/v1');
    expect(
      apps.resources.find((r: any) => r.name === 'deployments/scale'),
    ).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const core = await fetchJson('/api/v1');
    expect(
      core.resources.find((r: any) => r.name === 'services').shortNames,
    ).toEqual(['svc']);
  });
});

describe('what the stock Kubernetes plugin reads', () => {
  it('serves every kind in its default object list', async () => {
    // plugins/kubernetes-backend KubernetesFanOutHandler DEFAULT_OBJECTS
    const paths = [
      '/api/v1/namespaces/team/pods',
      '/api/v1/namespaces/team/services',
      '/api/v1/namespaces/team/configmaps',
      '/api/v1/namespaces/team/limitranges',
      '/api/v1/namespaces/team/resourcequotas',
      '/apis/apps/v1/namespaces/team/deployments',
      '/apis/apps/v1/namespaces/team/replicasets',
      '/apis/apps/v1/namespaces/team/statefulsets',
      '/apis/apps/v1/namespaces/team/daemonsets',
      '/apis/autoscaling/v2/namespaces/team/horizontalpodautoscalers',
      '/apis/batch/v1/namespaces/team/jobs',
      '/apis/batch/v1/namespaces/team/cronjobs',
      '/apis/networking.k8s.io/v1/namespaces/team/ingresses',
    ];
    for (const path of paths) {
      const list = await fetchJson(
        `${path}?labelSelector=backstage.io%2Fkubernetes-id%3Dnothing`,
      );
      expect({ path, kind: list.kind, items: list.items }).toEqual({
        path,
        kind: expect.stringMatching(/List$/),
        items: [],
      });
    }
  });
});

async function fetchJson(path: string, token = cluster.tokens.admin) {
  return new Promise<any>((resolve, reject) => {
    const req = https.request(
      `${cluster.url}${path}`,
      { ca: cluster.caPem, headers: { authorization: `Bearer ${token}` } },
      res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('typed clients', () => {
  it('creates, reads, lists, updates and deletes core and apps objects', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const created = await apps.createNamespacedDeployment({
      namespace: 'team',
      body: deployment('crud'),
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.strategy?.rollingUpdate?.maxSurge).toBe('25%');

    const read = await apps.readNamespacedDeployment({
      name: 'crud',
      namespace: 'team',
    });
    read.spec!.replicas = 2;
    const updated = await apps.replaceNamespacedDeployment({
      name: 'crud',
      namespace: 'team',
      body: read,
    });
    expect(updated.metadata?.generation).toBe(2);

    // A stale resourceVersion is a 409 Conflict.
    const stale = await failure(
      apps.replaceNamespacedDeployment({
        name: 'crud',
        namespace: 'team',
        body: read,
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.body.reason).toBe('Conflict');

    const listed = await apps.listNamespacedDeployment({
      namespace: 'team',
      labelSelector: 'app in (crud,other)',
    });
    expect(listed.items.map(d => d.metadata?.name)).toEqual(['crud']);

    await apps.deleteNamespacedDeployment({ name: 'crud', namespace: 'team' });
    const gone = await failure(
      apps.readNamespacedDeployment({ name: 'crud', namespace: 'team' }),
    );
    expect(gone.code).toBe(404);
    expect(gone.body.message).toBe('deployments.apps "crud" not found');
  });

  it('allocates service addresses and rejects a node port that is taken', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const svc = (name: string, nodePort?: number) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'team' },
      spec: {
        type: 'NodePort',
        selector: { app: name },
        ports: [{ port: 80, nodePort }],
      },
    });
    const a = await core.createNamespacedService({
      namespace: 'team',
      body: svc('np-a', 31001),
    });
    expect(a.spec?.clusterIP).toMatch(/^10\.96\./);
    expect(a.spec?.ports?.[0]).toMatchObject({
      nodePort: 31001,
      targetPort: 80,
      protocol: 'TCP',
    });
    const b = await failure(
      core.createNamespacedService({
        namespace: 'team',
        body: svc('np-b', 31001),
      }),
    );
    expect(b.code).toBe(422);
    expect(b.body.details.causes).toEqual([
      expect.objectContaining({
        field: 'spec.ports[0].nodePort',
        message: 'Invalid value: 31001: provided port is already allocated',
      }),
    ]);
    const auto = await core.createNamespacedService({
      namespace: 'team',
      body: svc('np-c'),
    });
    expect(auto.spec?.ports?.[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(auto.spec?.ports?.[0].nodePort).toBeLessThanOrEqual(32767);
  });

  it('rejects invalid objects with 422 and field causes: types first, then the semantic checks', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const bad = deployment('bad') as any;
    bad.spec.replicas = 'three';
    bad.spec.template.metadata.labels = { app: 'other' };
    delete bad.spec.template.spec.containers[0].image;
    const res = await failure(
      apps.createNamespacedDeployment({ namespace: 'team', body: bad }),
    );
    expect(res.code).toBe(422);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      details: { kind: 'Deployment', name: 'bad', group: 'apps' },
    });
    // Like the API server, which decodes the body before it validates it.
    expect(
      res.body.details.causes.map((c: any) => [c.reason, c.field]),
    ).toEqual([['FieldValueTypeInvalid', 'spec.replicas']]);

    bad.spec.replicas = 3;
    const semantic = await failure(
      apps.createNamespacedDeployment({ namespace: 'team', body: bad }),
    );
    expect(semantic.code).toBe(422);
    expect(
      semantic.body.details.causes.map((c: any) => [c.reason, c.field]),
    ).toEqual(
      expect.arrayContaining([
        ['FieldValueInvalid', 'spec.template.metadata.labels'],
        ['FieldValueRequired', 'spec.template.spec.containers[0].image'],
      ]),
    );
  });

  it('answers 405 to writes of namespaced kinds outside a namespace', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        `${cluster.url}/api/v1/configmaps`,
        {
          method: 'POST',
          ca: cluster.caPem,
          headers: {
            authorization: `Bearer ${cluster.tokens.admin}`,
            'content-type': 'application/json',
          },
        },
        r => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'x' },
        }),
      );
    });
    expect(res).toBe(405);
  });

  it('paginates lists with limit and continue', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 7; i++) {
      await core.createNamespacedConfigMap({
        namespace: 'team',
        body: {
          metadata: { name: `page-${i}`, labels: { paged: 'yes' } },
          data: { i: String(i) },
        },
      });
    }
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: 'team',
        limit: 3,
        _continue: token,
        labelSelector: 'paged=yes',
      });
      names.push(...page.items.map(c => c.metadata!.name!));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual([0, 1, 2, 3, 4, 5, 6].map(i => `page-${i}`));
  });
});

describe('custom resources and server-side apply', () => {
  it('serves Istio kinds in v1, v1beta1 and v1alpha3', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1beta1',
      namespace: 'team',
      plural: 'virtualservices',
      body: {
        apiVersion: 'networking.istio.io/v1beta1',
        kind: 'VirtualService',
        metadata: { name: 'web' },
        spec: {
          hosts: ['web.example.com'],
          http: [{ route: [{ destination: { host: 'web' } }] }],
        },
      },
    });
    const v1 = (await custom.getNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: 'team',
      plural: 'virtualservices',
      name: 'web',
    })) as any;
    expect(v1.apiVersion).toBe('networking.istio.io/v1');
    const alpha = (await custom.listNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1alpha3',
      namespace: 'team',
      plural: 'virtualservices',
    })) as any;
    expect(alpha.kind).toBe('VirtualServiceList');
    expect(alpha.items[0].apiVersion).toBe('networking.istio.io/v1alpha3');
  });

  it('rejects Istio objects that violate the schema, then the weights rule', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const split = (hosts: unknown) =>
      objects.create({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'split', namespace: 'team' },
        spec: {
          hosts,
          http: [
            {
              route: [
                { destination: { host: 'a' }, weight: 70 },
                { destination: { host: 'b' }, weight: 70 },
              ],
            },
          ],
        },
      } as any);
    // The CRD schema is checked before Istio's webhook sees the object.
    const schema = await failure(split('not-a-list'));
    expect(schema.code).toBe(422);
    expect(schema.body.details.causes).toEqual([
      expect.objectContaining({
        field: 'spec.hosts',
        reason: 'FieldValueTypeInvalid',
      }),
    ]);
    const weights = await failure(split(['a']));
    expect(weights.code).toBe(422);
    expect(weights.body.details.causes).toEqual([
      expect.objectContaining({
        field: 'spec.http[0].route',
        message: expect.stringContaining('total destination weight 140 != 100'),
      }),
    ]);
  });

  it('applies server-side with dryRun, field managers and conflicts', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const spec = deployment('ssa', 'team', 2);
    const dry = await objects.patch(
      spec,
      undefined,
      'All',
      'scaffolder',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(dry.metadata?.uid).toBeTruthy();
    expect(
      await cluster.get('apps/v1', 'Deployment', 'ssa', 'team'),
    ).toBeUndefined();

    const applied = await objects.patch(
      spec,
      undefined,
      undefined,
      'scaffolder',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect(applied.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'scaffolder',
      operation: 'Apply',
    });

    // Someone else scales it; re-applying replicas now conflicts.
    await objects.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'ssa', namespace: 'team' },
        spec: { replicas: 5 },
      } as any,
      undefined,
      undefined,
      'kubectl',
      undefined,
      PatchStrategy.MergePatch,
    );
    const conflict = await failure(
      objects.patch(
        spec,
        undefined,
        undefined,
        'scaffolder',
        false,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.body.message).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl"',
    );
    expect(conflict.body.details.causes[0]).toMatchObject({
      reason: 'FieldManagerConflict',
      field: '.spec.replicas',
    });

    const forced = await objects.patch(
      spec,
      undefined,
      undefined,
      'scaffolder',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(forced.spec?.replicas).toBe(2);

    // Dropping a label from the applied config removes it.
    const slimmer = deployment('ssa', 'team', 2);
    delete (slimmer.metadata.labels as any)['backstage.io/kubernetes-id'];
    const pruned = await objects.patch(
      slimmer,
      undefined,
      undefined,
      'scaffolder',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect(pruned.metadata?.labels).toEqual({ app: 'ssa' });
  });
});

describe('auth', () => {
  it('answers 401 without a valid token and 403 for writes with the read-only token', async () => {
    const anonymous = configFor('not-a-token');
    const unauth = await failure(
      anonymous.makeApiClient(CoreV1Api).listNamespace(),
    );
    expect(unauth.code).toBe(401);

    const readonly = configFor(cluster.tokens.readonly).makeApiClient(
      CoreV1Api,
    );
    expect(
      (await readonly.listNamespacedConfigMap({ namespace: 'team' })).items
        .length,
    ).toBeGreaterThan(0);
    const denied = await failure(
      readonly.createNamespacedConfigMap({
        namespace: 'team',
        body: { metadata: { name: 'nope' } },
      }),
    );
    expect(denied.code).toBe(403);
    expect(denied.body.message).toBe(
      'configmaps is forbidden: User "demo-readonly" cannot create resource "configmaps" in API group "" in the namespace "team"',
    );
  });

  it('hides the restricted namespace from the restricted token', async () => {
    await cluster.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: cluster.tokens.restrictedNamespace },
    });
    const restricted = configFor(cluster.tokens.restricted).makeApiClient(
      CoreV1Api,
    );
    expect(
      (await restricted.listNamespacedPod({ namespace: 'team' })).items,
    ).toBeDefined();
    expect(
      (
        await failure(
          restricted.listNamespacedPod({
            namespace: cluster.tokens.restrictedNamespace,
          }),
        )
      ).code,
    ).toBe(403);
    expect((await failure(restricted.listPodForAllNamespaces())).code).toBe(
      403,
    );
  });
});

describe('watch', () => {
  it('streams events, resumes from a resourceVersion and answers 410 when it is too old', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.createNamespacedConfigMap({
      namespace: 'team',
      body: { metadata: { name: 'w-1', labels: { w: 'yes' } } },
    });
    const fromRv = first.metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({
      namespace: 'team',
      body: { metadata: { name: 'w-2', labels: { w: 'yes' } } },
    });

    const seen: string[] = [];
    const watch = new Watch(kc);
    const done = new Promise<void>(resolve => {
      void watch
        .watch(
          '/api/v1/namespaces/team/configmaps',
          {
            resourceVersion: fromRv,
            labelSelector: 'w=yes',
            allowWatchBookmarks: true,
          },
          (type, obj) => {
            seen.push(`${type} ${obj.metadata.name}`);
            if (seen.length === 3) resolve();
          },
          () => {},
        )
        .then(controller => done.finally(() => controller.abort()));
    });
    await cluster.waitFor(() => seen.length >= 1, {
      description: 'the backlog event',
    });
    await core.deleteNamespacedConfigMap({ name: 'w-1', namespace: 'team' });
    await core.createNamespacedConfigMap({
      namespace: 'team',
      body: { metadata: { name: 'w-other' } },
    });
    await core.patchNamespacedConfigMap({
      name: 'w-2',
      namespace: 'team',
      body: [{ op: 'add', path: '/data', value: { a: 'b' } }],
    });
    await done;
    expect(seen).toEqual(['ADDED w-2', 'DELETED w-1', 'MODIFIED w-2']);

    // After compaction the old resourceVersion is gone: an ERROR event with 410.
    cluster.compact();
    const expired = await new Promise<any>(resolve => {
      void new Watch(kc).watch(
        '/api/v1/namespaces/team/configmaps',
        { resourceVersion: fromRv },
        (type, obj) => type === 'ERROR' && resolve(obj),
        () => {},
      );
    });
    expect(expired).toMatchObject({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
    });
  });
});

describe('informers', () => {
  it('keep a client-node informer cache in step, across a forced relist', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await cluster.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'inf' },
    });
    await core.createNamespacedConfigMap({
      namespace: 'inf',
      body: { metadata: { name: 'before' } },
    });
    const informer = makeInformer(kc, '/api/v1/namespaces/inf/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'inf' }),
    );
    const seen: string[] = [];
    informer.on('add', o => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', o => seen.push(`update ${o.metadata?.name}`));
    informer.on('delete', o => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'inf',
        body: { metadata: { name: 'during' } },
      });
      await core.patchNamespacedConfigMap({
        name: 'during',
        namespace: 'inf',
        body: [{ op: 'add', path: '/data', value: { x: '1' } }],
      });
      await core.deleteNamespacedConfigMap({
        name: 'before',
        namespace: 'inf',
      });
      await cluster.waitFor(() => seen.includes('delete before'), {
        description: 'the informer events',
      });
      expect(seen).toEqual([
        'add before',
        'add during',
        'update during',
        'delete before',
      ]);
      expect(informer.list('inf').map(o => o.metadata?.name)).toEqual([
        'during',
      ]);

      // The watch ends and its resourceVersion is compacted away: the
      // informer gets 410, lists again and sees what changed meanwhile.
      const watchesBefore = cluster.stats().requests['watch configmaps'] ?? 0;
      cluster.compact();
      cluster.endWatches();
      await core.createNamespacedConfigMap({
        namespace: 'inf',
        body: { metadata: { name: 'after' } },
      });
      await cluster.waitFor(() => informer.list('inf').length === 2, {
        description: 'the relist',
      });
      expect(
        informer
          .list('inf')
          .map(o => o.metadata?.name)
          .sort(),
      ).toEqual(['after', 'during']);
      expect(cluster.stats().requests['watch configmaps']).toBeGreaterThan(
        watchesBefore,
      );
      expect(cluster.stats().activeWatches).toBeGreaterThanOrEqual(1);
    } finally {
      await informer.stop();
    }
  });
});
