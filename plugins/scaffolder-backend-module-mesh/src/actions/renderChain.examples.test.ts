import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'fs';
import path from 'path';
import yaml from 'yaml';
import { createRenderChainAction } from './renderChain';
import { examples } from './renderChain.examples';

describe('mesh:chain:render examples', () => {
  const action = createRenderChainAction();
  const workspace = createMockDirectory();

  beforeEach(() => workspace.clear());

  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe(action.id);
      const ctx = createMockActionContext({
        input: step.input,
        workspacePath: workspace.path,
      });
      await action.handler(ctx);

      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      const dir = path.join(
        workspace.path,
        step.input.targetPath ?? 'kubernetes',
      );
      const kustomization = yaml.parse(
        fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'),
      );
      // Every file the kustomization lists exists and holds the objects the
      // action reported, in the same order.
      const written = kustomization.resources.flatMap((f: string) =>
        yaml
          .parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8'))
          .map(d => d.toJS()),
      );
      expect(written.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual(
        outputs.objects.map((o: any) => `${o.kind}/${o.name}`),
      );
      expect(outputs.manifest).toContain(`image: ${step.input.image}`);
      expect(
        written
          .filter((o: any) => o.kind !== 'Namespace')
          .every(
            (o: any) =>
              o.metadata.labels['backstage.io/kubernetes-id'] ===
              outputs.kubernetesId,
          ),
      ).toBe(true);
    },
  );
});
