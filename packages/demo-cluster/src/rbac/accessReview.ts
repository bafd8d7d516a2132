/*
 * SelfSubjectAccessReview (authorization.k8s.io/v1): "may I?" for the
 * caller, answered by the same authorizer that guards every request. This
 * is what `kubectl auth can-i` and UIs ask before offering an action.
 */
import { invalid } from '../api/errors';
import type { KubeObject } from '../types';
import type { Decision, RequestAttributes, UserInfo } from './authorizer';

const TARGET = {
  group: 'authorization.k8s.io',
  plural: 'selfsubjectaccessreviews',
  kind: 'SelfSubjectAccessReview',
};

/** The request attributes a review asks about; throws 422 when malformed. */
function reviewAttributes(body: unknown): RequestAttributes {
  const spec = (body as KubeObject | undefined)?.spec ?? {};
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes;
  if (Boolean(resource) === Boolean(nonResource)) {
    throw invalid(TARGET, '', [
      {
        reason: 'FieldValueInvalid',
        field: 'spec.resourceAttributes',
        message: `Invalid value: "${
          resource ? 'both set' : 'null'
        }": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      },
    ]);
  }
  if (nonResource) {
    return {
      resourceRequest: false,
      verb: String(nonResource.verb ?? ''),
      path: String(nonResource.path ?? ''),
    };
  }
  return {
    resourceRequest: true,
    verb: String(resource.verb ?? ''),
    apiGroup: String(resource.group ?? ''),
    resource: String(resource.resource ?? ''),
    subresource: resource.subresource || undefined,
    namespace: resource.namespace || undefined,
    name: resource.name || undefined,
  };
}

/** The review as the API server returns it, with its status filled in. */
export function reviewResponse(
  body: unknown,
  decide: (user: UserInfo, attrs: RequestAttributes) => Decision,
  user: UserInfo,
): KubeObject {
  const attrs = reviewAttributes(body);
  const decision = decide(user, attrs);
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null } as any,
    spec: (body as KubeObject).spec,
    status: {
      allowed: decision.allowed,
      ...(decision.reason && { reason: decision.reason }),
    },
  };
}
