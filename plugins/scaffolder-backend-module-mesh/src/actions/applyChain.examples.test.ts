import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { FakeCluster } from '../__testUtils__/FakeCluster';
import { fakeClusters } from '../__testUtils__/clusters';
import { istioIngressObjects } from '../__testUtils__/istioIngress';
import { createApplyChainAction } from './applyChain';
import { examples } from './applyChain.examples';
import { createRenderChainAction } from './renderChain';
import { examples as renderExamples } from './renderChain.examples';

describe('mesh:chain:apply examples', () => {
  const workspace = createMockDirectory();

  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      workspace.clear();
      // A cluster with Istio's ingress gateway, which the chain's Gateway selects.
      const cluster = new FakeCluster().seed(istioIngressObjects());
      cluster.objects.set('Namespace//shop', { metadata: { name: 'shop' } });
      const action = createApplyChainAction({
        clusters: fakeClusters([{ name: 'dev' }]),
        config: new ConfigReader({
          mesh: {
            scaffolder: { targets: [{ cluster: 'dev', namespaces: ['*'] }] },
          },
        }),
        clientFactory: () => cluster,
        pollIntervalMs: 5,
      });
      // What the first render example writes is what these examples apply.
      await createRenderChainAction().handler(
        createMockActionContext({
          input: yaml.parse(renderExamples[0].example).steps[0].input,
          workspacePath: workspace.path,
        }) as any,
      );

      const step = yaml.parse(example.example).steps[0];
      expect(step.action).toBe(action.id);
      const ctx = createMockActionContext({
        input: step.input,
        workspacePath: workspace.path,
      });
      await action.handler(ctx as any);
      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(outputs.results.length).toBeGreaterThan(0);
      expect(outputs.results.every((r: any) => r.result === 'created')).toBe(
        true,
      );
      for (const r of outputs.results) {
        expect(
          cluster.objects.has(`${r.kind}/${r.namespace ?? ''}/${r.name}`),
        ).toBe(true);
      }
      expect(outputs.available).toBe(
        step.input.waitForAvailable ? true : undefined,
      );
    },
  );
});
