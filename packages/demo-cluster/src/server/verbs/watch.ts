/*
 * Watching a collection: the query parameters checked as the API server
 * checks them, then the stream handed to the WatchHub.
 */
import { badRequest } from '../../api/errors';
import { parseFieldSelector, parseLabelSelector } from '../../api/selectors';
import type { ResourceCall, ServerParts } from './ResourceCall';

/** `resourceVersion` of a watch: unset, or a non-negative integer. */
function watchResourceVersion(query: URLSearchParams): number | undefined {
  const rvParam = query.get('resourceVersion');
  if (rvParam === null || rvParam === '') return undefined;
  const resourceVersion = Number(rvParam);
  if (!Number.isInteger(resourceVersion) || resourceVersion < 0) {
    throw badRequest(
      `resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`,
    );
  }
  return resourceVersion;
}

/** GET with `?watch=true`: a stream of events. */
export function watch(call: ResourceCall, parts: ServerParts) {
  const { route, res, format } = call;
  const { query } = call.request;
  const resourceVersion = watchResourceVersion(query);
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';
  const allowBookmarks = query.get('allowWatchBookmarks') === 'true';
  if (sendInitialEvents && !allowBookmarks) {
    throw badRequest(
      'allowWatchBookmarks: Required value: sendInitialEvents requires setting allowWatchBookmarks to true',
    );
  }
  const timeout = query.get('timeoutSeconds');
  parts.hub.open(
    {
      type: route.type,
      version: route.version,
      namespace: route.type.namespaced ? route.namespace : undefined,
      labels: parseLabelSelector(query.get('labelSelector') ?? undefined),
      fields: parseFieldSelector(
        query.get('fieldSelector') ?? undefined,
        route.type.kind,
      ),
      resourceVersion,
      sendInitialEvents,
      allowBookmarks,
      timeoutSeconds: timeout ? Number(timeout) : undefined,
      table: format.kind === 'table' ? format.include : undefined,
    },
    res,
  );
}
