import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_DIR, run } from '../__testUtils__/run';

const FIXTURES = 'src/__fixtures__';

describe('mesh-chain check, manifests alone', () => {
  it('passes a healthy chain split over two files', async () => {
    const r = await run(['check', '-f', `${FIXTURES}/healthy`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Checked 6 objects from 2 files.');
    expect(r.stdout).toContain('No problems found.');
    // The ingress gateway's pods are installed apart from these manifests.
    expect(r.stdout).toContain(
      'Not judged from manifests alone (they need a running cluster; add --kubeconfig to include them): MESH-2001.',
    );
  });

  it('passes Bookinfo as the Istio docs write it (v1alpha3, no namespace, labels on pod templates only)', async () => {
    const r = await run(['check', '-f', `${FIXTURES}/istio-docs`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('No problems found.');
    expect(r.code).toBe(0);
  });

  it('finds what is wrong with a broken chain, on the line of the field to change', async () => {
    const r = await run(['check', '-f', `${FIXTURES}/broken/orders.yaml`]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(
      `${FIXTURES}/broken/orders.yaml:13: error MESH-1001 VirtualService gateway not found`,
    );
    expect(lines).toContain(
      `${FIXTURES}/broken/orders.yaml:27: error MESH-4001 Service selector selects no pods`,
    );
    expect(lines).toContain(
      `${FIXTURES}/broken/orders.yaml:45: warning MESH-4002 targetPort not exposed by any container`,
    );
    expect(r.stdout).toContain('3 problems (2 errors, 1 warning).');
    // Line 45 of the file is the targetPort of orders-internal.
    const file = fs.readFileSync(
      path.join(PACKAGE_DIR, FIXTURES, 'broken/orders.yaml'),
      'utf8',
    );
    expect(file.split('\n')[44].trim()).toBe('targetPort: 8000');
  });

  it('sets the exit code by --fail-on', async () => {
    const files = ['check', '-f', `${FIXTURES}/acceptance`];
    // MESH-1002 is an error, MESH-3002 a warning.
    expect((await run(files)).code).toBe(1);
    expect((await run([...files, '--fail-on', 'none'])).code).toBe(0);
    // The chain of app=orders: orders-internal's targetPort (a warning).
    const onlyWarning = [
      'check',
      '-f',
      `${FIXTURES}/broken`,
      '--selector',
      'app=orders',
      '-n',
      'orders',
    ];
    const selected = await run(onlyWarning);
    expect(selected.stdout).toContain('1 problem (1 warning).');
    expect(selected.stdout).toContain('MESH-4002');
    expect(selected.code).toBe(0);
    expect((await run([...onlyWarning, '--fail-on', 'warning'])).code).toBe(1);
  });

  it('writes GitHub annotations with paths relative to the workspace', async () => {
    const r = await run(
      ['check', '-f', `${FIXTURES}/broken`, '--annotations', 'github'],
      { env: { GITHUB_WORKSPACE: path.resolve(PACKAGE_DIR, '../..') } },
    );
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter(l => l.startsWith('::'));
    expect(annotations).toHaveLength(3);
    expect(annotations[0]).toBe(
      '::error file=packages/cli/src/__fixtures__/broken/orders.yaml,line=13,title=MESH-1001 VirtualService gateway not found::VirtualService orders/orders binds gateway "orders/public" (orders/public), but there is no Gateway public in namespace orders.%0AFix: Create Gateway orders/public, or change spec.gateways[0] to "<namespace>/<name>" of an existing Gateway.',
    );
    expect(annotations[2]).toMatch(
      /^::warning file=packages\/cli\/src\/__fixtures__\/broken\/orders.yaml,line=45,title=MESH-4002 /,
    );
  });

  it('reports JSON with each diagnostic placed in its file', async () => {
    const r = await run([
      'check',
      '-f',
      `${FIXTURES}/acceptance`,
      '-o',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.files).toEqual([
      `${FIXTURES}/acceptance/ledger.json`,
      `${FIXTURES}/acceptance/workloads.yaml`,
    ]);
    expect(report.exitCode).toBe(1);
    expect(
      report.diagnostics.map((d: any) => [d.code, d.file, d.line, d.path]),
    ).toEqual([
      [
        'MESH-1002',
        `${FIXTURES}/acceptance/ledger.json`,
        45,
        'spec.http[1].route[0].destination.host',
      ],
      [
        'MESH-3002',
        `${FIXTURES}/acceptance/ledger.json`,
        81,
        'spec.subsets[2].labels',
      ],
    ]);
  });

  it('reads standard input and says what it leaves out', async () => {
    const r = await run(['check', '-f', '-', '-n', 'shop'], {
      stdin: [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources: [app.yaml]',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: web }',
        'spec: { selector: { app: web }, ports: [{ name: http, port: 80 }] }',
      ].join('\n'),
    });
    expect(r.stderr).toContain(
      'note: -: document 1 (line 1): Kustomization is configuration for a tool',
    );
    // The Service lands in -n's namespace and selects no pod.
    expect(r.stdout).toContain(
      '-:8: error MESH-4001 Service selector selects no pods',
    );
    expect(r.stdout).toContain('Service shop/web, spec.selector');
    expect(r.code).toBe(1);
  });
});

describe('the acceptance case: a chain the engine has never seen', () => {
  it('finds the subset without pods and the route to a missing Service, exits 1, and traces a URL to the right subset', async () => {
    const check = await run(['check', '-f', `${FIXTURES}/acceptance`]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      'error MESH-1002 Route destination host not found',
    );
    expect(check.stdout).toContain(
      'there is no Service ledger-archive in namespace fintech',
    );
    expect(check.stdout).toContain(
      'warning MESH-3002 DestinationRule subset selects no pods',
    );
    expect(check.stdout).toContain(
      'Subset "canary" of DestinationRule fintech/ledger selects pods labelled track=canary',
    );

    const trace = await run([
      'trace',
      'http://ledger.example.com/api/v2/entries',
      '-f',
      `${FIXTURES}/acceptance`,
    ]);
    expect(trace.code).toBe(0);
    expect(trace.stdout).toContain(
      'ok    gateway        Gateway fintech/ledger-gateway server HTTP:80 (ledger.example.com) accepts the request',
    );
    expect(trace.stdout).toContain(
      '100%  ledger.fintech.svc.cluster.local subset v2 -> Service fintech/ledger:80 -> targetPort 8080 -> 1 ready pod (ledger-v2-planned-1)',
    );
    expect(trace.stdout).toContain('Served.');
  });
});
