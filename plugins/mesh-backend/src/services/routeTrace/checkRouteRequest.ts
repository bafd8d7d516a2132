/*
 * The route simulation body checked before the OpenAPI validator sees it,
 * so that the error names each offending field and what it should be
 * (unknown fields, wrong types, sizes over `ROUTE_REQUEST_LIMITS`).
 */
import { InputError } from '@backstage/errors';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { checkRouteRequestLimits } from './routeRequestLimits';

const ROUTE_FIELDS = [
  'url',
  'method',
  'headers',
  'from',
  'cluster',
  'sourceNamespace',
] as const;

const routeRequestSchema = z
  .object({
    url: z.string({
      required_error:
        'is required: the absolute URL to simulate, e.g. https://shop.example.com/api',
      invalid_type_error: 'must be a string',
    }),
    method: z.string().optional(),
    headers: z.record(z.string()).optional(),
    from: z.enum(['gateway', 'mesh']).optional(),
    cluster: z.string().optional(),
    sourceNamespace: z.string().optional(),
  })
  .strict()
  .superRefine(checkRouteRequestLimits);

/**
 * Checks the body of `POST .../route` (other requests pass): an
 * `InputError` listing every problem, each naming its field.
 */
export const checkRouteRequest: RequestHandler = (req, _res, next) => {
  if (req.method !== 'POST' || !req.path.endsWith('/route')) {
    next();
    return;
  }
  const parsed = routeRequestSchema.safeParse(req.body ?? {});
  if (parsed.success) {
    next();
    return;
  }
  const problems = parsed.error.issues.map(issue => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys
        .map(k => `'${k}'`)
        .join(', ')} (allowed: ${ROUTE_FIELDS.join(', ')})`;
    }
    return `${issue.path.join('.') || 'body'} ${issue.message}`;
  });
  next(
    new InputError(`Invalid route simulation request: ${problems.join('; ')}`),
  );
};
