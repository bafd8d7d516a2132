import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  getMeshEntityTarget,
  MESH_AUTH_HEADER,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshUserAuth } from '@mesh-chain/plugin-mesh-node';
import type { Router } from 'express';
import { sendChainAnswer } from './chainAnswer';
import { addChangeRoutes, checkChangeRequest } from './changeRoutes';
import { createOpenApiRouter } from './schema/openapi.generated';
import type { ClusterDataService } from './services/cluster/ClusterDataService';
import { EncodedAnswers } from './services/chains/EncodedAnswers';
import type { ChangeService } from './services/changes/ChangeService';
import type { LiveUpdates } from './services/live/LiveUpdates';
import { MeshAccess, parseEntityParts } from './services/MeshAccess';
import type { MeshChainService } from './services/MeshChainService';
import { checkRouteRequest } from './services/routeTrace/checkRouteRequest';
import { parseJsonBody } from './services/routeTrace/routeRequestLimits';
import type { TelemetryService } from './services/telemetry';
import { trafficRoute } from './services/telemetry/trafficRoute';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  logger: LoggerService;
  access: MeshAccess;
  chains: MeshChainService;
  data: ClusterDataService;
  live: LiveUpdates;
  telemetry?: TelemetryService;
  changes: ChangeService;
}

/**
 * Parses the `backstage-mesh-auth` header: JSON shaped like the stock
 * Kubernetes plugin's `auth` request field.
 */
function parseUserAuth(
  header: string | string[] | undefined,
): MeshUserAuth | undefined {
  if (header === undefined || header === '') {
    return undefined;
  }
  const text = Array.isArray(header) ? header[0] : header;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(
      `Invalid ${MESH_AUTH_HEADER} header: it is not JSON; send an object keyed by auth provider, e.g. {"google":"<token>"} or {"oidc":{"okta":"<token>"}}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(
      `Invalid ${MESH_AUTH_HEADER} header: expected a JSON object keyed by auth provider, e.g. {"google":"<token>"}`,
    );
  }
  return value as MeshUserAuth;
}

/** The mesh HTTP API, typed and validated from `schema/openapi.yaml`. */
export async function createRouter(options: RouterOptions): Promise<Router> {
  const { httpAuth, access, chains, data, live, logger, changes } = options;
  const router = await createOpenApiRouter({
    middleware: [parseJsonBody, checkRouteRequest, checkChangeRequest],
  });
  const encoded = new EncodedAnswers();

  router.get('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await access.requireClustersRead(credentials);
    const clusters = await data.listClusters();
    res.json({
      clusters: clusters.map(cluster => {
        const cache = data.cacheStatus(cluster);
        return {
          name: cluster.name,
          ...(cluster.title && { title: cluster.title }),
          ...(cluster.dashboardUrl && { dashboardUrl: cluster.dashboardUrl }),
          authProvider: cluster.authProvider,
          authMode: cluster.authMode,
          ...(cache && { cache }),
        };
      }),
    });
  });

  router.get('/entities/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = parseEntityParts(req.params);
    const userAuth = parseUserAuth(req.headers[MESH_AUTH_HEADER]);
    const entity = await access.entityFor(ref, credentials);
    const { response, revisions } = await chains.getChain(entity, {
      userAuth,
      cluster: req.query.cluster,
    });
    const target = getMeshEntityTarget(entity);
    if (target) {
      live
        .viewed(response.entityRef, target, revisions.clusters)
        .catch(error =>
          logger.warn(`mesh: live update bookkeeping failed: ${error}`),
        );
    }
    // Type-checked against the spec; sent pre-serialized (see serialize).
    const body: Parameters<typeof res.json>[0] = target
      ? { ...response, liveForMs: live.followForMs }
      : response;
    res.setHeader('cache-control', 'no-store');
    // The revision is a hash of the content (timestamps aside): a weak ETag
    // that also spares express from hashing the body.
    res.setHeader('etag', `W/"${response.revision}"`);
    sendChainAnswer(req, res, body as typeof response, {
      encoded,
      serialize: answer => chains.serialize(answer),
    });
  });

  router.get('/entities/:kind/:namespace/:name/object', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = parseEntityParts(req.params);
    const userAuth = parseUserAuth(req.headers[MESH_AUTH_HEADER]);
    const entity = await access.entityFor(ref, credentials);
    const response = await chains.getObject(
      entity,
      { cluster: req.query.cluster, key: req.query.key },
      { userAuth },
    );
    res.setHeader('cache-control', 'no-store');
    res.json(response);
  });

  router.post('/entities/:kind/:namespace/:name/route', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = parseEntityParts(req.params);
    const userAuth = parseUserAuth(req.headers[MESH_AUTH_HEADER]);
    const entity = await access.entityFor(ref, credentials);
    const response = await chains.simulate(entity, req.body, { userAuth });
    res.setHeader('cache-control', 'no-store');
    res.json(response);
  });

  if (options.telemetry) {
    router.get(
      '/entities/:kind/:namespace/:name/traffic',
      trafficRoute({ ...options, telemetry: options.telemetry }),
    );
  }
  addChangeRoutes(router, { httpAuth, changes });

  return router;
}
