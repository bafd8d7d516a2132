/*
 * The body of a change preview or apply, checked before anything else: a
 * mistake is a 400 naming the field and what it should be.
 */
import { InputError } from '@backstage/errors';
import type { ChainChangeRequest } from '@mesh-chain/plugin-mesh-common';
import { z } from 'zod';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A duration as Istio's CRDs accept it (Go's form), e.g. `5s`, `1m30s`, `250ms`. */
const DURATION = /^([0-9]+(\.[0-9]+)?(h|m|s|ms))+$/;

/** Istio's `retryOn` conditions (Envoy's `x-envoy-retry-on` and gRPC's). */
export const RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
];

const target = z
  .object({
    namespace: z
      .string()
      .regex(DNS_LABEL, 'must be a namespace name such as shop'),
    name: z
      .string()
      .max(253)
      .regex(DNS_SUBDOMAIN, 'must be an object name such as checkout'),
  })
  .strict();

const route = z
  .object({
    protocol: z.enum(['http', 'tcp', 'tls']),
    index: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 or more (the first route is 0)')
      .max(999),
    name: z.string().max(253).optional(),
  })
  .strict();

const destination = z
  .object({
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(
        /^[a-zA-Z0-9*]([-a-zA-Z0-9.*]*[a-zA-Z0-9])?$/,
        'must be a host such as checkout or checkout.shop.svc.cluster.local',
      ),
    subset: z
      .string()
      .max(253)
      .regex(
        /^[a-zA-Z0-9]([-a-zA-Z0-9._]*[a-zA-Z0-9])?$/,
        'is not a subset name',
      )
      .optional(),
    port: z.number().int().min(1).max(65535).optional(),
    weight: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 to 100')
      .max(100, 'must be 0 to 100'),
  })
  .strict();

const duration = z
  .string()
  .max(32)
  .regex(DURATION, 'must be a duration such as 5s, 1m30s or 250ms');

const retries = z
  .object({
    attempts: z.number().int().min(0).max(100),
    perTryTimeout: duration.optional(),
    retryOn: z.string().max(512).optional(),
  })
  .strict();

const change = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('route-weights'),
      target,
      route,
      destinations: z.array(destination).min(1).max(64),
    })
    .strict(),
  z
    .object({
      type: z.literal('route-timeouts'),
      target,
      route,
      timeout: duration.nullable().optional(),
      retries: retries.nullable().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('autoscaler'),
      target,
      minReplicas: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be 1 or more')
        .max(10_000)
        .optional(),
      maxReplicas: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be 1 or more')
        .max(10_000)
        .optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('replicas'),
      target,
      replicas: z
        .number()
        .int('must be a whole number')
        .min(0, 'must be 0 or more')
        .max(10_000),
    })
    .strict(),
  z.object({ type: z.literal('restart'), target }).strict(),
]);

const changeRequest = z
  .object({
    cluster: z.string().min(1).max(253),
    change,
    force: z.boolean().optional(),
    basis: z.string().max(128).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const c = body.change;
    const issue = (path: Array<string | number>, message: string) =>
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['change', ...path],
        message,
      });
    if (c.type === 'route-weights') {
      const sum = c.destinations.reduce((n, d) => n + d.weight, 0);
      if (sum !== 100) {
        issue(
          ['destinations'],
          `weights sum to ${sum}; they must sum to 100 (e.g. 50 and 50)`,
        );
      }
      const seen = new Set<string>();
      c.destinations.forEach((d, i) => {
        const key = `${d.host}|${d.subset ?? ''}|${d.port ?? ''}`;
        if (seen.has(key)) {
          issue(
            ['destinations', i],
            `sends to ${d.host}${
              d.subset ? ` subset ${d.subset}` : ''
            } twice; give each destination once`,
          );
        }
        seen.add(key);
      });
    }
    if (c.type === 'route-timeouts') {
      if (c.route.protocol !== 'http') {
        issue(
          ['route', 'protocol'],
          'timeouts and retries are set on http routes only',
        );
      }
      if (c.timeout === undefined && c.retries === undefined) {
        issue(
          [],
          'sets neither timeout nor retries; give one (null removes it)',
        );
      }
      const unknown = (c.retries?.retryOn ?? '')
        .split(',')
        .map(s => s.trim())
        .filter(
          s => s && !RETRY_ON.includes(s) && !/^[1-5][0-9][0-9]$/.test(s),
        );
      if (unknown.length) {
        issue(
          ['retries', 'retryOn'],
          `has unknown condition${unknown.length > 1 ? 's' : ''} ${unknown
            .map(s => `'${s}'`)
            .join(', ')}; use HTTP status codes or ${RETRY_ON.join(', ')}`,
        );
      }
    }
    if (c.type === 'autoscaler') {
      if (c.minReplicas === undefined && c.maxReplicas === undefined) {
        issue([], 'sets neither minReplicas nor maxReplicas; give one');
      }
      if (
        c.minReplicas !== undefined &&
        c.maxReplicas !== undefined &&
        c.minReplicas > c.maxReplicas
      ) {
        issue(
          ['minReplicas'],
          `is ${c.minReplicas}, above maxReplicas ${c.maxReplicas}`,
        );
      }
    }
  });

/** `change.destinations[1].weight`, as a user reads a path. */
function fieldName(path: Array<string | number>): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`))
    .join('');
}

/**
 * The change request in a body, or an `InputError` listing every problem
 * as `field: what is wrong`.
 */
export function parseChangeRequest(body: unknown): ChainChangeRequest {
  const parsed = changeRequest.safeParse(body ?? {});
  if (parsed.success) {
    return parsed.data as ChainChangeRequest;
  }
  const problems = parsed.error.issues.map(issue => {
    const field = fieldName(issue.path) || 'body';
    if (issue.code === 'unrecognized_keys') {
      return `${field}: unknown field${
        issue.keys.length > 1 ? 's' : ''
      } ${issue.keys.map(k => `'${k}'`).join(', ')}`;
    }
    if (issue.code === 'invalid_union_discriminator') {
      return `${field}: must be one of ${issue.options
        .map(o => `'${String(o)}'`)
        .join(', ')}`;
    }
    return `${field}: ${issue.message}`;
  });
  throw new InputError(`Invalid change: ${problems.join('; ')}`);
}
