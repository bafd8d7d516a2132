import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { FakeCatalog } from '../__testUtils__/FakeCatalog';
import { createRegisterLocalAction } from './registerLocal';
import { examples } from './registerLocal.examples';

describe('mesh:catalog:register-local examples', () => {
  const root = createMockDirectory();

  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      root.clear();
      const directory = root.resolve('catalog');
      const workspace = root.resolve('workspace');
      fs.mkdirSync(workspace);
      fs.writeFileSync(
        path.join(workspace, 'catalog-info.yaml'),
        yaml.stringify({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'from-workspace' },
          spec: { type: 'service', lifecycle: 'experimental', owner: 'guest' },
        }),
      );
      const catalog = new FakeCatalog();
      // A Location file next to the catalog directory, targeting it relatively.
      catalog.addFileLocation('local', root.resolve('local.yaml'), [
        './catalog/*.yaml',
      ]);
      const action = createRegisterLocalAction({
        catalog: catalog as any,
        config: new ConfigReader({
          mesh: {
            scaffolder: {
              catalog: { directory, location: 'location:default/local' },
            },
          },
        }),
        pollIntervalMs: 5,
      });

      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe(action.id);
      const ctx = createMockActionContext({
        input: step.input,
        workspacePath: workspace,
      });
      await action.handler(ctx as any);
      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(await catalog.getEntityByRef(outputs.entityRef)).toBeDefined();
      expect(fs.existsSync(outputs.catalogInfoUrl.replace(/^file:/, ''))).toBe(
        true,
      );
    },
  );
});
