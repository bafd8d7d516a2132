/*
 * What the authorizer is asked about a request, read from its path the way
 * kube-apiserver's RequestInfoFactory does, and the 403 it answers when RBAC
 * does not allow it.
 */
import { ApiError, forbidden } from '../api/errors';
import {
  RequestAttributes,
  UserInfo,
  forbiddenMessage,
} from '../rbac/authorizer';

/** Namespace subresources: `/namespaces/x/status` is about namespace x. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

const VERBS: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * The authorization attributes of a request: a resource request for
 * `/api/v1/...` and `/apis/<group>/<version>/...` paths that name a
 * resource (with the namespace, name and subresource they name; a list or
 * watch with `fieldSelector=metadata.name=x` is about x), else a
 * non-resource request for the path (discovery, OpenAPI).
 */
export function requestAttributes(request: {
  method: string;
  path: string;
  watch: boolean;
  fieldSelector?: string;
}): RequestAttributes {
  const { method, path } = request;
  const nonResource: RequestAttributes = {
    resourceRequest: false,
    verb: method.toLowerCase(),
    path,
  };
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let apiGroup: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    apiGroup = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    apiGroup = parts[1];
    rest = parts.slice(3);
  } else {
    return nonResource;
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) {
      rest = rest.slice(2);
    }
  }
  const [resource, name, subresource] = rest;
  let verb = VERBS[method] ?? method.toLowerCase();
  let named = name;
  if (!name && verb === 'get') {
    verb = request.watch ? 'watch' : 'list';
  }
  if (!name && verb === 'delete') {
    verb = 'deletecollection';
  }
  if ((verb === 'list' || verb === 'watch') && request.fieldSelector) {
    const byName = request.fieldSelector
      .split(',')
      .map(s => s.trim())
      .find(s => /^metadata\.name==?[^=]/.test(s));
    if (byName) named = byName.replace(/^metadata\.name==?/, '');
  }
  return {
    resourceRequest: true,
    verb,
    apiGroup,
    resource,
    ...(subresource && { subresource }),
    ...(namespace && { namespace }),
    ...(named && { name: named }),
  };
}

/**
 * kube-apiserver's 403: `<resource>[.<group>] ["<name>"] is forbidden:
 * User "<user>" cannot <verb> resource "<resource>[/<subresource>]" in API
 * group "<group>" in the namespace "<ns>"` (or `at the cluster scope`),
 * followed by the authorizer's reason when it gave one; for non-resource
 * URLs `forbidden: User "<user>" cannot get path "/apis"`.
 */
export function forbiddenError(
  user: UserInfo,
  attrs: RequestAttributes,
  reason: string,
): ApiError {
  const message = `${forbiddenMessage(user, attrs)}${
    reason ? `: ${reason}` : ''
  }`;
  if (!attrs.resourceRequest) {
    return new ApiError(403, 'Forbidden', `forbidden: ${message}`, {});
  }
  return forbidden(
    { group: attrs.apiGroup, plural: attrs.resource },
    attrs.name,
    message,
  );
}
