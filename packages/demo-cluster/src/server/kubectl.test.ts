/*
 * kubectl, unchanged, against the simulator. Skipped only when kubectl is
 * not installed (script/bootstrap installs Debian's kubernetes-client).
 */
import { execFile, execFileSync, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { DemoCluster, startDemoCluster } from '../DemoCluster';

function findKubectl(): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v kubectl'], {
        encoding: 'utf8',
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

const KUBECTL = findKubectl();

// Each kubectl run costs a few hundred milliseconds.
jest.setTimeout(60_000);
const describeIfKubectl = KUBECTL ? describe : describe.skip;

let cluster: DemoCluster;
let dir: string;

function kubectl(
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = execFile(
      KUBECTL!,
      args,
      {
        env: {
          ...process.env,
          KUBECONFIG: path.join(dir, 'kubeconfig'),
          HOME: dir,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as any).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0)
    throw new Error(
      `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`,
    );
  return r.stdout;
}

const APP = `
apiVersion: v1
kind: Namespace
metadata:
  name: kc
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  namespace: kc
  labels: {app: hello}
spec:
  replicas: 2
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: hello, namespace: kc}
spec:
  selector: {app: hello}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: hello, namespace: kc}
spec:
  hosts: [hello.example.com]
  http: [{route: [{destination: {host: hello.kc.svc.cluster.local}}]}]
`;

describeIfKubectl('kubectl', () => {
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-cluster-kubectl-'));
    cluster = await startDemoCluster({
      name: 'kc',
      timeScale: 200,
      scenario: 'healthy',
    });
    fs.writeFileSync(path.join(dir, 'kubeconfig'), cluster.kubeconfig);
  });

  afterAll(async () => {
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gets and lists with server-side columns, short names and JSON output', async () => {
    const ns = await ok(['get', 'namespaces']);
    expect(ns).toMatch(/^NAME\s+STATUS\s+AGE/);
    expect(ns).toMatch(/\nshop\s+Active\s+\d+s/);
    const vs = await ok(['get', 'vs', '-A']);
    expect(vs).toMatch(/NAMESPACE\s+NAME\s+GATEWAYS\s+HOSTS\s+AGE/);
    expect(vs).toContain('["istio-system/public-gateway"]');
    const json = JSON.parse(
      await ok(['get', 'deploy', 'storefront', '-n', 'shop', '-o', 'json']),
    );
    expect(json).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'storefront', namespace: 'shop' },
    });
    const pods = await ok([
      'get',
      'pods',
      '-n',
      'shop',
      '-l',
      'app=storefront',
      '-o',
      'name',
    ]);
    expect(pods.trim().split('\n')).toHaveLength(2);
  });

  it('applies (client-side and server-side), rolls out and deletes', async () => {
    expect(await ok(['apply', '-f', '-'], APP)).toContain(
      'deployment.apps/hello created',
    );
    expect(await ok(['apply', '-f', '-'], APP)).toContain(
      'deployment.apps/hello unchanged',
    );
    await ok([
      'rollout',
      'status',
      'deployment/hello',
      '-n',
      'kc',
      '--timeout=20s',
    ]);
    expect(await ok(['get', 'endpoints', 'hello', '-n', 'kc'])).toMatch(
      /hello\s+10\.244\.\d+\.\d+:80,10\.244/,
    );

    const changed = APP.replace('nginx:1.27', 'nginx:1.28');
    expect(await ok(['apply', '-f', '-'], changed)).toContain(
      'deployment.apps/hello configured',
    );
    await ok([
      'rollout',
      'status',
      'deployment/hello',
      '-n',
      'kc',
      '--timeout=20s',
    ]);
    expect(await ok(['get', 'rs', '-n', 'kc', '-l', 'app=hello'])).toMatch(
      /hello-\w+\s+2\s+2\s+2/,
    );

    const ssa = await ok(
      [
        'apply',
        '--server-side',
        '--field-manager=demo-test',
        '--force-conflicts',
        '-f',
        '-',
      ],
      changed,
    );
    expect(ssa).toContain('deployment.apps/hello serverside-applied');
    const dry = await ok(
      [
        'apply',
        '--server-side',
        '--dry-run=server',
        '--field-manager=demo-test',
        '-f',
        '-',
      ],
      changed.replace('replicas: 2', 'replicas: 5'),
    );
    expect(dry).toContain('(server dry run)');
    expect(
      JSON.parse(await ok(['get', 'deploy', 'hello', '-n', 'kc', '-o', 'json']))
        .spec.replicas,
    ).toBe(2);

    await ok(['scale', 'deployment/hello', '-n', 'kc', '--replicas=3']);
    const conflict = await kubectl(
      ['apply', '--server-side', '--field-manager=demo-test', '-f', '-'],
      changed,
    );
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "kubectl"');

    const [, ...inNamespace] = APP.split('---');
    const deleted = await ok(['delete', '-f', '-'], inNamespace.join('---'));
    expect(deleted).toContain('deployment.apps "hello" deleted');
    expect(deleted).toContain(
      'virtualservice.networking.istio.io "hello" deleted',
    );
    expect(await ok(['delete', 'namespace', 'kc'])).toContain(
      'namespace "kc" deleted',
    );
    const gone = await kubectl(['get', 'namespace', 'kc']);
    expect(gone.stderr).toContain('namespaces "kc" not found');
  });

  it('watches', async () => {
    const child = spawn(
      KUBECTL!,
      [
        'get',
        'configmaps',
        '-n',
        'default',
        '--watch',
        '--output-watch-events',
      ],
      {
        env: {
          ...process.env,
          KUBECONFIG: path.join(dir, 'kubeconfig'),
          HOME: dir,
        },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', d => (out += d));
    child.stderr.on('data', d => (err += d));
    try {
      await cluster.waitFor(() => child.pid && out !== undefined, {
        description: 'kubectl to start',
      });
      // Give kubectl time to list and start watching, then change things.
      await new Promise(r => setTimeout(r, 1500));
      await ok(
        ['create', '-f', '-'],
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched, namespace: default}\ndata: {a: b}\n',
      );
      await ok(['delete', 'configmap', 'watched', '-n', 'default']);
      await cluster
        .waitFor(() => out.includes('DELETED'), {
          timeoutMs: 15_000,
          description: 'the watch events',
        })
        .catch(e => {
          throw new Error(`${e.message}; kubectl wrote: ${out} ${err}`);
        });
      expect(out).toMatch(/^EVENT\s+NAME\s+DATA\s+AGE/);
      expect(out).toMatch(/ADDED\s+watched\s+1\s[\s\S]*DELETED\s+watched\s/);
    } finally {
      child.kill();
    }
  });

  it('validates fields on the server: --validate=strict (the default) refuses unknown fields, warn prints them', async () => {
    const misspelt = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: typo, namespace: shop}
spec:
  replica: 2
  selector: {matchLabels: {app: typo}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: web, image: 'nginx:1.27', imagePullPolice: Always}]
`;
    const refused =
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagePullPolice"';
    for (const args of [['--validate=strict'], []]) {
      const strict = await kubectl(['apply', ...args, '-f', '-'], misspelt);
      expect(strict.code).not.toBe(0);
      expect(strict.stderr.trim()).toBe(refused);
    }
    expect(
      await cluster.get('apps/v1', 'Deployment', 'typo', 'shop'),
    ).toBeUndefined();

    const warned = await kubectl(
      ['apply', '--validate=warn', '-f', '-'],
      misspelt,
    );
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('deployment.apps/typo created');
    expect(warned.stderr).toContain('Warning: unknown field "spec.replica"');
    expect(warned.stderr).toContain(
      'Warning: unknown field "spec.template.spec.containers[0].imagePullPolice"',
    );
    const live = await cluster.get('apps/v1', 'Deployment', 'typo', 'shop');
    expect(live?.spec.replica).toBeUndefined();
    expect(live?.spec.replicas).toBe(1);

    // Server-side apply refuses unknown fields whatever --validate says.
    const ssa = await kubectl(
      ['apply', '--server-side', '--validate=ignore', '-f', '-'],
      misspelt,
    );
    expect(ssa.code).not.toBe(0);
    expect(ssa.stderr).toContain(
      'failed to create typed patch object (shop/typo; apps/v1, Kind=Deployment)',
    );
    expect(ssa.stderr).toContain('.spec.replica: field not declared in schema');
    await ok(['delete', 'deployment', 'typo', '-n', 'shop']);
  });

  it('says why typed create commands fail (they send protobuf)', async () => {
    const r = await kubectl([
      'create',
      'configmap',
      'typed',
      '-n',
      'default',
      '--from-literal=a=b',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('use `kubectl create -f` or `kubectl apply -f`');
  });

  it('reports validation, authorization and not-found errors as the API server does', async () => {
    const invalid = APP.split('---')[1]
      .replace('namespace: kc', 'namespace: default')
      .replace('image: nginx:1.27', 'image: ""')
      .replace('replicas: 2', 'replicas: -1');
    const bad = await kubectl(['apply', '-f', '-'], invalid);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('The Deployment "hello" is invalid');
    expect(bad.stderr).toContain(
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );

    const denied = await kubectl([
      '--context',
      'kc-readonly',
      'delete',
      'deployment',
      'storefront',
      '-n',
      'shop',
    ]);
    expect(denied.stderr).toContain(
      'deployments.apps "storefront" is forbidden: User "demo-readonly" cannot delete resource "deployments" in API group "apps" in the namespace "shop"',
    );
    const hidden = await kubectl([
      '--context',
      'kc-restricted',
      'get',
      'pods',
      '-n',
      'finance',
    ]);
    expect(hidden.stderr).toContain('Forbidden');
    const missing = await kubectl(['get', 'hpa', 'nope', '-n', 'shop']);
    expect(missing.stderr).toContain(
      'horizontalpodautoscalers.autoscaling "nope" not found',
    );
  });

  it('lists nodes and shows resource usage with kubectl top', async () => {
    const nodes = await ok(['get', 'nodes']);
    expect(nodes).toMatch(/demo-node-1\s+Ready\s+worker\s+\S+\s+v1\.32\.0/);
    // storefront: 12 rps over 2 ready pods = 5m + 6 * 10m = 65m each.
    const top = await ok(['top', 'pods', '-n', 'shop', '-l', 'app=storefront']);
    expect(top).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    expect(top.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^storefront-\S+\s+65m\s+67Mi\s*$/),
      expect.stringMatching(/^storefront-\S+\s+65m\s+67Mi\s*$/),
    ]);
    expect(await ok(['top', 'nodes'])).toMatch(/demo-node-1\s+\d+m\s+\d+%/);
  });

  it('describes objects with their events and shows logs', async () => {
    const described = await ok(['describe', 'hpa', 'storefront', '-n', 'shop']);
    expect(described).toMatch(/Reference:\s+Deployment\/storefront/);
    expect(described).toMatch(/Min replicas:\s+2/);
    const pod = (
      await ok([
        'get',
        'pods',
        '-n',
        'shop',
        '-l',
        'app=storefront',
        '-o',
        'name',
      ])
    )
      .trim()
      .split('\n')[0];
    const podDescribe = await ok(['describe', pod, '-n', 'shop']);
    expect(podDescribe).toMatch(/Successfully assigned shop\/storefront-/);
    const logs = await ok(['logs', pod, '-n', 'shop']);
    expect(logs).toContain('listening on :9898');
  });
});
