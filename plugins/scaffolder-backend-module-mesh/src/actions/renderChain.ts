import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import path from 'path';
import {
  blockingFindings,
  checkChainManifests,
  describeFinding,
  formatFindings,
} from '../chain/chainCheck';
import { toYaml, writeChain } from '../chain/manifests';
import { renderChain } from '../chain/render';
import { checkChainSpec } from '../chain/spec';
import { chainSpecFields } from '../chain/spec/chainSpecSchema';
import { formatProblems, validateManifests } from '../chain/validate';
import { declaredAs, parseInput, z as zod, Zod } from '../lib/zod';
import { objectRefFields } from './objectRefFields';
import { examples } from './renderChain.examples';
import type { RenderChainInput, RenderChainOutput } from './types';

const inputSchema = (z: Zod) =>
  declaredAs<RenderChainInput>()(
    z
      .object({
        ...chainSpecFields(z),
        targetPath: z
          .string()
          .default('kubernetes')
          .describe(
            'Directory in the workspace to write the manifests and kustomization.yaml to.',
          ),
      })
      .strict(),
  );

const outputSchema = (z: Zod) =>
  declaredAs<RenderChainOutput>()(
    z.object({
      directory: z
        .string()
        .describe(
          'The directory the manifests were written to, in the workspace.',
        ),
      files: z
        .array(z.string())
        .describe(
          'The files written, relative to the workspace, in apply order.',
        ),
      manifest: z
        .string()
        .describe('All rendered objects as one multi-document YAML stream.'),
      objects: z
        .array(
          z.object({
            ...objectRefFields(z),
          }),
        )
        .describe('The rendered objects, in apply order.'),
      warnings: z
        .array(z.string())
        .describe(
          'What the chain check of the rendered manifests alone found that is not an error, one line each: code, title, object, field, what is wrong and the fix (mesh:chain:apply checks them against the cluster).',
        ),
      kubernetesId: z
        .string()
        .describe(
          'Value of the `backstage.io/kubernetes-id` label, for the catalog entity annotation.',
        ),
      labelSelector: z
        .string()
        .describe('Label selector matching every object of the service.'),
      serviceHost: z.string().describe('Fully qualified host of the Service.'),
      gatewayRef: z
        .string()
        .describe(
          'The Gateway the VirtualService is bound to, as namespace/name.',
        ),
      externalUrl: z
        .string()
        .optional()
        .describe(
          'Where clients reach the service from outside, e.g. https://checkout.example.com/.',
        ),
    }),
  );

/**
 * Validates the typed inputs of one service and renders its whole chain
 * (Gateway, VirtualService, DestinationRule, Service, Deployment, HPA, and
 * optionally the Namespace) into the workspace.
 *
 * @public
 */
export function createRenderChainAction(): TemplateAction<
  RenderChainInput,
  RenderChainOutput,
  'v2'
> {
  return createTemplateAction({
    id: 'mesh:chain:render',
    description:
      'Renders a service behind Istio (Deployment per version, Service, HorizontalPodAutoscaler, DestinationRule, Gateway, VirtualService, optionally the Namespace) with consistent references, validates inputs and the result against the upstream Kubernetes and Istio schemas, and writes the manifests and a kustomization.yaml into the workspace.',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: outputSchema,
    },
    async handler(ctx) {
      const input = parseInput<RenderChainInput>(
        inputSchema(zod),
        ctx.input,
        'mesh:chain:render',
      );
      const problems = checkChainSpec(input);
      if (problems.length > 0) {
        throw new InputError(
          `Invalid input for mesh:chain:render:\n${problems
            .map(p => `  - ${p.field}: ${p.message}`)
            .join('\n')}`,
        );
      }
      let directory: string;
      try {
        directory = resolveSafeChildPath(ctx.workspacePath, input.targetPath);
      } catch {
        throw new InputError(
          `targetPath: '${input.targetPath}' is outside the workspace; use a relative path such as kubernetes`,
        );
      }

      const chain = renderChain(input, {
        sourceTemplate: ctx.templateInfo?.entityRef,
      });

      // The renderer keeps references consistent by construction; checking
      // its output anyway means a bug here never reaches a cluster.
      const schemaProblems = validateManifests(
        chain.objects.map(object => ({ object, source: 'rendered' })),
      );
      if (schemaProblems.length > 0) {
        throw new Error(
          `mesh:chain:render produced manifests that fail validation; this is a bug in the mesh actions, please report it with the inputs:\n${formatProblems(
            schemaProblems,
          )}`,
        );
      }
      // What the Service Mesh tab will say about the chain, as far as the
      // manifests alone tell (mesh:chain:apply checks it against the
      // cluster).
      const check = checkChainManifests(chain.objects, {
        clusterDomain: input.clusterDomain,
      });
      const blocking = blockingFindings(check);
      if (blocking.length > 0) {
        throw new InputError(
          `The inputs make a chain the Service Mesh tab would report as broken:\n${formatFindings(
            blocking,
          )}`,
        );
      }
      const warnings = check.findings.map(describeFinding);
      for (const w of warnings) {
        ctx.logger.warn(w);
      }

      const written = await writeChain(directory, chain);
      const relative = path.relative(ctx.workspacePath, directory) || '.';
      const files = written.map(f => path.join(relative, f));
      ctx.logger.info(
        `Rendered ${chain.objects.length} objects for ${input.namespace}/${
          input.name
        } into ${relative}: ${chain.objects
          .map(o => `${o.kind} ${o.metadata.name}`)
          .join(', ')}`,
      );

      ctx.output('directory', relative);
      ctx.output('files', files);
      ctx.output('manifest', toYaml(chain.objects));
      ctx.output(
        'objects',
        chain.objects.map(o => ({
          apiVersion: o.apiVersion,
          kind: o.kind,
          ...(o.metadata.namespace && { namespace: o.metadata.namespace }),
          name: o.metadata.name,
        })),
      );
      ctx.output('warnings', warnings);
      ctx.output('kubernetesId', chain.kubernetesId);
      ctx.output('labelSelector', chain.labelSelector);
      ctx.output('serviceHost', chain.serviceHost);
      ctx.output('gatewayRef', chain.gatewayRef);
      if (chain.externalUrl) {
        ctx.output('externalUrl', chain.externalUrl);
      }
    },
  });
}
