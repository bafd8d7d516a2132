import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './__testUtils__/run';

/*
 * Bad usage and unreadable input: exit 2, with what and where.
 */
describe('mesh-chain usage', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-chain-cli-'));
    fs.writeFileSync(
      path.join(dir, 'app.yaml'),
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: a }',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: b }',
        '---',
        '# document 3 declares a label twice',
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: c',
        '  labels:',
        '    app: c',
        '    app: d',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'ok.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata: { name: a }\n',
    );
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.writeFileSync(path.join(dir, 'empty', 'README.md'), '# not yaml\n');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the file, document and line of a YAML error', async () => {
    const r = await run(['check', '-f', 'app.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'mesh-chain: a manifest cannot be read\n  app.yaml: document 3 (line 16): not valid YAML: Map keys must be unique\n',
    );
    expect(r.stdout).toBe('');
  });

  it('annotates a YAML error for GitHub too', async () => {
    const r = await run(
      ['check', '-f', 'app.yaml', '--annotations', 'github'],
      { cwd: dir, env: { GITHUB_WORKSPACE: dir } },
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      '::error file=app.yaml,line=16,title=mesh-chain%3A cannot read document 3::not valid YAML: Map keys must be unique\n',
    );
  });

  it.each([
    [
      ['check', '-f', 'missing.yaml'],
      'mesh-chain: missing.yaml: no such file or directory',
    ],
    [
      ['check', '-f', 'empty'],
      'mesh-chain: empty: the directory holds no .yaml, .yml or .json file',
    ],
    [['check'], 'mesh-chain: check needs manifests: -f FILE_OR_DIRECTORY'],
    [
      ['check', '-f', 'app.yaml', '--fail-on', 'sometimes'],
      "error: option '--fail-on <severity>' argument 'sometimes' is invalid. Allowed choices are error, warning, none.",
    ],
    [
      ['check', '-f', 'app.yaml', '--frobnicate'],
      "error: unknown option '--frobnicate'",
    ],
    [
      ['check', '-f', 'app.yaml', '-o', 'json', '--annotations', 'github'],
      'mesh-chain: --annotations github writes workflow commands among the text report; use it with --output text',
    ],
    [
      ['check', '-f', 'ok.yaml', '-l', 'app in (a'],
      'mesh-chain: --selector: Invalid label selector',
    ],
    [
      ['check', '-f', 'ok.yaml', '--kubeconfig', 'nowhere.kubeconfig'],
      'mesh-chain: cannot read the kubeconfig nowhere.kubeconfig',
    ],
    [
      ['trace', 'shop.example.com/cart', '-f', 'app.yaml'],
      'mesh-chain: "shop.example.com/cart" is not an absolute URL',
    ],
    [
      ['trace', 'http://shop.example.com/', '-f', 'app.yaml', '-H', 'x-user'],
      'mesh-chain: -H "x-user": a header is written "Name: value"',
    ],
    [
      [
        'trace',
        'http://shop.example.com/',
        '--from',
        'gateway',
        '--source-namespace',
        'a',
        '-f',
        'app.yaml',
      ],
      'mesh-chain: --source-namespace is the namespace of a caller inside the mesh',
    ],
    [
      ['trace', 'http://shop.example.com/'],
      'mesh-chain: trace needs manifests (-f FILE_OR_DIRECTORY), a cluster',
    ],
    [['deploy'], "error: unknown command 'deploy'"],
  ])('%j exits 2: %s', async (args, message) => {
    const r = await run(args, { cwd: dir });
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(2);
  });

  it('prints help with exit 0 when asked, and with exit 2 when called with nothing', async () => {
    const help = await run(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on <severity>');
    const nothing = await run([]);
    expect(nothing.code).toBe(2);
    expect(nothing.stdout).toContain('Usage: mesh-chain');
  });
});
