/*
 * The metrics.k8s.io API (PodMetrics, NodeMetrics): computed on each read
 * from the simulated load, never stored; get and list only.
 */
import { ApiError, methodNotAllowed } from '../../api/errors';
import type { ResourceCall, ServerParts } from './ResourceCall';

/** GET of pod or node metrics (one, or a list by label selector). */
export function metrics(call: ResourceCall, parts: ServerParts) {
  const { route, res, apiVersion } = call;
  const { method, isWatch, query } = call.request;
  if (method !== 'GET' || isWatch || route.subresource)
    throw methodNotAllowed();
  const labelSelector = query.get('labelSelector') ?? undefined;
  const items =
    route.type.kind === 'PodMetrics'
      ? parts.metrics.pods(route.namespace, labelSelector)
      : parts.metrics.nodes(labelSelector);
  if (route.name) {
    const one = items.find(i => i.metadata.name === route.name);
    if (!one) {
      const shown = route.namespace
        ? `${route.namespace}/${route.name}`
        : route.name;
      throw new ApiError(
        404,
        'NotFound',
        `${route.type.kind.toLowerCase()}.metrics.k8s.io "${shown}" not found`,
        {
          name: route.name,
          group: 'metrics.k8s.io',
          kind: route.type.plural,
        },
      );
    }
    parts.responses.send(res, 200, JSON.stringify(one));
    return;
  }
  parts.responses.send(
    res,
    200,
    JSON.stringify({
      kind: `${route.type.kind}List`,
      apiVersion,
      metadata: {},
      items,
    }),
  );
}
