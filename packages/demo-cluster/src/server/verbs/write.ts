/*
 * Writing resources: `create` (POST), `update` (PUT, also of `status` and
 * `scale`), `patch` (every patch type, server-side apply included) and
 * `delete` / `deletecollection`, each answering the written object with
 * the warnings the write produced.
 */
import { badRequest, methodNotAllowed } from '../../api/errors';
import { PATCH_TYPES } from '../../api/ObjectApi';
import { duplicatesOf, parseBody, readBody } from '../request';
import type { ResourceCall, ServerParts } from './ResourceCall';

/** The body of a create or update, with its duplicate fields noted. */
async function objectBody(call: ResourceCall): Promise<unknown> {
  const { req } = call.request;
  const raw = await readBody(req);
  const body = parseBody(raw, req.headers['content-type']);
  call.ctx.duplicateFields = duplicatesOf(raw, req.headers['content-type']);
  return body;
}

/** POST to a collection. */
export async function create(call: ResourceCall, parts: ServerParts) {
  const { route, res, apiVersion, format, ctx } = call;
  if (route.name) throw methodNotAllowed();
  const body = await objectBody(call);
  const created = parts.api.create(route.type, route.namespace, body, ctx);
  parts.responses.warn(res, ctx.warnings);
  parts.responses.object(res, 201, created, route.type, apiVersion, format);
}

/** PUT of an object, its `status` or its `scale`. */
export async function update(call: ResourceCall, parts: ServerParts) {
  const { route, res, apiVersion, format, ctx } = call;
  const { type, namespace, name, subresource } = route;
  if (!name) throw methodNotAllowed();
  const body = await objectBody(call);
  if (subresource === 'scale') {
    parts.responses.object(
      res,
      200,
      parts.api.updateScale(type, namespace, name, body, ctx),
      type,
      apiVersion,
      { kind: 'json' },
    );
    return;
  }
  const updated = parts.api.update(
    type,
    namespace,
    name,
    body,
    ctx,
    subresource as 'status' | undefined,
  );
  parts.responses.warn(res, ctx.warnings);
  parts.responses.object(res, 200, updated, type, apiVersion, format);
}

/**
 * PATCH of an object, its `status` or its `scale`. Server-side apply of an
 * object that does not exist creates it (201): the caller must also be
 * allowed to create it (by name).
 */
export async function patch(call: ResourceCall, parts: ServerParts) {
  const { route, res, apiVersion, format, ctx, request } = call;
  const { type, namespace, name, subresource } = route;
  if (!name) throw methodNotAllowed();
  const contentType = request.req.headers['content-type'] ?? '';
  const isApply = contentType.startsWith(PATCH_TYPES.apply);
  if (ctx.force && !isApply) {
    throw badRequest(
      'force: Invalid value: true: may not be specified for non-apply patch',
    );
  }
  const raw = await readBody(request.req);
  const existed = Boolean(
    parts.store.get(type, type.namespaced ? namespace ?? '' : '', name),
  );
  if (!existed && isApply) {
    parts.authorize(call.user, { ...call.attrs, verb: 'create' });
  }
  const patched = parts.api.patch(
    type,
    namespace,
    name,
    contentType,
    raw,
    ctx,
    subresource as 'status' | 'scale' | undefined,
  );
  parts.responses.warn(res, ctx.warnings);
  parts.responses.object(
    res,
    !existed && isApply ? 201 : 200,
    patched,
    type,
    apiVersion,
    subresource === 'scale' ? { kind: 'json' } : format,
  );
}

/** The DeleteOptions of a request: query parameters before the body's. */
async function deleteOptionsOf(call: ResourceCall) {
  const { query, req } = call.request;
  const raw = await readBody(req);
  const options = (parseBody(raw, 'application/json') ?? {}) as Record<
    string,
    any
  >;
  const grace = query.get('gracePeriodSeconds') ?? options.gracePeriodSeconds;
  if (Array.isArray(options.dryRun) && options.dryRun.includes('All'))
    call.ctx.dryRun = true;
  return {
    propagationPolicy:
      query.get('propagationPolicy') ?? options.propagationPolicy,
    gracePeriodSeconds:
      grace === undefined || grace === null ? undefined : Number(grace),
    preconditions: options.preconditions,
  };
}

/** DELETE of an object, or of a collection (by selectors). */
export async function remove(call: ResourceCall, parts: ServerParts) {
  const { route, res, apiVersion, format, ctx } = call;
  const { type, namespace, name } = route;
  const { query } = call.request;
  const deleteOptions = await deleteOptionsOf(call);
  if (name) {
    const deleted = parts.api.delete(type, namespace, name, ctx, deleteOptions);
    parts.responses.object(res, 200, deleted, type, apiVersion, format);
    return;
  }
  const items = parts.api.deleteCollection(
    type,
    namespace,
    {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
    },
    ctx,
    deleteOptions,
  );
  parts.responses.list(
    res,
    type,
    apiVersion,
    { items, resourceVersion: String(parts.store.resourceVersion) },
    { kind: 'json' },
  );
}
