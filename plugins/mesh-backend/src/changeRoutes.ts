/*
 * The change API: where changes are allowed, and a change's preview and
 * apply. The service does the work; these handlers only say who asks.
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { ApiRouter } from '@backstage/backend-openapi-utils';
import type { RequestHandler } from 'express';
import type { spec } from './schema/openapi.generated';
import { parseChangeRequest } from './services/changes/changeRequest';
import type { ChangeService } from './services/changes/ChangeService';
import { parseEntityParts } from './services/MeshAccess';

type MeshRouter = ApiRouter<typeof spec>;

const CHANGE_PATH = /\/changes\/(preview|apply)$/;

/**
 * Checks a change's body before the OpenAPI validator does, so that the
 * error names each offending field and what it should be.
 */
export const checkChangeRequest: RequestHandler = (req, _res, next) => {
  if (req.method !== 'POST' || !CHANGE_PATH.test(req.path)) {
    next();
    return;
  }
  try {
    parseChangeRequest(req.body);
    next();
  } catch (error) {
    next(error);
  }
};

/** Adds the change routes to the mesh router. */
export function addChangeRoutes(
  router: MeshRouter,
  options: { httpAuth: HttpAuthService; changes: ChangeService },
) {
  const { httpAuth, changes } = options;

  router.get('/changes/targets', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(changes.targets());
  });

  router.post(
    '/entities/:kind/:namespace/:name/changes/preview',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const preview = await changes.preview({
        entity: parseEntityParts(req.params),
        body: req.body,
        credentials,
        request: req,
      });
      res.setHeader('cache-control', 'no-store');
      res.json(preview as any);
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/changes/apply',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const result = await changes.apply({
        entity: parseEntityParts(req.params),
        body: req.body,
        credentials,
        request: req,
      });
      res.setHeader('cache-control', 'no-store');
      res.json(result as any);
    },
  );
}
