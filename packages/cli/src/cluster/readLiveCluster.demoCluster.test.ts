import { DemoCluster, startDemoCluster } from '@mesh-chain/demo-cluster';
import type { KubeObject } from '@mesh-chain/plugin-mesh-common';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { PACKAGE_DIR, run } from '../__testUtils__/run';

/*
 * The command line against the demo cluster over HTTPS, with the admin
 * kubeconfig and the least-privilege ones: manifests that break a healthy
 * chain and manifests that fix a broken scenario, compared with what runs.
 */

jest.setTimeout(60_000);

/** The object as a GitOps repository would hold it: no status, no server fields. */
function asManifest(live: KubeObject): KubeObject {
  const { name, namespace, labels } = live.metadata;
  return {
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: { name, namespace, ...(labels && { labels }) },
    spec: live.spec,
  };
}

describe('mesh-chain against the demo cluster', () => {
  let cluster: DemoCluster;
  let dir: string;
  let kubeconfig: string;

  const write = (file: string, objects: KubeObject[]) => {
    fs.writeFileSync(
      path.join(dir, file),
      objects.map(o => YAML.stringify(o)).join('---\n'),
    );
    return file;
  };
  const get = async (
    apiVersion: string,
    kind: string,
    name: string,
    ns: string,
  ) => asManifest((await cluster.get(apiVersion, kind, name, ns))!);

  beforeAll(async () => {
    cluster = await startDemoCluster({
      scenario: ['healthy', 'missing-service', 'subset-no-pods'],
      timeScale: 100,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-chain-cli-demo-'));
    kubeconfig = path.join(dir, 'demo.kubeconfig');
    fs.writeFileSync(kubeconfig, cluster.kubeconfig);
    await cluster.waitFor(async () => {
      const pods = await cluster.list('v1', 'Pod', { namespace: 'shop' });
      return (
        pods.length >= 4 &&
        pods.every(p =>
          p.status?.conditions?.some(
            (c: any) => c.type === 'Ready' && c.status === 'True',
          ),
        )
      );
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports what a file that breaks a healthy chain introduces', async () => {
    const service = await get('v1', 'Service', 'storefront', 'shop');
    service.spec.selector = { app: 'store-front' };
    const file = write('storefront-service.yaml', [service]);
    const r = await run(['check', '-f', file, '--kubeconfig', kubeconfig], {
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      `Checked 1 object from 1 file against the cluster of context "demo" (${cluster.url}).`,
    );
    expect(r.stdout).toContain('Introduced by the manifests (1):');
    expect(r.stdout).toMatch(
      /storefront-service\.yaml:\d+: error MESH-4001 Service selector selects no pods\n {2}Service shop\/storefront, spec\.selector/,
    );
    expect(r.stdout).toContain('1 diagnostic introduced (1 error), 0 fixed');
    expect(r.code).toBe(1);
  });

  it('reports what a file that fixes a broken scenario fixes', async () => {
    const vs = await get(
      'networking.istio.io/v1',
      'VirtualService',
      'reviews',
      'shop',
    );
    vs.spec.http[0].route[0].destination.host =
      'reviews.shop.svc.cluster.local';
    const dr = await get(
      'networking.istio.io/v1',
      'DestinationRule',
      'reviews',
      'shop',
    );
    dr.spec.host = 'reviews.shop.svc.cluster.local';
    const file = write('reviews.yaml', [vs, dr]);
    const r = await run(
      ['check', '-f', file, '--kubeconfig', kubeconfig, '-o', 'json'],
      { cwd: dir },
    );
    const report = JSON.parse(r.stdout);
    expect(report.introduced).toEqual([]);
    expect(
      report.fixed.map((d: any) => [d.code, d.resources[0].kind, d.file]),
    ).toEqual(
      expect.arrayContaining([
        ['MESH-1002', 'VirtualService', 'reviews.yaml'],
        ['MESH-3001', 'DestinationRule', 'reviews.yaml'],
      ]),
    );
    expect(r.code).toBe(0);
  });

  it('traces through the manifests over the live cluster', async () => {
    const vs = await get(
      'networking.istio.io/v1',
      'VirtualService',
      'payments',
      'finance',
    );
    const r = await run(
      [
        'trace',
        `http://${vs.spec.hosts[0]}/`,
        '--kubeconfig',
        kubeconfig,
        '-n',
        'finance',
        '-n',
        'istio-system',
      ],
      { cwd: dir },
    );
    // 20% go to subset v2, which no pod serves.
    expect(r.stdout).toMatch(/80%.*subset v1 .* -> 2 ready pods/);
    expect(r.stdout).toMatch(/20%.*subset v2 .* -> no ready pod/);
    expect(r.stdout).toContain('in the cluster of context "demo"');
  });

  it('reads with the viewer credential, and asks a namespace-bound one for namespaces', async () => {
    const file = write('storefront-deployment.yaml', [
      await get('apps/v1', 'Deployment', 'storefront', 'shop'),
    ]);
    const viewer = await run(
      [
        'check',
        '-f',
        file,
        '--kubeconfig',
        kubeconfig,
        '--context',
        'demo-viewer',
      ],
      { cwd: dir },
    );
    expect(viewer.stdout).toContain('0 diagnostics introduced, 0 fixed');
    expect(viewer.code).toBe(0);

    const restricted = [
      'check',
      '-f',
      file,
      '--kubeconfig',
      kubeconfig,
      '--context',
      'demo-restricted',
    ];
    const everywhere = await run(restricted, { cwd: dir });
    expect(everywhere.code).toBe(2);
    expect(everywhere.stderr).toContain(
      'may not list any of the kinds the chain engine reads across all namespaces; name the namespaces they may read with --namespace',
    );
    const inShop = await run([...restricted, '-n', 'shop'], { cwd: dir });
    expect(inShop.stderr).toBe('');
    expect(inShop.code).toBe(0);
  });

  it('runs as the mesh-chain command, with its exit code', async () => {
    const service = await get('v1', 'Service', 'storefront', 'shop');
    service.spec.selector = { app: 'store-front' };
    const file = write('broken-service.yaml', [service]);
    const bin = path.join(PACKAGE_DIR, 'bin', 'mesh-chain');
    const { code, stdout } = await new Promise<{
      code: number;
      stdout: string;
    }>(resolve => {
      execFile(
        process.execPath,
        [bin, 'check', '-f', file, '--kubeconfig', kubeconfig],
        { cwd: dir },
        (error, out) =>
          resolve({ code: error ? Number(error.code) : 0, stdout: out }),
      );
    });
    expect(stdout).toContain('error MESH-4001');
    expect(code).toBe(1);
  });
});
