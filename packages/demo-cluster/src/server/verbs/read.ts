/*
 * Reading resources: `get` (an object, or its `scale` subresource) and
 * `list` (with selectors and paging).
 */
import { scaleOf } from '../../api/ObjectApi';
import type { ResourceCall, ServerParts } from './ResourceCall';

/** GET of a named object. */
export function get(call: ResourceCall, parts: ServerParts) {
  const { route, res, apiVersion, format } = call;
  const obj = parts.api.get(route.type, route.namespace ?? '', route.name!);
  parts.responses.object(
    res,
    200,
    route.subresource === 'scale' ? scaleOf(obj) : obj,
    route.type,
    apiVersion,
    format,
  );
}

/** GET of a collection. */
export function list(call: ResourceCall, parts: ServerParts) {
  const { route, res, apiVersion, format } = call;
  const { query } = call.request;
  const limit = query.get('limit');
  const result = parts.api.list(route.type, route.namespace, {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
    limit: limit ? Number(limit) : undefined,
    continue: query.get('continue') ?? undefined,
  });
  parts.responses.list(res, route.type, apiVersion, result, format);
}
