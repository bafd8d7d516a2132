/*
 * Changing traffic through the mesh API, against demo clusters over HTTPS
 * with RBAC: previews are server-side dry runs that leave the cluster as it
 * was, applies are server-side applies with the mesh field manager and the
 * change's own credential, other field managers are reported and respected,
 * the caller needs mesh.chain.update, and every call is audited.
 */
import {
  AuditorService,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DemoCluster, startDemoCluster } from '@mesh-chain/demo-cluster';
import type {
  ChangePreview,
  KubeObject,
  MeshChainResponse,
} from '@mesh-chain/plugin-mesh-common';
import request from 'supertest';
import YAML from 'yaml';
import {
  component,
  startMeshBackend,
  waitForCaches,
} from './__testUtils__/testBackend';
import { waitFor } from './__testUtils__/waitFor';

jest.setTimeout(60_000);

const OWNER = 'user:default/owner';
const ADMIN = 'user:default/admin';
const OTHER = 'user:default/other';
const CHECKOUT_HOST = 'checkout.shop.svc.cluster.local';

/** The sample policy's decisions, without a catalog: who may change, who may force. */
const permissions: PermissionsService = {
  async authorize(requests, options) {
    const user = (options.credentials.principal as any).userEntityRef;
    return requests.map(({ permission }) => {
      let allowed = true;
      if (permission.name === 'mesh.chain.update') {
        allowed = user === OWNER || user === ADMIN;
      } else if (permission.name === 'mesh.chain.update.force') {
        allowed = user === ADMIN;
      }
      return {
        result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }) as any;
  },
  async authorizeConditional(requests) {
    return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
  },
};

interface AuditRecord {
  eventId: string;
  severityLevel?: string;
  meta: Record<string, any>;
  outcome?: 'success' | 'fail';
  error?: string;
}
const audits: AuditRecord[] = [];
const auditor: AuditorService = {
  async createEvent(options) {
    const record: AuditRecord = {
      eventId: options.eventId,
      severityLevel: options.severityLevel,
      meta: { ...options.meta },
    };
    audits.push(record);
    return {
      async success(o) {
        Object.assign(record, {
          outcome: 'success',
          meta: { ...record.meta, ...o?.meta },
        });
      },
      async fail(o) {
        Object.assign(record, {
          outcome: 'fail',
          error: o.error.message,
          meta: { ...record.meta, ...o.meta },
        });
      },
    };
  },
};

let dev: DemoCluster;
let prod: DemoCluster;
let backend: TestBackend;
let actions: Awaited<ReturnType<typeof startMeshBackend>>['actions'];

beforeAll(async () => {
  [dev, prod] = await Promise.all([
    startDemoCluster({
      name: 'dev',
      scenario: ['canary', 'hpa-max', 'healthy', 'subset-no-pods', 'nodeport'],
      changesNamespaces: ['shop', 'finance'],
      timeScale: 100,
    }),
    startDemoCluster({
      name: 'prod',
      scenario: 'prod',
      changesNamespaces: ['shop'],
      timeScale: 100,
    }),
  ]);
  const cluster = (name: string, c: DemoCluster) => ({
    name,
    url: c.url,
    authProvider: 'serviceAccount',
    serviceAccountToken: c.tokens.viewer,
    caData: c.caData,
  });
  ({ backend, actions } = await startMeshBackend({
    clusters: [cluster('dev', dev), cluster('prod', prod)],
    entities: [
      'checkout',
      'search',
      'storefront',
      'payments',
      'legacy-reports',
    ].map(name => ({
      ...component(name),
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    })),
    mesh: {
      changes: {
        targets: [
          {
            cluster: 'dev',
            // ops is allowed here but not by the cluster's RBAC.
            namespaces: ['shop', 'finance', 'ops'],
            credentials: { serviceAccountToken: dev.tokens.changes },
          },
          {
            cluster: 'prod',
            namespaces: ['shop'],
            credentials: { serviceAccountToken: prod.tokens.changes },
          },
        ],
      },
    },
    extraFeatures: [
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => permissions,
      }),
      createServiceFactory({
        service: coreServices.auditor,
        deps: {},
        factory: () => auditor,
      }),
    ],
  }));
  await waitForCaches(backend);
}, 90_000);

