import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import fs from 'fs';
import path from 'path';
import request from 'supertest';
import YAML from 'yaml';
import scaffolderModuleMesh from './index';

/*
 * The template in examples/template, run through the scaffolder's own
 * dry-run endpoint with the real scaffolder and catalog backends and this
 * module: every step runs in dry-run mode, so the manifests are rendered and
 * validated, nothing is applied and nothing is registered.
 */

const templateDir = path.resolve(__dirname, '../../../examples/template');

function templateFiles(
  dir = templateDir,
  prefix = '',
): Array<{ path: string; base64Content: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory()
      ? templateFiles(full, rel)
      : [
          {
            path: rel,
            base64Content: fs.readFileSync(full).toString('base64'),
          },
        ];
  });
}

const decode = (file: { base64Content: string }) =>
  Buffer.from(file.base64Content, 'base64').toString('utf8');

jest.setTimeout(30_000);

describe('the mesh-service template, through POST /api/scaffolder/v2/dry-run', () => {
  const catalogDir = createMockDirectory();
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    // As in app-config.yaml: a Location whose missing files are no error.
    catalogDir.setContent({
      'local.yaml': YAML.stringify({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Location',
        metadata: { name: 'local-components' },
        spec: {
          type: 'file',
          presence: 'optional',
          targets: ['./components/*.yaml'],
        },
      }),
    });
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        catalogPlugin,
        scaffolderModuleMesh,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              locations: [
                { type: 'file', target: catalogDir.resolve('local.yaml') },
              ],
            },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'dev',
                      url: 'http://127.0.0.1:1',
                      authProvider: 'serviceAccount',
                      serviceAccountToken: 'never-used',
                    },
                  ],
                },
              ],
            },
            mesh: {
              scaffolder: {
                targets: [{ cluster: 'dev', namespaces: ['*'] }],
                catalog: {
                  directory: catalogDir.resolve('components'),
                  location: 'location:default/local-components',
                },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();

    // The catalog ingests its configured file location on startup.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await request(server).get(
        '/api/catalog/entities/by-query?filter=kind=location',
      );
      if (res.body.items?.length) break;
      if (Date.now() > deadline)
        throw new Error(
          `catalog did not ingest its location: ${res.status} ${JSON.stringify(
            res.body,
          )}`,
        );
      await new Promise(r => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(async () => {
    await stop?.();
  });

  async function dryRun(values: Record<string, unknown>) {
    const template = YAML.parse(
      fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
    );
    return request(server).post('/api/scaffolder/v2/dry-run').send({
      template,
      values,
      secrets: {},
      directoryContents: templateFiles(),
    });
  }

  /** The last status the log reports for each step, in step order. */
  function statuses(body: any): Array<[string, string]> {
    const last = new Map<string, string>();
    for (const event of body.log ?? []) {
      if (event.body.stepId && event.body.status) {
        last.set(event.body.stepId, event.body.status);
      }
    }
    return [...last.entries()];
  }

  function files(body: any): Record<string, string> {
    return Object.fromEntries(
      body.directoryContents.map((f: any) => [f.path, decode(f)]),
    );
  }

  it('runs with the defaults a one-click user gets, showing the manifests and changing nothing', async () => {
    const res = await dryRun({
      name: 'checkout',
      owner: 'group:default/guests',
      image: 'nginxinc/nginx-unprivileged:1.27-alpine',
      containerPort: 8080,
      protocol: 'http',
      healthCheckPath: '/',
      replicas: 2,
      cpuRequest: '100m',
      memoryRequest: '128Mi',
      cpuLimit: '500m',
      memoryLimit: '256Mi',
      serviceType: 'ClusterIP',
      servicePort: 80,
      gatewayMode: 'new',
      tls: false,
      hosts: [],
      routes: [{ path: '/', match: 'prefix' }],
      loadBalancer: 'ROUND_ROBIN',
      canary: false,
      autoscaling: true,
      minReplicas: 2,
      maxReplicas: 5,
      cpuTarget: 70,
      scaleDownWindow: 300,
      namespace: 'default',
      createNamespace: true,
      applyToCluster: true,
      cluster: 'dev',
      waitForAvailable: true,
      publish: false,
      // The value of the last page's MeshChainCheck field, as the form sends it.
      meshCheck: ['No problems found'],
    });
    expect([
      res.status,
      res.status === 200 ? '' : JSON.stringify(res.body),
    ]).toEqual([200, '']);
    expect(statuses(res.body)).toEqual([
      ['render', 'completed'],
      ['catalog-info', 'completed'],
      ['skeleton', 'completed'],
      ['apply', 'completed'],
      ['publish', 'skipped'],
      ['register', 'skipped'],
      ['register-local', 'completed'],
    ]);

    const out = files(res.body);
    expect(Object.keys(out).sort()).toEqual([
      'README.md',
      'catalog-info.yaml',
      'kubernetes/deployment.yaml',
      'kubernetes/destinationrule.yaml',
      'kubernetes/gateway.yaml',
      'kubernetes/hpa.yaml',
      'kubernetes/kustomization.yaml',
      'kubernetes/namespace.yaml',
      'kubernetes/service.yaml',
      'kubernetes/virtualservice.yaml',
    ]);
    const entity = YAML.parse(out['catalog-info.yaml']);
    expect(entity).toMatchObject({
      kind: 'Component',
      metadata: {
        name: 'checkout',
        annotations: {
          'backstage.io/kubernetes-id': 'checkout',
          'backstage.io/kubernetes-namespace': 'default',
          'backstage.io/kubernetes-cluster': 'dev',
        },
        links: [{ url: 'http://checkout.example.com/', title: 'External URL' }],
      },
      spec: { type: 'service', owner: 'group:default/guests' },
    });
    expect(entity.spec.system).toBeUndefined();
    const vs = YAML.parse(out['kubernetes/virtualservice.yaml']);
    expect(vs.spec.hosts).toEqual(['checkout.example.com']);
    const deployment = YAML.parse(out['kubernetes/deployment.yaml']);
    expect(deployment.spec.replicas).toBeUndefined();
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    expect(out['README.md']).toContain('# checkout');
    expect(out['README.md']).toContain('http://checkout.example.com/');

    expect(res.body.output.links).toEqual([
      {
        title: 'Open in catalog',
        icon: 'catalog',
        entityRef: 'component:default/checkout',
      },
      {
        title: 'Service Mesh tab',
        icon: 'dashboard',
        url: '/catalog/default/component/checkout/mesh',
      },
      {
        title: 'External URL',
        icon: 'web',
        url: 'http://checkout.example.com/',
      },
    ]);
    expect(res.body.output.text[0].content).toContain(
      '| Deployment | default | checkout | planned |',
    );
    expect(res.body.output.text[1].content).toContain('kind: VirtualService');
    // A dry run registers nothing.
    expect(fs.existsSync(catalogDir.resolve('components'))).toBe(false);
  });

  it('maps every page of the form onto the chain', async () => {
    const res = await dryRun({
      name: 'payments',
      description: 'Takes the money.',
      owner: 'group:default/guests',
      system: 'system:default/examples',
      image: 'ghcr.io/acme/payments:2.0.0',
      containerPort: 9090,
      protocol: 'grpc',
      healthCheckPath: '',
      cpuRequest: '250m',
      memoryRequest: '256Mi',
      serviceType: 'NodePort',
      servicePort: 8080,
      nodePort: 30080,
      gatewayMode: 'existing',
      gatewayRef: 'istio-system/public-gateway',
      hosts: ['pay.example.com', 'payments.example.com'],
      routes: [
        {
          path: '/api',
          match: 'prefix',
          rewrite: '/',
          timeout: '5s',
          retries: 3,
        },
        { path: '/', match: 'prefix' },
      ],
      loadBalancer: 'COOKIE',
      hashCookie: 'session',
      maxConnections: 100,
      ejectAfter5xx: 5,
      canary: true,
      canaryImage: 'ghcr.io/acme/payments:2.1.0',
      canaryWeight: 20,
      autoscaling: true,
      minReplicas: 1,
      maxReplicas: 4,
      cpuTarget: 60,
      memoryTarget: 80,
      scaleDownWindow: 120,
      namespace: 'finance',
      createNamespace: false,
      applyToCluster: false,
      publish: false,
    });
    expect([
      res.status,
      res.status === 200 ? '' : JSON.stringify(res.body),
    ]).toEqual([200, '']);
    expect(statuses(res.body).filter(([, st]) => st === 'failed')).toEqual([]);
    const out = files(res.body);
    expect(out['kubernetes/gateway.yaml']).toBeUndefined();
    expect(out['kubernetes/namespace.yaml']).toBeUndefined();
    const docs = (f: string) =>
      YAML.parseAllDocuments(out[f]).map(d => d.toJS());
    const [stable, canary] = docs('kubernetes/deployment.yaml');
    expect(stable.metadata).toMatchObject({
      name: 'payments',
      labels: { 'app.kubernetes.io/part-of': 'examples' },
    });
    expect(canary.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/acme/payments:2.1.0',
    );
    expect(
      stable.spec.template.spec.containers[0].readinessProbe,
    ).toBeUndefined();
    const [service] = docs('kubernetes/service.yaml');
    expect(service.spec).toMatchObject({
      type: 'NodePort',
      ports: [
        {
          name: 'grpc-payments',
          port: 8080,
          nodePort: 30080,
          appProtocol: 'grpc',
        },
      ],
    });
    const [vs] = docs('kubernetes/virtualservice.yaml');
    expect(vs.spec.gateways).toEqual(['istio-system/public-gateway']);
    expect(vs.spec.hosts).toEqual(['pay.example.com', 'payments.example.com']);
    expect(vs.spec.http[0]).toMatchObject({
      match: [{ uri: { prefix: '/api' } }],
      rewrite: { uri: '/' },
      timeout: '5s',
      retries: { attempts: 3 },
    });
    expect(
      vs.spec.http[1].route.map((r: any) => [r.destination.subset, r.weight]),
    ).toEqual([
      ['v1', 80],
      ['v2', 20],
    ]);
    const [dr] = docs('kubernetes/destinationrule.yaml');
    expect(dr.spec.trafficPolicy).toEqual({
      loadBalancer: {
        consistentHash: { httpCookie: { name: 'session', ttl: '3600s' } },
      },
      connectionPool: { tcp: { maxConnections: 100 } },
      outlierDetection: {
        consecutive5xxErrors: 5,
        interval: '10s',
        baseEjectionTime: '30s',
        maxEjectionPercent: 50,
      },
    });
    const hpas = docs('kubernetes/hpa.yaml');
    expect(hpas.map(h => h.spec.scaleTargetRef.name)).toEqual([
      'payments',
      'payments-v2',
    ]);
    expect(hpas[0].spec.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 120 },
    });
    expect(hpas[0].spec.metrics.map((m: any) => m.resource.name)).toEqual([
      'cpu',
      'memory',
    ]);
    const entity = YAML.parse(out['catalog-info.yaml']);
    expect(entity.spec.system).toBe('system:default/examples');
    expect(
      entity.metadata.annotations['backstage.io/kubernetes-cluster'],
    ).toBeUndefined();
    expect(statuses(res.body)).toContainEqual(['apply', 'skipped']);
    expect(res.body.output.text.map((t: any) => t.title)).toEqual([
      'Manifests',
    ]);
  });

  it('stops at the render step with the field and the fix when inputs do not fit together', async () => {
    const res = await dryRun({
      name: 'checkout',
      owner: 'group:default/guests',
      image: 'nginxinc/nginx-unprivileged:1.27-alpine',
      containerPort: 8080,
      cpuRequest: '',
      serviceType: 'ClusterIP',
      servicePort: 80,
      gatewayMode: 'new',
      routes: [
        { path: '/', match: 'prefix' },
        { path: '/api', match: 'prefix' },
      ],
      autoscaling: true,
      minReplicas: 2,
      maxReplicas: 5,
      cpuTarget: 70,
      namespace: 'default',
      applyToCluster: true,
      cluster: 'dev',
      publish: false,
    });
    // The dry-run endpoint answers a failed step with its error.
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(
      /^Invalid input for mesh:chain:render:/,
    );
    expect(res.body.error.message).toMatch(
      /resources\.requests\.cpu: is required by autoscaling\.cpuUtilization.*set it, e\.g\. 100m/,
    );
    // A route an earlier one shadows is not an input error but what the
    // Service Mesh tab reports (MESH-1011, a warning), below.
    expect(res.body.error.message).not.toMatch(/routes\[1\]/);
  });

  it('runs with a route an earlier one shadows, reporting it with the code the Service Mesh tab shows', async () => {
    const res = await dryRun({
      name: 'checkout',
      owner: 'group:default/guests',
      image: 'nginxinc/nginx-unprivileged:1.27-alpine',
      containerPort: 8080,
      serviceType: 'ClusterIP',
      servicePort: 80,
      gatewayMode: 'new',
      routes: [
        { path: '/', match: 'prefix' },
        { path: '/api', match: 'prefix' },
      ],
      autoscaling: false,
      namespace: 'default',
      applyToCluster: true,
      cluster: 'dev',
      publish: false,
    });
    expect([
      res.status,
      res.status === 200 ? '' : JSON.stringify(res.body),
    ]).toEqual([200, '']);
    const warnings = (res.body.log ?? [])
      .map((e: any) => e.body.message as string)
      .filter((m: string) => m?.includes('MESH-1011'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(
      /MESH-1011 Unreachable route: VirtualService default\/checkout spec.http\[0\].match/,
    );
  });
});

describe('the mesh-service template form', () => {
  const template = YAML.parse(
    fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
  );
  const hosts = template.spec.parameters.find(
    (page: any) => page.properties?.hosts,
  ).properties.hosts;
  const accepted = (host: string) =>
    new RegExp(hosts.items.pattern, 'u').test(host);

  it('takes host names, and no IP address, as hosts', () => {
    expect(
      ['shop.example.com', '*.example.com', '1password.example.com'].map(
        accepted,
      ),
    ).toEqual([true, true, true]);
    expect(['10.0.0.1', '2001:db8::1', 'http://shop'].map(accepted)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
