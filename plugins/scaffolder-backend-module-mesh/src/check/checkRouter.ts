/*
 * POST /api/scaffolder/mesh/check: what the Service Mesh tab will report
 * about the chain a template creates, for the values of its form, before
 * the user clicks Create. The template's review-page field calls it; the
 * gate stays mesh:chain:apply's own check when the template runs.
 */
import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import type { MeshCheckResponse } from '@mesh-chain/plugin-mesh-common';
import {
  classifyClusterError,
  type MeshClustersService,
} from '@mesh-chain/plugin-mesh-node';
import express from 'express';
import Router from 'express-promise-router';
import { checkChainInCluster, checkChainManifests } from '../chain/chainCheck';
import { ChainClusterClient } from '../cluster/MeshObjectApi';
import { TargetAccess } from '../cluster/targetAccess';
import { readApplyTargets } from '../cluster/targets';
import { formatPath, z } from '../lib/zod';
import { previewTemplate, TemplatePreview } from './templatePreview';
import { assertValuesWithinLimits } from './valueLimits';

/** The body of a check request. */
const checkRequest = z
  .object({
    templateRef: z
      .string()
      .min(1)
      .max(512)
      .describe('The template, e.g. template:default/mesh-service.'),
    values: z
      .record(z.unknown())
      .describe('The values of its form, as the scaffolder would run it.'),
  })
  .strict();

export type { MeshCheckResponse };

/** Options of {@link createCheckRouter}. @public */
export interface CheckRouterOptions {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  scaffolder: ScaffolderService;
  clusters: MeshClustersService;
  config: Config;
  logger: LoggerService;
  /** Builds the cluster client; defaults to `MeshObjectApi`. */
  clientFactory?: (kc: KubeConfig) => ChainClusterClient;
}

function parseBody(body: unknown) {
  const parsed = checkRequest.safeParse(body);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues
        .map(i => `${formatPath(i.path) || 'body'}: ${i.message}`)
        .join('; '),
    );
  }
  return parsed.data;
}

function namespacesOf(preview: TemplatePreview): string[] {
  return [
    ...new Set(
      preview.objects.map(o =>
        o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace ?? '',
      ),
    ),
  ].filter(Boolean);
}

/**
 * The chain check of a preview: against its cluster when the template
 * applies to one (the cluster and namespaces must be allowed, as for
 * mesh:chain:apply), else alone. A cluster that cannot be read gives the
 * check alone, with a note saying why.
 */
async function checkPreview(
  preview: TemplatePreview,
  access: TargetAccess,
  logger: LoggerService,
): Promise<MeshCheckResponse> {
  const { objects, clusterDomain } = preview;
  if (objects.length === 0) {
    return {
      ...checkChainManifests(objects),
      notes: ['With these values the template renders no manifests.'],
    };
  }
  if (!preview.cluster) {
    return {
      ...checkChainManifests(objects, { clusterDomain }),
      notes: [
        'The template does not apply to a cluster with these values, so the manifests were checked alone: references to objects outside them are not checked.',
      ],
    };
  }
  const where = await access.resolve(preview.cluster, namespacesOf(preview));
  const cluster = where.cluster.name;
  try {
    const client = await access.client(where);
    return {
      ...(await checkChainInCluster(objects, client, {
        clusterDomain,
        cluster,
      })),
      cluster,
      notes: [],
    };
  } catch (error) {
    const { message } = classifyClusterError(error, { cluster });
    logger.warn(
      `The template check could not read cluster '${cluster}': ${message}`,
    );
    return {
      ...checkChainManifests(objects, { clusterDomain, cluster }),
      cluster,
      notes: [
        `${message} The manifests were checked alone; applying checks them against the cluster again.`,
      ],
    };
  }
}

/**
 * The router of the template check, mounted on the scaffolder plugin's
 * router (`/api/scaffolder/mesh/check`).
 *
 * @public
 */
export async function createCheckRouter(
  options: CheckRouterOptions,
): Promise<express.Router> {
  const { httpAuth, catalog, scaffolder, logger } = options;
  const access = new TargetAccess(
    options.clusters,
    readApplyTargets(options.config),
    options.clientFactory,
  );
  const router = Router();
  router.use('/mesh', express.json({ limit: '256kb' }));
  router.post('/mesh/check', async (req, res) => {
    const credentials: BackstageCredentials = await httpAuth.credentials(req, {
      allow: ['user'],
    });
    const { templateRef, values } = parseBody(req.body);
    assertValuesWithinLimits(values);
    const preview = await previewTemplate({
      catalog,
      scaffolder,
      templateRef,
      values,
      credentials,
    });
    const answer: MeshCheckResponse = await checkPreview(
      preview,
      access,
      logger,
    );
    res.json(answer);
  });
  return router;
}