afterAll(async () => {
  await backend?.stop();
  await Promise.all([dev?.stop(), prod?.stop()]);
}, 30_000);

function post(
  entity: string,
  action: 'preview' | 'apply',
  body: object,
  user = OWNER,
) {
  return request(backend.server)
    .post(`/api/mesh/entities/component/default/${entity}/changes/${action}`)
    .set('authorization', mockCredentials.user.header(user))
    .send(body);
}

const weights = (cluster: string, split: Array<[string, number]>) => ({
  cluster,
  change: {
    type: 'route-weights',
    target: { namespace: 'shop', name: 'checkout' },
    route: { protocol: 'http', index: 0, name: 'default' },
    destinations: split.map(([subset, weight]) => ({
      host: CHECKOUT_HOST,
      subset,
      port: 80,
      weight,
    })),
  },
});

async function liveObject(
  c: DemoCluster,
  apiVersion: string,
  kind: string,
  name: string,
  namespace = 'shop',
): Promise<KubeObject> {
  return (await c.get(apiVersion, kind, name, namespace))!;
}

const routeOf = (vs: KubeObject) =>
  vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight]);

describe('a route weight change', () => {
  it('is previewed as a dry run: the patch, the diff, the consequences; nothing is written', async () => {
    const res = await post(
      'checkout',
      'preview',
      weights('dev', [
        ['v1', 50],
        ['v2', 50],
      ]),
    );
    expect(res.status).toBe(200);
    const preview = res.body as ChangePreview;
    expect(preview.summary).toBe(
      'http[0] "default" of VirtualService shop/checkout: v1:80 90%, v2:80 10% → v1:80 50%, v2:80 50%',
    );
    expect(preview.decision).toMatchObject({
      allowed: true,
      needsForce: false,
    });
    expect(preview.fieldManager).toBe('backstage-mesh-changes');
    // Istio's lists are atomic: the whole list is applied, and says so.
    expect(preview.fields).toEqual(['spec.http']);
    expect(preview.notes[0]).toMatch(/atomic list/);
    const config = YAML.parse(preview.applyConfiguration);
    expect(config.metadata).toEqual({ name: 'checkout', namespace: 'shop' });
    expect(Object.keys(config.spec)).toEqual(['http']);
    expect(preview.diff).toContain('-          weight: 90');
    expect(preview.diff).toContain('+          weight: 50');
    expect(preview.diagnostics.introduced).toEqual([]);
    expect(preview.diagnostics.remaining).toEqual([]);
    const [trace] = preview.traces;
    expect(trace.request.url).toBe('http://checkout.demo.example.com/');
    expect(trace.before.routeId).toBe(trace.after.routeId);
    expect(trace.before.destinations.map(d => [d.subset, d.weight])).toEqual([
      ['v1', 90],
      ['v2', 10],
    ]);
    expect(trace.after.destinations.map(d => [d.subset, d.weight])).toEqual([
      ['v1', 50],
      ['v2', 50],
    ]);
    expect(trace.after.reachable).toBe(true);
    expect(
      routeOf(
        await liveObject(
          dev,
          'networking.istio.io/v1',
          'VirtualService',
          'checkout',
        ),
      ),
    ).toEqual([
      ['v1', 90],
      ['v2', 10],
    ]);
  });

  it('is applied by server-side apply with the mesh field manager, and the chain follows', async () => {
    const preview = await post(
      'checkout',
      'preview',
      weights('dev', [
        ['v1', 50],
        ['v2', 50],
      ]),
    );
    const res = await post('checkout', 'apply', {
      ...weights('dev', [
        ['v1', 50],
        ['v2', 50],
      ]),
      basis: preview.body.basis,
    });
    expect(res.status).toBe(200);
    expect(res.body.appliedAt).toBeTruthy();
    const vs = await liveObject(
      dev,
      'networking.istio.io/v1',
      'VirtualService',
      'checkout',
    );
    expect(routeOf(vs)).toEqual([
      ['v1', 50],
      ['v2', 50],
    ]);
    const entry = (vs.metadata.managedFields as any[]).find(
      e => e.manager === 'backstage-mesh-changes',
    );
    expect(entry).toMatchObject({ operation: 'Apply' });
    expect(Object.keys(entry.fieldsV1['f:spec'])).toEqual(['f:http']);
    // The rest of the object is nobody's business of ours.
    expect(entry.fieldsV1['f:metadata']).toBeUndefined();
    await waitFor(
      async () => {
        const chain = (
          await request(backend.server).get(
            '/api/mesh/entities/component/default/checkout?cluster=dev',
          )
        ).body as MeshChainResponse;
        return chain.clusters[0].routes[0].destinations.every(
          d => d.weight === 50,
        );
      },
      { timeoutMs: 10_000, what: 'the chain to show 50/50' },
    );
  });

  it('is refused when the fields changed since the preview', async () => {
    const preview = await post(
      'checkout',
      'preview',
      weights('dev', [
        ['v1', 100],
        ['v2', 0],
      ]),
    );
    // Someone edits the weights meanwhile.
    const vs = await liveObject(
      dev,
      'networking.istio.io/v1',
      'VirtualService',
      'checkout',
    );
    vs.spec.http[0].route[0].weight = 40;
    vs.spec.http[0].route[1].weight = 60;
    await dev.apply(
      {
        apiVersion: vs.apiVersion,
        kind: vs.kind,
        metadata: { name: 'checkout', namespace: 'shop' },
        spec: { http: vs.spec.http },
      },
      { fieldManager: 'kubectl-edit' },
    );
    const res = await post('checkout', 'apply', {
      ...weights('dev', [
        ['v1', 100],
        ['v2', 0],
      ]),
      basis: preview.body.basis,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /spec.http changed since the preview/,
    );
  });

  it('takes the weights over from the one-off writer that set them last, saying so', async () => {
    const res = await post(
      'checkout',
      'preview',
      weights('dev', [
        ['v1', 50],
        ['v2', 50],
      ]),
    );
    expect(res.status).toBe(200);
    const preview = res.body as ChangePreview;
    expect(preview.owners).toEqual([
      expect.objectContaining({
        manager: 'kubectl-edit',
        role: 'writer',
        blocks: false,
        fields: ['spec.http'],
      }),
    ]);
    expect(preview.decision.allowed).toBe(true);
    expect(preview.decision.reasons.join(' ')).toMatch(
      /Takes over spec.http from kubectl-edit/,
    );
    const applied = await post(
      'checkout',
      'apply',
      weights('dev', [
        ['v1', 50],
        ['v2', 50],
      ]),
    );
    expect(applied.status).toBe(200);
    const vs = await liveObject(
      dev,
      'networking.istio.io/v1',
      'VirtualService',
      'checkout',
    );
    expect(routeOf(vs)).toEqual([
      ['v1', 50],
      ['v2', 50],
    ]);
  });

  it('shows the diagnostic and the failing requests before sending traffic to a subset no DestinationRule defines', async () => {
    const res = await post(
      'checkout',
      'preview',
      weights('dev', [
        ['v1', 50],
        ['v3', 50],
      ]),
    );
    expect(res.status).toBe(200);
    const preview = res.body as ChangePreview;
    expect(preview.diagnostics.introduced.map(d => d.code)).toEqual([
      'MESH-1003',
    ]);
    expect(preview.traces[0].after.reasons.join(' ')).toMatch(
      /subset v3 .* 503/,
    );
  });

  it('shows where requests to a subset that selects no pods end before anything is applied', async () => {
    const res = await post('payments', 'preview', {
      cluster: 'dev',
      change: {
        type: 'route-weights',
        target: { namespace: 'finance', name: 'payments' },
        route: { protocol: 'http', index: 0 },
        destinations: [
          {
            host: 'payments.finance.svc.cluster.local',
            subset: 'v1',
            port: 80,
            weight: 50,
          },
          {
            host: 'payments.finance.svc.cluster.local',
            subset: 'v2',
            port: 80,
            weight: 50,
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    const preview = res.body as ChangePreview;
    expect(preview.diagnostics.remaining.map(d => d.code)).toContain(
      'MESH-3002',
    );
    expect(preview.traces[0].after.reasons.join(' ')).toMatch(
      /50% of requests go to .* subset v2, where no pod carries .*503/,
    );
  });
});

describe('a timeout change', () => {
  it('reaches the route simulator once applied', async () => {
    const body = {
      cluster: 'dev',
      change: {
        type: 'route-timeouts',
        target: { namespace: 'shop', name: 'checkout' },
        route: { protocol: 'http', index: 0 },
        timeout: '7s',
        retries: {
          attempts: 3,
          perTryTimeout: '2s',
          retryOn: '5xx,connect-failure',
        },
      },
    };
    const preview = await post('checkout', 'preview', body);
    expect(preview.status).toBe(200);
    expect(preview.body.traces[0].before.timeout).toBe('10s');
    expect(preview.body.traces[0].after.timeout).toBe('7s');
    expect((await post('checkout', 'apply', body)).status).toBe(200);
    await waitFor(
      async () => {
        const res = await request(backend.server)
          .post('/api/mesh/entities/component/default/checkout/route')
          .send({
            url: 'http://checkout.demo.example.com/cart',
            cluster: 'dev',
          });
        return res.body.results?.[0]?.timeout === '7s' && res.body.results[0];
      },
      { timeoutMs: 10_000, what: 'the simulator to answer the new timeout' },
    );
  });
});

describe('autoscaler, replicas and restarts', () => {
  it('raises an autoscaler pinned at its maximum, and the diagnostic goes', async () => {
    const res = await post('search', 'preview', {
      cluster: 'dev',
      change: {
        type: 'autoscaler',
        target: { namespace: 'shop', name: 'search' },
        maxReplicas: 20,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.fields).toEqual(['spec.maxReplicas']);
    expect(res.body.diagnostics.fixed.map((d: any) => d.code)).toContain(
      'MESH-6001',
    );
  });

  it('keeps what an earlier change applied: a restart survives a later replicas change', async () => {
    const restart = await post('checkout', 'apply', {
      cluster: 'dev',
      change: {
        type: 'restart',
        target: { namespace: 'shop', name: 'checkout-v2' },
      },
    });
    expect(restart.status).toBe(200);
    const restartedAt = (
      await liveObject(dev, 'apps/v1', 'Deployment', 'checkout-v2')
    ).spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    expect(restartedAt).toBe(
      restart.body.after[
        'spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt]'
      ],
    );
    const scale = await post('checkout', 'apply', {
      cluster: 'dev',
      change: {
        type: 'replicas',
        target: { namespace: 'shop', name: 'checkout-v2' },
        replicas: 2,
      },
    });
    expect(scale.status).toBe(200);
    // Sent again with the replicas: leaving it out would remove it, and roll the pods again.
    expect(scale.body.applyConfiguration).toContain(
      'kubectl.kubernetes.io/restartedAt',
    );
    const deployment = await liveObject(
      dev,
      'apps/v1',
      'Deployment',
      'checkout-v2',
    );
    expect(deployment.spec.replicas).toBe(2);
    expect(
      deployment.spec.template.metadata.annotations[
        'kubectl.kubernetes.io/restartedAt'
      ],
    ).toBe(restartedAt);
  });

  it('refuses replicas of a Deployment its autoscaler scales, unless an administrator forces', async () => {
    const body = {
      cluster: 'dev',
      change: {
        type: 'replicas',
        target: { namespace: 'shop', name: 'storefront' },
        replicas: 5,
      },
    };
    const preview = await post('storefront', 'preview', body);
    expect(preview.status).toBe(200);
    expect(preview.body.decision).toMatchObject({
      allowed: false,
      needsForce: true,
      canForce: false,
    });
    expect(preview.body.owners).toEqual([
      expect.objectContaining({
        role: 'autoscaler',
        blocks: true,
        fields: ['spec.replicas'],
      }),
    ]);
    expect((await post('storefront', 'apply', body)).status).toBe(403);
    expect(
      (await post('storefront', 'apply', { ...body, force: true })).status,
    ).toBe(403);
    const forced = await post(
      'storefront',
      'preview',
      { ...body, force: true },
      ADMIN,
    );
    expect(forced.body.decision).toMatchObject({
      allowed: true,
      forced: true,
      canForce: true,
    });
  });

  it('says so when the cluster refuses the change credential', async () => {
    const res = await post('legacy-reports', 'preview', {
      cluster: 'dev',
      change: {
        type: 'replicas',
        target: { namespace: 'ops', name: 'legacy-reports' },
        replicas: 3,
      },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      /^Cluster 'dev' refused the credential of mesh.changes.targets\[0\] \(403 Forbidden by its RBAC\).*cannot patch resource "deployments"/,
    );
  });
});

describe('another field manager', () => {
  it('is reported with what it will do, and stops the change unless an administrator forces it', async () => {
    const body = weights('prod', [
      ['v1', 50],
      ['v2', 50],
    ]);
    const preview = await post('checkout', 'preview', body);
    expect(preview.status).toBe(200);
    expect(preview.body.owners).toEqual([
      expect.objectContaining({
        manager: 'flagger',
        role: 'controller',
        blocks: true,
        fields: ['spec.http'],
      }),
    ]);
    expect(preview.body.decision).toMatchObject({
      allowed: false,
      needsForce: true,
    });
    expect(preview.body.decision.reasons[0]).toMatch(
      /^Flagger \(progressive delivery\) owns spec.http\./,
    );
    const refused = await post('checkout', 'apply', body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/Flagger/);
    expect(
      routeOf(
        await liveObject(
          prod,
          'networking.istio.io/v1',
          'VirtualService',
          'checkout',
        ),
      ),
    ).toEqual([
      ['v1', 90],
      ['v2', 10],
    ]);
    const forced = await post(
      'checkout',
      'apply',
      { ...body, force: true },
      ADMIN,
    );
    expect(forced.status).toBe(200);
    const vs = await liveObject(
      prod,
      'networking.istio.io/v1',
      'VirtualService',
      'checkout',
    );
    expect(routeOf(vs)).toEqual([
      ['v1', 50],
      ['v2', 50],
    ]);
    expect(
      (vs.metadata.managedFields as any[]).find(e => e.manager === 'flagger')
        ?.fieldsV1?.['f:spec']?.['f:http'],
    ).toBeUndefined();
  });
});

describe('who may change', () => {
  it('answers 403 to a user who is not an owner, saying why, and records the refusal', async () => {
    const before = audits.length;
    const res = await post(
      'checkout',
      'preview',
      weights('dev', [
        ['v1', 70],
        ['v2', 30],
      ]),
      OTHER,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      "You may not change the traffic of component:default/checkout: the portal's permission policy does not grant you mesh.chain.update on it (ask its owner, team-a, or an administrator)",
    );
    expect(
      (
        await post(
          'checkout',
          'apply',
          weights('dev', [
            ['v1', 70],
            ['v2', 30],
          ]),
          OTHER,
        )
      ).status,
    ).toBe(403);
    expect(audits.slice(before)).toEqual([
      expect.objectContaining({
        eventId: 'chain-change',
        outcome: 'fail',
        meta: expect.objectContaining({
          action: 'preview',
          actor: OTHER,
          result: 'refused',
        }),
      }),
      expect.objectContaining({
        outcome: 'fail',
        meta: expect.objectContaining({
          action: 'apply',
          actor: OTHER,
          result: 'refused',
        }),
      }),
    ]);
  });

  it('keeps an owner to its own chain', async () => {
    const res = await post('checkout', 'preview', {
      cluster: 'dev',
      change: {
        type: 'replicas',
        target: { namespace: 'finance', name: 'payments' },
        replicas: 3,
      },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(
      /Deployment finance\/payments is not part of component:default\/checkout's chain/,
    );
    const elsewhere = await post('checkout', 'preview', {
      ...weights('dev', [['v1', 100]]),
      change: {
        ...weights('dev', [['v1', 100]]).change,
        destinations: [
          { host: 'payments.finance.svc.cluster.local', weight: 100 },
        ],
      },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toMatch(
      /^change.destinations\[0\].host: 'payments.finance.svc.cluster.local'/,
    );
  });
});

describe('the actions registry', () => {
  it("previews a change for an agent, with the caller's permissions", async () => {
    const input = {
      entityRef: 'component:default/search',
      cluster: 'dev',
      change: {
        type: 'autoscaler',
        target: { namespace: 'shop', name: 'search' },
        minReplicas: 3,
      },
    };
    const { output } = await actions.invoke({
      id: 'test:preview-change',
      input,
      credentials: mockCredentials.user(OWNER),
    });
    expect(output).toMatchObject({
      summary: expect.stringMatching(
        /^HorizontalPodAutoscaler shop\/search: minReplicas 2 → 3$/,
      ),
      allowed: true,
      fields: ['spec.minReplicas'],
    });
    await expect(
      actions.invoke({
        id: 'test:apply-change',
        input,
        credentials: mockCredentials.user(OTHER),
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
  });
});

describe('the audit record', () => {
  it('says who changed what, where, from what to what, and how it ended', async () => {
    const applied = audits.find(
      a => a.meta.action === 'apply' && a.meta.result === 'applied',
    );
    expect(applied).toMatchObject({
      eventId: 'chain-change',
      severityLevel: 'medium',
      outcome: 'success',
      meta: expect.objectContaining({
        actor: expect.stringMatching(/^user:default\//),
        entityRef: expect.stringMatching(/^component:default\//),
        cluster: expect.any(String),
        object: expect.any(String),
        fields: expect.any(Array),
        before: expect.any(Object),
        after: expect.any(Object),
      }),
    });
    expect(
      audits.some(
        a =>
          a.meta.action === 'preview' &&
          a.severityLevel === 'low' &&
          a.outcome === 'success',
      ),
    ).toBe(true);
  });
});

describe('bad input', () => {
  it('is a 400 naming the field and the fix', async () => {
    const res = await post(
      'checkout',
      'preview',
      weights('dev', [
        ['v1', 50],
        ['v2', 40],
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Invalid change: change.destinations: weights sum to 90; they must sum to 100 (e.g. 50 and 50)',
    );
    const unknown = await post('checkout', 'preview', {
      cluster: 'dev',
      change: { type: 'scale-to-zero' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(
      /change.type: must be one of 'route-weights'/,
    );
    const route = await post('checkout', 'preview', {
      ...weights('dev', [['v1', 100]]),
      change: {
        ...weights('dev', [['v1', 100]]).change,
        route: { protocol: 'http', index: 4 },
      },
    });
    expect(route.status).toBe(400);
    expect(route.body.error.message).toBe(
      'change.route.index: VirtualService shop/checkout has 1 http route (http[0]); there is no http[4]',
    );
  });

  it('lists where changes are allowed, without credentials', async () => {
    const res = await request(backend.server).get('/api/mesh/changes/targets');
    expect(res.body).toEqual({
      fieldManager: 'backstage-mesh-changes',
      targets: [
        { cluster: 'dev', namespaces: ['shop', 'finance', 'ops'] },
        { cluster: 'prod', namespaces: ['shop'] },
      ],
    });
  });
});
