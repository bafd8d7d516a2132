import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { FakeCatalog } from '../__testUtils__/FakeCatalog';
import { createRegisterLocalAction } from './registerLocal';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
  spec: {
    type: 'service',
    lifecycle: 'experimental',
    owner: 'group:default/team-a',
  },
};

describe('mesh:catalog:register-local', () => {
  const root = createMockDirectory();
  let catalog: FakeCatalog;
  let directory: string;
  let workspace: string;

  beforeEach(() => {
    root.clear();
    directory = root.resolve('catalog');
    workspace = root.resolve('workspace');
    fs.mkdirSync(workspace);
    catalog = new FakeCatalog();
    catalog.addFileLocation('local', root.resolve('local.yaml'), [
      './catalog/*.yaml',
    ]);
  });

  function action(
    config: object = {
      mesh: {
        scaffolder: { catalog: { directory, location: 'local' } },
      },
    },
  ) {
    return createRegisterLocalAction({
      catalog: catalog as any,
      config: new ConfigReader(config),
      pollIntervalMs: 5,
    });
  }

  async function run(
    input: Record<string, any>,
    extra: object = {},
    act = action(),
  ) {
    const ctx = {
      ...createMockActionContext({ input, workspacePath: workspace }),
      ...extra,
    };
    await act.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  const file = () => path.join(directory, 'component.default.checkout.yaml');

  it('writes the workspace entity where the catalog location reads, refreshes it and waits for the entity', async () => {
    fs.writeFileSync(
      path.join(workspace, 'catalog-info.yaml'),
      YAML.stringify(entity),
    );
    catalog.ingestDelayMs = 30;
    const outputs = await run({});
    expect(outputs).toEqual({
      entityRef: 'component:default/checkout',
      catalogInfoUrl: `file:${file()}`,
    });
    expect(YAML.parse(fs.readFileSync(file(), 'utf8'))).toEqual(entity);
    expect(catalog.refreshed).toEqual(['location:default/local']);
    expect(
      await catalog.getEntityByRef('component:default/checkout'),
    ).toBeDefined();
  });

  it('is idempotent, refuses to overwrite different content unless asked, and never takes over another entity', async () => {
    await run({ entity });
    await run({ entity });
    const changed = {
      ...entity,
      spec: { ...entity.spec, lifecycle: 'production' },
    };
    await expect(run({ entity: changed })).rejects.toThrow(
      /component:default\/checkout was registered before by this action with different content .*set replace to overwrite it/,
    );
    await run({ entity: changed, replace: true });
    expect(YAML.parse(fs.readFileSync(file(), 'utf8')).spec.lifecycle).toBe(
      'production',
    );

    catalog.entities.set('component:default/payments', {
      ...entity,
      metadata: {
        name: 'payments',
        namespace: 'default',
        annotations: {
          'backstage.io/managed-by-location':
            'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
        },
      },
    });
    await expect(
      run({ entity: { ...entity, metadata: { name: 'payments' } } }),
    ).rejects.toThrow(
      /component:default\/payments already exists in the catalog \(from url:https:\/\/github.com\/acme\/payments\/blob\/main\/catalog-info.yaml\); choose another name/,
    );
    expect(
      fs.existsSync(path.join(directory, 'component.default.payments.yaml')),
    ).toBe(false);
  });

  it('in a dry run checks everything and writes nothing', async () => {
    const outputs = await run({ entity }, { isDryRun: true });
    expect(outputs.entityRef).toBe('component:default/checkout');
    expect(fs.existsSync(directory)).toBe(false);
    expect(catalog.refreshed).toEqual([]);
  });

  it('explains what to configure', async () => {
    await expect(run({ entity }, {}, action({}))).rejects.toThrow(
      /set mesh.scaffolder.catalog.directory and mesh.scaffolder.catalog.location/,
    );
    await expect(
      run(
        { entity },
        {},
        action({
          mesh: {
            scaffolder: {
              catalog: { directory, location: 'component:default/x' },
            },
          },
        }),
      ),
    ).rejects.toThrow(
      /'component:default\/x' is not a Location entity reference/,
    );
    catalog.addFileLocation('elsewhere', root.resolve('local.yaml'), [
      './other/*.yaml',
    ]);
    await expect(
      run(
        { entity },
        {},
        action({
          mesh: {
            scaffolder: { catalog: { directory, location: 'elsewhere' } },
          },
        }),
      ),
    ).rejects.toThrow(
      new RegExp(
        `location:default/elsewhere does not read ${directory}/\\*.yaml, where mesh.scaffolder.catalog.directory puts the entity \\(its targets: ${root.resolve(
          'other',
        )}/\\*.yaml\\)`,
      ),
    );
    catalog.entities.clear();
    await expect(run({ entity })).rejects.toThrow(
      new RegExp(
        `The catalog has no location:default/local .*the target ${directory}/\\*.yaml under catalog.locations`,
      ),
    );
    expect(fs.existsSync(directory)).toBe(false);
  });

  it('names what is wrong with the entity', async () => {
    await expect(run({})).rejects.toThrow(
      /catalogInfoPath: 'catalog-info.yaml' does not exist in the workspace/,
    );
    fs.writeFileSync(
      path.join(workspace, 'two.yaml'),
      `${YAML.stringify(entity)}---\n${YAML.stringify(entity)}`,
    );
    await expect(run({ catalogInfoPath: 'two.yaml' })).rejects.toThrow(
      /must hold exactly one entity/,
    );
    await expect(run({ entity: { kind: 'Component' } })).rejects.toThrow(
      /entity: an entity needs apiVersion, kind and metadata.name/,
    );
    await expect(
      run({ entity: { ...entity, metadata: { name: 'no spaces allowed' } } }),
    ).rejects.toThrow(
      /metadata.name 'no spaces allowed' is not a valid entity name/,
    );
    catalog.invalid = 'spec.owner must be an entity reference';
    await expect(run({ entity })).rejects.toThrow(
      /The catalog rejects component:default\/checkout: spec.owner must be an entity reference/,
    );
    await expect(run({ catalogInfoPath: '../../etc/passwd' })).rejects.toThrow(
      /is outside the workspace/,
    );
  });

  it.each([
    [
      'kind',
      { kind: '../../../tmp/evil' },
      /kind '..\/..\/..\/tmp\/evil' is not a valid kind/,
    ],
    [
      'kind',
      { kind: '/etc/cron.d/x' },
      /kind '\/etc\/cron.d\/x' is not a valid kind/,
    ],
    ['kind', { kind: '..' }, /kind '..' is not a valid kind/],
    [
      'name',
      { metadata: { name: '../../../tmp/evil' } },
      /metadata.name '..\/..\/..\/tmp\/evil' is not a valid entity name/,
    ],
    [
      'name',
      { metadata: { name: '/etc/passwd' } },
      /metadata.name '\/etc\/passwd' is not a valid entity name/,
    ],
    [
      'namespace',
      { metadata: { name: 'checkout', namespace: '../..' } },
      /metadata.namespace '..\/..' is not a valid namespace/,
    ],
    [
      'apiVersion',
      { apiVersion: '../x/y' },
      /apiVersion '..\/x\/y' is not a valid apiVersion/,
    ],
  ])(
    'refuses a %s that could leave the catalog directory (%j), writing nothing',
    async (_field, change, message) => {
      await expect(run({ entity: { ...entity, ...change } })).rejects.toThrow(
        message,
      );
      expect(fs.existsSync(directory)).toBe(false);
      expect(fs.readdirSync(root.path).sort()).toEqual(['workspace']);
      expect(catalog.refreshed).toEqual([]);
    },
  );

  it('gives up after the timeout, saying where the file is', async () => {
    catalog.ingestDelayMs = 5_000;
    await expect(run({ entity, timeoutSeconds: 1 })).rejects.toThrow(
      /did not appear in the catalog within 1s although .*component.default.checkout.yaml was written/,
    );
  });
});
