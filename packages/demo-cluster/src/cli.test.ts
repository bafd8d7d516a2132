import fs from 'fs';
import os from 'os';
import path from 'path';
import { CliError, parseCli } from './cli';

describe('parseCli', () => {
  it('reads the options script/server passes, relative to the working directory', () => {
    const parsed = parseCli(
      [
        '--port',
        '6551',
        '--name',
        'dev',
        '--scenario',
        'dev',
        '--state',
        '.demo/dev.state.json',
        '--write-kubeconfig',
        '.demo/dev.kubeconfig',
      ],
      '/repo',
    );
    expect(parsed.kubeconfigFile).toBe('/repo/.demo/dev.kubeconfig');
    expect(parsed.options).toMatchObject({
      port: 6551,
      name: 'dev',
      scenario: 'dev',
      state: '/repo/.demo/dev.state.json',
    });
    expect(parseCli([]).options).toMatchObject({ port: 6443, scenario: 'dev' });
    expect(
      parseCli(['--scaffolder-namespaces', 'apps, sandbox']).options
        .scaffolderNamespaces,
    ).toEqual(['apps', 'sandbox']);
    expect(
      parseCli(['--changes-namespaces', 'shop,finance']).options
        .changesNamespaces,
    ).toEqual(['shop', 'finance']);
    expect(
      parseCli(['--no-tls', '--no-controllers', '--time-scale', '10']).options,
    ).toMatchObject({
      tls: false,
      controllers: false,
      timeScale: 10,
    });
  });

  it('names the option and the fix on bad input', () => {
    expect(() => parseCli(['--port', 'http'])).toThrow(
      new CliError("--port must be a number of at least 0, not 'http'"),
    );
    expect(() => parseCli(['--bogus'])).toThrow(/Unknown option '--bogus'/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-cluster-cli-'));
    try {
      const file = path.join(dir, 'tokens.yaml');
      // The old shape (access levels) is refused with what to do instead.
      fs.writeFileSync(file, 'ci-token: {user: ci, access: write}\n');
      expect(() => parseCli(['--tokens', file])).toThrow(
        `--tokens: ${file}["ci-token"].access is not a field of a token identity (user, groups, serviceAccount); what an identity may do is set by RBAC Roles and bindings`,
      );
      fs.writeFileSync(file, 'ci-token: {serviceAccount: deployer}\n');
      expect(() => parseCli(['--tokens', file])).toThrow(
        `--tokens: ${file}["ci-token"].serviceAccount must be <namespace>/<name>, e.g. backstage/mesh-viewer, not 'deployer'`,
      );
      fs.writeFileSync(
        file,
        'ci-token: {serviceAccount: ci/deployer}\nme: {user: me, groups: [team]}\n',
      );
      expect(parseCli(['--tokens', file]).options.tokens).toEqual({
        'ci-token': { serviceAccount: 'ci/deployer' },
        me: { user: 'me', groups: ['team'] },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
