import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { createRenderChainAction } from './renderChain';
import { loadSchemaModels } from '../lib/models';

// The upstream schemas' validators load while this file is collected, not
// in the time of whichever test validates first.
loadSchemaModels();

const base = {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  hosts: ['checkout.example.com'],
};

describe('mesh:chain:render', () => {
  const action = createRenderChainAction();
  const workspace = createMockDirectory();
  beforeEach(() => workspace.clear());

  async function run(input: Record<string, any>, extra: object = {}) {
    const ctx = {
      ...createMockActionContext({ input, workspacePath: workspace.path }),
      ...extra,
    };
    await action.handler(ctx as any);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    return { ctx, outputs };
  }

  function readObjects(dir = 'kubernetes') {
    const kustomization = yaml.parse(
      fs.readFileSync(
        path.join(workspace.path, dir, 'kustomization.yaml'),
        'utf8',
      ),
    );
    return kustomization.resources.flatMap((f: string) =>
      yaml
        .parseAllDocuments(
          fs.readFileSync(path.join(workspace.path, dir, f), 'utf8'),
        )
        .map(d => d.toJS()),
    );
  }

  const find = (objects: any[], kind: string, name?: string) =>
    objects.find(o => o.kind === kind && (!name || o.metadata.name === name));

  it('renders a working chain from the minimal inputs, every reference derived from one name', async () => {
    const { outputs } = await run(base);
    const objects = readObjects();
    expect(objects.map((o: any) => o.kind)).toEqual([
      'Deployment',
      'Service',
      'DestinationRule',
      'Gateway',
      'VirtualService',
    ]);
    const deployment = find(objects, 'Deployment');
    const service = find(objects, 'Service');
    const dr = find(objects, 'DestinationRule');
    const gateway = find(objects, 'Gateway');
    const vs = find(objects, 'VirtualService');

    expect(deployment.spec.replicas).toBe(2);
    // The Service selects the pods, on a port named by Istio's convention.
    const podLabels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(service.spec.selector)) {
      expect(podLabels[k]).toBe(v);
    }
    expect(service.spec.ports[0]).toMatchObject({
      name: 'http-checkout',
      port: 80,
      targetPort: 'http',
      appProtocol: 'http',
    });
    expect(deployment.spec.template.spec.containers[0].ports[0]).toEqual({
      name: 'http',
      containerPort: 8080,
      protocol: 'TCP',
    });
    // The DestinationRule's FQDN host is the Service; its subset matches pods.
    expect(dr.spec.host).toBe('checkout.shop.svc.cluster.local');
    expect(podLabels.version).toBe(dr.spec.subsets[0].labels.version);
    // The VirtualService is bound to the Gateway by namespace/name, on the
    // Gateway's hosts, and routes to the subset on the Service port.
    expect(vs.spec.gateways).toEqual([`shop/${gateway.metadata.name}`]);
    expect(gateway.spec.servers[0].hosts).toEqual(vs.spec.hosts);
    expect(vs.spec.http[0].route).toEqual([
      {
        destination: {
          host: 'checkout.shop.svc.cluster.local',
          port: { number: 80 },
          subset: 'v1',
        },
      },
    ]);
    for (const o of objects) {
      expect(o.metadata.labels['backstage.io/kubernetes-id']).toBe('checkout');
    }
    expect(podLabels['backstage.io/kubernetes-id']).toBe('checkout');
    expect(outputs).toMatchObject({
      directory: 'kubernetes',
      kubernetesId: 'checkout',
      labelSelector: 'backstage.io/kubernetes-id=checkout',
      serviceHost: 'checkout.shop.svc.cluster.local',
      gatewayRef: 'shop/checkout-gateway',
      externalUrl: 'http://checkout.example.com/',
    });
    expect(outputs.files).toEqual([
      'kubernetes/deployment.yaml',
      'kubernetes/service.yaml',
      'kubernetes/destinationrule.yaml',
      'kubernetes/gateway.yaml',
      'kubernetes/virtualservice.yaml',
      'kubernetes/kustomization.yaml',
    ]);
  });

  it('leaves spec.replicas to the HPA, targets the right Deployment and keeps requests for utilization', async () => {
    await run({
      ...base,
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
      versions: [
        { name: 'stable', weight: 80 },
        { name: 'canary', image: 'ghcr.io/acme/checkout:1.5.0', weight: 20 },
      ],
      autoscaling: {
        enabled: true,
        minReplicas: 1,
        maxReplicas: 4,
        cpuUtilization: 60,
      },
    });
    const objects = readObjects();
    const deployments = objects.filter((o: any) => o.kind === 'Deployment');
    const hpas = objects.filter(
      (o: any) => o.kind === 'HorizontalPodAutoscaler',
    );
    expect(deployments.map((d: any) => d.metadata.name)).toEqual([
      'checkout',
      'checkout-canary',
    ]);
    expect(deployments.every((d: any) => !('replicas' in d.spec))).toBe(true);
    expect(hpas.map((h: any) => h.spec.scaleTargetRef)).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout-canary' },
    ]);
    expect(hpas[0].spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 60 },
          },
        },
      ],
    });
    expect(deployments[1].spec.template.spec.containers[0]).toMatchObject({
      image: 'ghcr.io/acme/checkout:1.5.0',
      resources: { requests: { cpu: '100m' } },
    });
    const vs = find(objects, 'VirtualService');
    expect(
      vs.spec.http[0].route.map((r: any) => [r.destination.subset, r.weight]),
    ).toEqual([
      ['stable', 80],
      ['canary', 20],
    ]);
    const dr = find(objects, 'DestinationRule');
    expect(dr.spec.subsets).toEqual([
      { name: 'stable', labels: { version: 'stable' } },
      { name: 'canary', labels: { version: 'canary' } },
    ]);
  });

  it('binds to a shared gateway without rendering one', async () => {
    const { outputs } = await run({
      ...base,
      gateway: { mode: 'existing', ref: 'istio-system/public-gateway' },
    });
    const objects = readObjects();
    expect(find(objects, 'Gateway')).toBeUndefined();
    expect(find(objects, 'VirtualService').spec.gateways).toEqual([
      'istio-system/public-gateway',
    ]);
    expect(outputs.gatewayRef).toBe('istio-system/public-gateway');
  });

  it('renders HTTPS with a redirect and an https external URL', async () => {
    const { outputs } = await run({
      ...base,
      tls: { credentialName: 'checkout-tls' },
      routes: [{ path: '/shop' }],
    });
    const gateway = find(readObjects(), 'Gateway');
    expect(gateway.spec.servers).toEqual([
      {
        port: { number: 80, name: 'http', protocol: 'HTTP' },
        hosts: ['checkout.example.com'],
        tls: { httpsRedirect: true },
      },
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: ['checkout.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'checkout-tls' },
      },
    ]);
    expect(outputs.externalUrl).toBe('https://checkout.example.com/shop');
  });

  it('turns a retry count into attempts and leaves out empty resource blocks', async () => {
    await run({
      ...base,
      routes: [{ path: '/', retries: 2 }],
      resources: { requests: { cpu: '100m' }, limits: {} },
    });
    const objects = readObjects();
    expect(find(objects, 'VirtualService').spec.http[0].retries).toEqual({
      attempts: 2,
    });
    expect(
      find(objects, 'Deployment').spec.template.spec.containers[0].resources,
    ).toEqual({
      requests: { cpu: '100m' },
    });
  });

  it('records the template that rendered the objects', async () => {
    const ctx = createMockActionContext({
      input: base,
      workspacePath: workspace.path,
      templateInfo: {
        entityRef: 'template:default/mesh-service',
        baseUrl: 'file:///x',
      },
    });
    await action.handler(ctx as any);
    expect(
      readObjects().every(
        (o: any) =>
          o.metadata.annotations['backstage.io/source-template'] ===
          'template:default/mesh-service',
      ),
    ).toBe(true);
  });

  it('writes the same manifests in a dry run, which only touches the workspace', async () => {
    await run(base, { isDryRun: true });
    expect(readObjects()).toHaveLength(5);
  });

  it('lists every bad input with its field and fix, and writes nothing', async () => {
    const error = await run({
      ...base,
      name: 'Checkout_Service',
      image: 'GHCR.io/Acme/Checkout:1.0',
      containerPort: 70000,
      service: { type: 'ClusterIP', port: 80, nodePort: 30080 },
      hosts: ['https://checkout.example.com'],
      routes: [{ path: 'api' }],
      autoscaling: {
        enabled: true,
        minReplicas: 5,
        maxReplicas: 2,
        cpuUtilization: 150,
      },
    }).catch(e => e);
    expect(error.name).toBe('InputError');
    for (const line of [
      /name: 'Checkout_Service' must consist of lower case letters.*e\.g\. checkout/,
      /image: .* must have a lower case repository name/,
      /containerPort: 70000 is out of range; a port must be 1-65535/,
      /resources\.requests\.cpu: is required by autoscaling\.cpuUtilization.*set it, e\.g\. 100m/,
      /service\.nodePort: is only used with service\.type NodePort or LoadBalancer/,
      /hosts\[0\]: .* without a scheme/,
      /routes\[0\]\.path: 'api' must start with "\/"/,
      /autoscaling\.minReplicas: 5 is more than maxReplicas 2/,
      /autoscaling\.cpuUtilization: 150 is out of range; .* must be 1-100/,
    ]) {
      expect(error.message).toMatch(line);
    }
    expect(fs.existsSync(path.join(workspace.path, 'kubernetes'))).toBe(false);
  });

  it('reports what the Service Mesh tab will say about the chain, with its codes: an unreachable route is a warning', async () => {
    const ctx = createMockActionContext({
      input: {
        ...base,
        routes: [{ path: '/api' }, { path: '/api/v1', rewrite: '/v1' }],
      },
      workspacePath: workspace.path,
    });
    const warn = jest.spyOn(ctx.logger, 'warn');
    await action.handler(ctx as any);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(outputs.warnings).toEqual([
      expect.stringMatching(
        /^MESH-1011 Unreachable route: VirtualService shop\/checkout spec.http\[1\].match: .*http\[0\] \(prefix \/api\) takes every request its paths would\. Fix: Move http\[1\] before http\[0\]/,
      ),
    ]);
    expect(warn).toHaveBeenCalledWith(outputs.warnings[0]);
    expect(readObjects()).toHaveLength(5);
    const specificFirst = await run({
      ...base,
      routes: [{ path: '/api/v1', rewrite: '/v1' }, { path: '/api' }],
    });
    expect(specificFirst.outputs.warnings).toEqual([]);
  });

  it('reports missing and mistyped fields by name', async () => {
    await expect(
      run({
        name: 'checkout',
        namespace: 'shop',
        containerPort: '8080',
        hosts: [],
        tsl: {},
      }),
    ).rejects.toThrow(
      /image: is required[\s\S]*containerPort: must be number, got string[\s\S]*Unrecognized key\(s\) in object: 'tsl'/,
    );
  });

  it('refuses a target path outside the workspace', async () => {
    await expect(run({ ...base, targetPath: '../elsewhere' })).rejects.toThrow(
      /targetPath: '..\/elsewhere' is outside the workspace/,
    );
  });
});
