/*
 * What a template will render and where it will apply it, for the values
 * of its form, before anything runs: the template's own mesh:chain:render
 * step, evaluated by the scaffolder (its templating, in its sandbox) as a
 * dry run of that step alone, and the cluster its mesh:chain:apply step
 * names. Nothing is written and no cluster is contacted.
 */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { InputError, isError, NotFoundError } from '@backstage/errors';
import type { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import { parseManifests } from '../chain/manifests';
import { KubeObject } from '../lib/models';

type DryRunRequest = Parameters<ScaffolderService['dryRun']>[0];

/** What a template will do with a form's values. @public */
export interface TemplatePreview {
  /** The objects its mesh:chain:render step renders. */
  objects: KubeObject[];
  /** The cluster its mesh:chain:apply step applies to, if it runs. */
  cluster?: string;
  /** The cluster's DNS domain the render step uses. */
  clusterDomain: string;
}

interface TemplateStep {
  id?: string;
  action?: string;
  if?: unknown;
  input?: Record<string, unknown>;
}

function stepOf(steps: TemplateStep[], action: string) {
  return steps.find(s => s?.action === action);
}

/**
 * A template of the render step alone, whose output is what the check
 * needs: the manifests, and the apply step's cluster and condition.
 */
function renderStepTemplate(
  template: { apiVersion: string; metadata: any; spec: any },
  render: TemplateStep,
  apply: TemplateStep | undefined,
): DryRunRequest['template'] {
  const id = render.id ?? 'render';
  return {
    apiVersion: template.apiVersion,
    kind: 'Template',
    metadata: {
      name: template.metadata.name,
      namespace: template.metadata.namespace,
    },
    spec: {
      type: template.spec?.type ?? 'service',
      // The form was validated page by page; the real run validates again.
      parameters: [],
      steps: [{ ...render, id, name: 'Render', action: 'mesh:chain:render' }],
      output: {
        manifest: `\${{ steps['${id}'].output.manifest }}`,
        clusterDomain: render.input?.clusterDomain ?? 'cluster.local',
        ...(apply && {
          cluster: apply.input?.cluster,
          applies: apply.if ?? true,
        }),
      },
    },
  } as unknown as DryRunRequest['template'];
}

/** A failed dry run as an error that names what to fix in the form. */
function dryRunError(error: unknown): Error {
  const status = (error as { statusCode?: number })?.statusCode;
  const body = (error as { body?: any })?.body;
  if (status === 400) {
    return new InputError(
      `values: ${body?.error?.message ?? (error as Error).message}`,
    );
  }
  return isError(error) ? error : new Error(String(error));
}

/**
 * What the template `templateRef` will render with these form values, and
 * where it will apply it: its mesh:chain:render step run by the
 * scaffolder's dry run (with the caller's credentials, so only templates
 * the caller may see and run), and its mesh:chain:apply step's cluster
 * when that step runs.
 *
 * @public
 */
export async function previewTemplate(options: {
  catalog: CatalogService;
  scaffolder: ScaffolderService;
  templateRef: string;
  values: Record<string, unknown>;
  credentials: BackstageCredentials;
}): Promise<TemplatePreview> {
  const { catalog, scaffolder, templateRef, values, credentials } = options;
  const template = await catalog.getEntityByRef(templateRef, { credentials });
  if (!template || template.kind !== 'Template') {
    throw new NotFoundError(`templateRef: no template ${templateRef}`);
  }
  const steps: TemplateStep[] = Array.isArray((template.spec as any)?.steps)
    ? (template.spec as any).steps
    : [];
  const render = stepOf(steps, 'mesh:chain:render');
  if (!render) {
    throw new InputError(
      `templateRef: ${templateRef} has no mesh:chain:render step, so there is no chain to check`,
    );
  }
  const apply = stepOf(steps, 'mesh:chain:apply');
  let output: Record<string, unknown>;
  try {
    const result = await scaffolder.dryRun(
      {
        template: renderStepTemplate(template as any, render, apply),
        values: values as DryRunRequest['values'],
        secrets: {},
        directoryContents: [],
      },
      { credentials },
    );
    output = (result.output ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw dryRunError(error);
  }
  const manifest = typeof output.manifest === 'string' ? output.manifest : '';
  const applies = output.applies === true || output.applies === 'true';
  return {
    objects: parseManifests(manifest, 'rendered').map(m => m.object),
    ...(applies &&
      typeof output.cluster === 'string' &&
      output.cluster && { cluster: output.cluster }),
    clusterDomain:
      typeof output.clusterDomain === 'string' && output.clusterDomain
        ? output.clusterDomain
        : 'cluster.local',
  };
}
