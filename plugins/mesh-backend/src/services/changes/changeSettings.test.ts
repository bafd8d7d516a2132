import { ConfigReader } from '@backstage/config';
import { changeTargetFor, readChangeSettings } from './changeSettings';

const read = (changes: object) =>
  readChangeSettings(new ConfigReader({ mesh: { changes } }));

describe('mesh.changes', () => {
  it('allows nothing without targets', () => {
    const settings = readChangeSettings(new ConfigReader({}));
    expect(settings).toEqual({
      fieldManager: 'backstage-mesh-changes',
      targets: [],
    });
    expect(() => changeTargetFor(settings, 'dev', 'shop')).toThrow(
      "Changes are not enabled for namespace 'shop' of cluster 'dev' (no targets are configured, so no cluster allows changes)",
    );
  });

  it('finds the target of a namespace by its patterns, and names the others otherwise', () => {
    const settings = read({
      targets: [
        {
          cluster: 'dev',
          namespaces: ['shop', 'team-*'],
          credentials: { serviceAccountToken: 'secret' },
        },
      ],
    });
    expect(changeTargetFor(settings, 'dev', 'team-a').at).toBe(
      'mesh.changes.targets[0]',
    );
    expect(() => changeTargetFor(settings, 'dev', 'finance')).toThrow(
      "namespaces that allow changes in 'dev': shop, team-* (mesh.changes.targets[0])",
    );
    expect(() => changeTargetFor(settings, 'prod', 'shop')).toThrow(
      'clusters that allow changes: dev',
    );
  });

  it('refuses a target without its own credential, and the templates’ field manager', () => {
    expect(() =>
      read({ targets: [{ cluster: 'dev', namespaces: ['shop'] }] }),
    ).toThrow(/mesh.changes.targets\[0\].credentials is missing/);
    expect(() =>
      read({
        fieldManager: 'backstage-mesh',
        targets: [],
      }),
    ).toThrow(/would delete everything the template applied/);
  });
});
