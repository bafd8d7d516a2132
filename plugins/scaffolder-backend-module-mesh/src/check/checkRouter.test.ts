import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderServiceMock } from '@backstage/plugin-scaffolder-node/testUtils';
import express from 'express';
import request from 'supertest';
import { FakeCluster } from '../__testUtils__/FakeCluster';
import { fakeClusters } from '../__testUtils__/clusters';
import { istioIngressObjects } from '../__testUtils__/istioIngress';
import { toYaml } from '../chain/manifests';
import { renderChain } from '../chain/render';
import { chainSpecSchema } from '../chain/spec';
import { z } from '../lib/zod';
import { createCheckRouter } from './checkRouter';
import { CHECK_VALUE_LIMITS } from './valueLimits';

/*
 * The check endpoint with the scaffolder's dry run stubbed: the stub renders
 * `values.spec` (what the template's render step would get) and answers
 * with the outputs the preview template asks for.
 */

const template = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'mesh-service', namespace: 'default' },
  spec: {
    type: 'service',
    parameters: [{ properties: { name: { type: 'string' } } }],
    steps: [
      {
        id: 'render',
        action: 'mesh:chain:render',
        input: { name: '${{ parameters.name }}' },
      },
      { id: 'catalog-info', action: 'catalog:write', input: {} },
      {
        id: 'apply',
        if: '${{ parameters.applyToCluster }}',
        action: 'mesh:chain:apply',
        input: { cluster: '${{ parameters.cluster }}' },
      },
    ],
  },
};

const spec = (extra: Record<string, unknown> = {}) => ({
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  hosts: ['checkout.example.com'],
  ...extra,
});

