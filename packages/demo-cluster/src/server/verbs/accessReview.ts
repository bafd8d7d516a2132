/*
 * SelfSubjectAccessReview (`kubectl auth can-i`): POST only, in JSON, YAML
 * or protobuf (kubectl sends protobuf), answered for the caller.
 */
import { methodNotAllowed } from '../../api/errors';
import { reviewResponse } from '../../rbac/accessReview';
import { decodeAccessReview } from '../../rbac/accessReviewProtobuf';
import { parseBody, readBodyBytes } from '../request';
import type { ResourceCall, ServerParts } from './ResourceCall';

/** POST of a SelfSubjectAccessReview. */
export async function accessReview(call: ResourceCall, parts: ServerParts) {
  const { req, method } = call.request;
  if (method !== 'POST' || call.route.name) throw methodNotAllowed();
  const raw = await readBodyBytes(req);
  const contentType = req.headers['content-type'] ?? '';
  const body = contentType.startsWith('application/vnd.kubernetes.protobuf')
    ? decodeAccessReview(raw)
    : parseBody(raw.toString('utf8'), contentType);
  const review = reviewResponse(
    body,
    (u, a) => parts.rbac.authorize(u, a),
    call.user,
  );
  parts.responses.send(call.res, 201, JSON.stringify(review));
}
