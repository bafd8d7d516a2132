import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createApplyChainAction } from '../actions/applyChain';
import { fakeClusters } from '../__testUtils__/clusters';
import { readApplyTargets, targetFor } from './targets';

const config = (targets: any) =>
  new ConfigReader({ mesh: { scaffolder: { targets } } });

describe('readApplyTargets', () => {
  it('reads each target with its write credential and where it is configured', () => {
    expect(
      readApplyTargets(
        config([
          {
            cluster: 'dev',
            namespaces: ['apps'],
            credentials: { serviceAccountToken: 'writer' },
          },
          { cluster: 'prod', namespaces: ['*'] },
        ]),
      ),
    ).toEqual([
      {
        cluster: 'dev',
        namespaces: ['apps'],
        at: 'mesh.scaffolder.targets[0]',
        credential: {
          authProvider: 'serviceAccount',
          authMetadata: { serviceAccountToken: 'writer' },
        },
      },
      { cluster: 'prod', namespaces: ['*'], at: 'mesh.scaffolder.targets[1]' },
    ]);
  });

  it('names the field and the fix', () => {
    expect(() =>
      readApplyTargets(
        config([{ cluster: 'dev', namespaces: ['apps'], credentials: {} }]),
      ),
    ).toThrow(
      'mesh.scaffolder.targets[0].credentials.serviceAccountToken is missing',
    );
    expect(() =>
      readApplyTargets(config([{ cluster: 'dev', namespaces: [] }])),
    ).toThrow(
      "mesh.scaffolder.targets[0].namespaces is empty; list the namespaces templates may write to in cluster 'dev'",
    );
  });

  it('warns at start-up about a target that would write with the read credential', () => {
    const logger = mockServices.logger.mock();
    createApplyChainAction({
      clusters: fakeClusters(),
      config: config([
        { cluster: 'dev', namespaces: ['apps'] },
        {
          cluster: 'dev',
          namespaces: ['team-*'],
          credentials: { serviceAccountToken: 'secret-writer' },
        },
      ]),
      logger,
    });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "mesh.scaffolder.targets[0] (cluster 'dev') has no credentials, so mesh:chain:apply writes with the cluster's own credential",
      ),
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(
      'secret-writer',
    );
  });
});

describe('targetFor', () => {
  const targets = readApplyTargets(
    config([
      { cluster: 'dev', namespaces: ['team-*', '*-sandbox', 'a*b*c'] },
      { cluster: 'dev', namespaces: ['*'] },
      { cluster: 'prod', namespaces: ['apps'] },
    ]),
  );
  const at = (namespace: string, cluster = 'dev') =>
    targetFor(targets, cluster, [namespace]).at;

  it('picks the first target whose patterns match (* is any run of characters)', () => {
    expect(at('team-a')).toBe('mesh.scaffolder.targets[0]');
    expect(at('qa-sandbox')).toBe('mesh.scaffolder.targets[0]');
    expect(at('abc')).toBe('mesh.scaffolder.targets[0]');
    expect(at('a-b-c')).toBe('mesh.scaffolder.targets[0]');
    expect(at('ab')).toBe('mesh.scaffolder.targets[1]');
    expect(at('team')).toBe('mesh.scaffolder.targets[1]');
    expect(at('apps', 'prod')).toBe('mesh.scaffolder.targets[2]');
  });

  it('refuses what no target allows, naming the namespace and the targets', () => {
    expect(() => at('shop', 'prod')).toThrow(
      "Templates may not apply to namespace 'shop' of cluster 'prod' (allowed namespaces in 'prod': apps (mesh.scaffolder.targets[2])).",
    );
    expect(() => at('apps', 'staging')).toThrow(
      /allowed clusters: dev, prod\)/,
    );
  });
});