describe('POST /api/scaffolder/mesh/check', () => {
  let cluster: FakeCluster;
  let scaffolder: ReturnType<typeof scaffolderServiceMock.mock>;

  async function app() {
    const config = new ConfigReader({
      mesh: {
        scaffolder: { targets: [{ cluster: 'dev', namespaces: ['shop'] }] },
      },
    });
    const logger = mockServices.logger.mock();
    const router = await createCheckRouter({
      httpAuth: mockServices.httpAuth(),
      catalog: catalogServiceMock({
        entities: [
          template,
          {
            ...template,
            metadata: { name: 'plain', namespace: 'default' },
            spec: { ...template.spec, steps: [template.spec.steps[1]] },
          },
        ],
      }),
      scaffolder,
      clusters: fakeClusters([{ name: 'dev' }]),
      config,
      logger,
      clientFactory: () => cluster,
    });
    const a = express();
    a.use(router);
    a.use(MiddlewareFactory.create({ config, logger }).error());
    return a;
  }

  beforeEach(() => {
    cluster = new FakeCluster().seed(istioIngressObjects());
    scaffolder = scaffolderServiceMock.mock({
      dryRun: async ({ values }) => {
        const v = values as any;
        const objects = renderChain(chainSpecSchema(z).parse(v.spec)).objects;
        return {
          output: {
            manifest: toYaml(objects),
            clusterDomain: 'cluster.local',
            cluster: v.cluster,
            applies: v.applyToCluster,
          },
          log: [],
          steps: [],
          directoryContents: [],
        } as any;
      },
    });
  });

  const post = async (body: unknown, auth = mockCredentials.user.header()) =>
    request(await app())
      .post('/mesh/check')
      .set('Authorization', auth)
      .send(body as object);

  it("answers the Service Mesh tab's findings for what the template would create in the cluster it applies to", async () => {
    const res = await post({
      templateRef: 'template:default/mesh-service',
      values: {
        spec: spec({
          gateway: { mode: 'existing', ref: 'istio-system/private-gateway' },
        }),
        applyToCluster: true,
        cluster: 'dev',
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      cluster: 'dev',
      checkedAgainst: 'cluster',
      components: ['backstage.io/kubernetes-id=checkout in shop'],
      notes: [],
      findings: [
        {
          code: 'MESH-1001',
          severity: 'error',
          title: 'VirtualService gateway not found',
          object: 'VirtualService shop/checkout',
          path: 'spec.gateways[0]',
          involvesManifests: true,
        },
      ],
    });
    expect(cluster.reads).toContain('list gateways istio-system');
    // The scaffolder ran the template's own render step, as the caller.
    const [call, options] = scaffolder.dryRun.mock.calls[0];
    expect(call.template.spec.steps.map((s: any) => s.action)).toEqual([
      'mesh:chain:render',
    ]);
    expect(call.template.spec.output).toEqual({
      manifest: "${{ steps['render'].output.manifest }}",
      clusterDomain: 'cluster.local',
      cluster: '${{ parameters.cluster }}',
      applies: '${{ parameters.applyToCluster }}',
    });
    expect(options.credentials).toEqual(mockCredentials.user());
  });

  it('checks the manifests alone, and says so, when the template does not apply them', async () => {
    const res = await post({
      templateRef: 'template:default/mesh-service',
      values: { spec: spec(), applyToCluster: false },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      checkedAgainst: 'manifests',
      findings: [],
      notes: [expect.stringMatching(/checked alone/)],
    });
    expect(res.body.cluster).toBeUndefined();
    expect(cluster.reads).toEqual([]);
  });

  it('checks the manifests alone, and says why, when the cluster cannot be read', async () => {
    cluster.listObjects = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), {
        code: 'ECONNREFUSED',
      });
    };
    const res = await post({
      templateRef: 'template:default/mesh-service',
      values: { spec: spec(), applyToCluster: true, cluster: 'dev' },
    });
    expect(res.status).toBe(200);
    expect(res.body.checkedAgainst).toBe('manifests');
    expect(res.body.notes).toEqual([
      expect.stringMatching(/cluster 'dev'.*checked alone/),
    ]);
  });

  it('answers 400 naming the field for a bad request, and for values the render step refuses', async () => {
    let res = await post({ values: 'everything' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/templateRef: Required/);
    expect(res.body.error.message).toMatch(/values: Expected object/);

    res = await post({ templateRef: 'template:default/plain', values: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /templateRef: template:default\/plain has no mesh:chain:render step/,
    );

    scaffolder.dryRun.mockRejectedValueOnce(
      Object.assign(new Error('Request failed with 400'), {
        statusCode: 400,
        body: {
          error: {
            name: 'InputError',
            message: 'Invalid input for mesh:chain:render:\n  - hosts[0]: …',
          },
        },
      }),
    );
    res = await post({
      templateRef: 'template:default/mesh-service',
      values: { spec: spec() },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^values: Invalid input for mesh:chain:render:\n {2}- hosts\[0\]/,
    );
  });

  it('answers 404 for a template the caller cannot see, 403 where templates may not write, 401 without a user', async () => {
    let res = await post({
      templateRef: 'template:default/nope',
      values: {},
    });
    expect(res.status).toBe(404);

    res = await post({
      templateRef: 'template:default/mesh-service',
      values: {
        spec: spec({ namespace: 'payments' }),
        applyToCluster: true,
        cluster: 'dev',
      },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      /may not apply to namespace 'payments' of cluster 'dev'/,
    );

    res = await post(
      { templateRef: 'template:default/mesh-service', values: {} },
      mockCredentials.none.header(),
    );
    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
    expect(scaffolder.dryRun).toHaveBeenCalledTimes(1);
  });

  it('answers 413 for a body over 256 kB, before rendering anything', async () => {
    const res = await post({
      templateRef: 'template:default/mesh-service',
      values: { blob: 'x'.repeat(300 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/request entity too large/i);
    expect(scaffolder.dryRun).not.toHaveBeenCalled();
  });

  it('refuses values beyond the limits, naming the field and the limit, before rendering anything', async () => {
    const templateRef = 'template:default/mesh-service';
    const { maxBytes, maxKeys, maxDepth } = CHECK_VALUE_LIMITS;

    let res = await post({
      templateRef,
      values: { spec: spec(), notes: 'x'.repeat(maxBytes) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(
      new RegExp(
        `^values: \\d+ bytes as JSON, more than the limit of ${maxBytes}$`,
      ),
    );

    res = await post({
      templateRef,
      values: Object.fromEntries(
        Array.from({ length: maxKeys + 1 }, (_, i) => [`field${i}`, i]),
      ),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `values: ${
        maxKeys + 1
      } fields, more than the ${maxKeys} a template form may have`,
    );

    let nested: unknown = { leaf: true };
    for (let i = 0; i < maxDepth + 1; i++) nested = { a: nested };
    res = await post({ templateRef, values: { deep: nested } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      new RegExp(
        `^values\\.deep(\\.a)+: nested more than ${maxDepth} levels deep`,
      ),
    );

    expect(scaffolder.dryRun).not.toHaveBeenCalled();
  });

  it('checks values at the limits', async () => {
    let nested: unknown = 'leaf';
    for (let i = 0; i < CHECK_VALUE_LIMITS.maxDepth - 1; i++) {
      nested = { a: nested };
    }
    const res = await post({
      templateRef: 'template:default/mesh-service',
      values: { spec: spec(), applyToCluster: false, deep: nested },
    });
    expect(res.status).toBe(200);
    expect(res.body.findings).toEqual([]);
  });
});
