/*
 * Server-side field validation over HTTP, as kube-apiserver >= 1.27 answers:
 * `fieldValidation=Strict`, `Warn` (the default) and `Ignore` for create,
 * update and every patch type, unknown fields never stored, and the range
 * and size checks of the API server.
 */
import https from 'https';
import { DemoCluster, startDemoCluster } from '../DemoCluster';

let cluster: DemoCluster;

jest.setTimeout(30_000);

beforeAll(async () => {
  cluster = await startDemoCluster({ scenario: 'none', controllers: false });
  await cluster.apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team' },
  });
});
afterAll(async () => {
  await cluster?.stop();
});

interface Answer {
  status: number;
  body: any;
  warnings: string[];
}

function request(
  method: string,
  path: string,
  body: string | object,
  contentType = 'application/json',
): Promise<Answer> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${cluster.url}${path}`,
      {
        method,
        ca: cluster.caPem,
        headers: {
          authorization: `Bearer ${cluster.tokens.admin}`,
          'content-type': contentType,
        },
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () => {
          const header = res.headers.warning;
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text),
            warnings: (Array.isArray(header) ? header : [header ?? ''])
              .join(', ')
              .split(/(?:^|, )299 - /)
              .filter(Boolean)
              .map(w => JSON.parse(w)),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const DEPLOYMENTS = '/apis/apps/v1/namespaces/team/deployments';
const VIRTUAL_SERVICES =
  '/apis/networking.istio.io/v1/namespaces/team/virtualservices';

const deployment = (name: string, spec: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name: 'web', image: 'ghcr.io/acme/web:1' }],
      },
    },
    ...spec,
  },
});

/** The misspelt Deployment of the issue. */
const misspelt = (name: string) => {
  const d: any = deployment(name, { replica: 2 });
  d.spec.template.spec.containers[0].imagePullPolice = 'Always';
  return d;
};

async function stored(name: string) {
  return cluster.get('apps/v1', 'Deployment', name, 'team');
}

describe('fieldValidation', () => {
  it('Strict refuses unknown and duplicate fields with the strict decoder message', async () => {
    const res = await request(
      'POST',
      `${DEPLOYMENTS}?fieldValidation=Strict`,
      misspelt('strict'),
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(res.body.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolice", unknown field "spec.replica"',
    );
    expect(await stored('strict')).toBeUndefined();

    // The body of Kubernetes' conformance test for typed objects.
    const duplicate = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"dup","labels":{"app":"nginx"}},"spec":{"unknownField":"foo","replicas":2,"replicas":3,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:latest"}]}}}}`;
    const dup = await request(
      'POST',
      `${DEPLOYMENTS}?fieldValidation=Strict`,
      duplicate,
    );
    expect(dup.status).toBe(400);
    expect(dup.body.message).toContain(
      'strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"',
    );
    const meta = await request(
      'POST',
      `${DEPLOYMENTS}?fieldValidation=Strict`,
      {
        ...deployment('meta'),
        metadata: { name: 'meta', unknownMeta: 'foo' },
      },
    );
    expect(meta.body.message).toContain(
      'strict decoding error: unknown field "metadata.unknownMeta"',
    );
  });

  it('Warn (also when the parameter is absent) succeeds with one warning per field and stores none of them', async () => {
    for (const [name, query] of [
      ['warn', '?fieldValidation=Warn'],
      ['default', ''],
    ]) {
      const res = await request(
        'POST',
        `${DEPLOYMENTS}${query}`,
        misspelt(name),
      );
      expect(res.status).toBe(201);
      expect(res.warnings).toEqual([
        'unknown field "spec.template.spec.containers[0].imagePullPolice"',
        'unknown field "spec.replica"',
      ]);
      expect(res.body.spec.replica).toBeUndefined();
      const live = await stored(name);
      expect(live?.spec.replicas).toBe(1);
      expect(live?.spec.replica).toBeUndefined();
      expect(live?.spec.template.spec.containers[0]).not.toHaveProperty(
        'imagePullPolice',
      );
    }
  });

  it('Ignore drops unknown fields silently', async () => {
    const res = await request(
      'POST',
      `${DEPLOYMENTS}?fieldValidation=Ignore`,
      misspelt('ignore'),
    );
    expect(res.status).toBe(201);
    expect(res.warnings).toEqual([]);
    expect((await stored('ignore'))?.spec.replica).toBeUndefined();
  });

  it('refuses an unknown directive', async () => {
    const res = await request(
      'POST',
      `${DEPLOYMENTS}?fieldValidation=Loose`,
      deployment('loose'),
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'fieldValidation: Unsupported value: "Loose": supported values: "Ignore", "Strict", "Warn"',
    );
  });

  it('applies to custom resources too: the Istio CRDs are structural', async () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web' },
      spec: {
        hosts: ['web'],
        htp: [{ route: [{ destination: { host: 'web' } }] }],
      },
    };
    const strict = await request(
      'POST',
      `${VIRTUAL_SERVICES}?fieldValidation=Strict`,
      vs,
    );
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe(
      'VirtualService in version "v1" cannot be handled as a VirtualService: strict decoding error: unknown field "spec.htp"',
    );
    const warn = await request('POST', VIRTUAL_SERVICES, vs);
    expect(warn.status).toBe(201);
    expect(warn.warnings).toEqual(['unknown field "spec.htp"']);
    expect(warn.body.spec).toEqual({ hosts: ['web'] });
  });

  it('checks updates and every patch type', async () => {
    await request('POST', DEPLOYMENTS, deployment('patched'));
    const path = `${DEPLOYMENTS}/patched?fieldValidation=Strict`;
    const live = await stored('patched');
    const put = await request('PUT', path, {
      ...live,
      spec: { ...live!.spec, replica: 3 },
    });
    expect(put.status).toBe(400);
    expect(put.body.message).toContain('unknown field "spec.replica"');

    for (const [type, patch] of [
      ['application/merge-patch+json', { spec: { replica: 3 } }],
      ['application/strategic-merge-patch+json', { spec: { replica: 3 } }],
      [
        'application/json-patch+json',
        [{ op: 'add', path: '/spec/replica', value: 3 }],
      ],
    ] as const) {
      const res = await request('PATCH', path, patch, type);
      expect([type, res.status, res.body.message]).toEqual([
        type,
        400,
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
      ]);
    }
    const dup = await request(
      'PATCH',
      path,
      '{"spec":{"replicas":2,"replicas":3}}',
      'application/merge-patch+json',
    );
    expect(dup.status).toBe(400);
    expect(dup.body.message).toContain('duplicate field "spec.replicas"');

    const warned = await request(
      'PATCH',
      `${DEPLOYMENTS}/patched`,
      { spec: { replica: 3, replicas: 2 } },
      'application/merge-patch+json',
    );
    expect(warned.status).toBe(200);
    expect(warned.warnings).toEqual(['unknown field "spec.replica"']);
    expect((await stored('patched'))?.spec).toMatchObject({ replicas: 2 });
    expect((await stored('patched'))?.spec.replica).toBeUndefined();
  });

  it('server-side apply refuses unknown fields whatever the directive, and checks duplicate keys by it', async () => {
    for (const query of ['&fieldValidation=Ignore', '']) {
      const res = await request(
        'PATCH',
        `${DEPLOYMENTS}/applied?fieldManager=test${query}`,
        misspelt('applied'),
        'application/apply-patch+yaml',
      );
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(
        'failed to create typed patch object (team/applied; apps/v1, Kind=Deployment): errors:\n  .spec.template.spec.containers[0].imagePullPolice: field not declared in schema\n  .spec.replica: field not declared in schema',
      );
    }
    expect(await stored('applied')).toBeUndefined();

    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: applied
spec:
  replicas: 2
  replicas: 3
  selector:
    matchLabels: {app: applied}
  template:
    metadata:
      labels: {app: applied}
    spec:
      containers: [{name: web, image: 'ghcr.io/acme/web:1'}]
`;
    const strict = await request(
      'PATCH',
      `${DEPLOYMENTS}/applied?fieldManager=test&fieldValidation=Strict`,
      yaml,
      'application/apply-patch+yaml',
    );
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe(
      'error strict decoding YAML: yaml: unmarshal errors:\n  line 7: key "replicas" already set in map',
    );
    const warn = await request(
      'PATCH',
      `${DEPLOYMENTS}/applied?fieldManager=test`,
      yaml,
      'application/apply-patch+yaml',
    );
    expect(warn.status).toBe(201);
    expect(warn.warnings).toEqual([
      'line 7: key "replicas" already set in map',
    ]);
    expect((await stored('applied'))?.spec.replicas).toBe(3);
  });

  it('names fields out of range, and all annotations of an object over 256 KiB', async () => {
    const port = deployment('ports') as any;
    port.spec.template.spec.containers[0].ports = [{ containerPort: 70000 }];
    const res = await request('POST', DEPLOYMENTS, port);
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'Deployment.apps "ports" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );

    const big = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'big',
        annotations: { a: 'x'.repeat(200_000), b: 'y'.repeat(700_000) },
      },
      spec: { ports: [{ port: 80 }] },
    };
    const annotated = await request(
      'POST',
      '/api/v1/namespaces/team/services',
      big,
    );
    expect(annotated.status).toBe(422);
    expect(annotated.body.details.causes).toEqual([
      {
        reason: 'FieldValueTooLong',
        message: 'Too long: must have at most 262144 bytes',
        field: 'metadata.annotations',
      },
    ]);
    expect(await cluster.get('v1', 'Service', 'big', 'team')).toBeUndefined();
  });
});
