/*
 * The paths that name no resource: health checks, `/version`, discovery
 * (`/api`, `/apis` and below) and the OpenAPI documents.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { noSuchPath, notFound } from '../../api/errors';
import { RESOURCE_TYPES, ResourceType } from '../../api/resources';
import {
  coreVersions,
  group as groupDoc,
  groupList,
  resourceList,
  versionInfo,
} from '../discovery';
import { openApiV2, openApiV3Document, openApiV3Root } from '../openapi';
import type { Responses } from '../responses';

/** Health checks: answered before anything else, not counted. */
export function isHealthCheck(path: string): boolean {
  return path === '/healthz' || path === '/livez' || path === '/readyz';
}

/** `/version`: answered to anyone, like the API server's default policy. */
export function serveVersion(res: ServerResponse, responses: Responses) {
  responses.send(res, 200, JSON.stringify(versionInfo()));
}

/** A discovery document: `/api`, `/api/v1`, `/apis`, `/apis/{group}[/{version}]`. */
export function serveDiscovery(
  res: ServerResponse,
  segments: string[],
  served: (t: ResourceType) => boolean,
  serverAddress: string,
  responses: Responses,
) {
  let doc: unknown;
  if (segments[0] === 'api') {
    if (segments.length === 1) doc = coreVersions(serverAddress);
    else if (segments[1] === 'v1') doc = resourceList('', 'v1', served);
  } else if (segments.length === 1) {
    doc = groupList(served);
  } else if (segments.length === 2) {
    doc = groupDoc(segments[1], served);
  } else {
    doc = resourceList(segments[1], segments[2], served);
  }
  if (!doc) {
    throw noSuchPath();
  }
  responses.send(res, 200, JSON.stringify(doc));
}

/** `/openapi/v2` (JSON or protobuf) and `/openapi/v3[/{group version}]`. */
export function serveOpenApi(
  res: ServerResponse,
  path: string,
  req: IncomingMessage,
  served: (t: ResourceType) => boolean,
  responses: Responses,
) {
  const types = RESOURCE_TYPES.filter(served);
  if (path === '/openapi/v2') {
    const doc = openApiV2(types, req.headers.accept);
    responses.send(res, 200, doc.body, doc.contentType);
    return;
  }
  if (path === '/openapi/v3') {
    responses.send(res, 200, JSON.stringify(openApiV3Root(types)));
    return;
  }
  const m = path.match(/^\/openapi\/v3\/(api\/v1|apis\/[^/]+\/[^/]+)$/);
  const doc = m && openApiV3Document(types, m[1]);
  if (!doc) throw notFound({ group: '', plural: 'openapi' }, path);
  responses.send(res, 200, JSON.stringify(doc));
}
