/*
 * The inputs of the DestinationRule's traffic policy: load balancing,
 * connection pool limits and outlier detection.
 */
import { Zod } from '../../../lib/zod';
import { durationHint } from './hints';

/** The field of the traffic policy. @public */
export function trafficPolicyFields(z: Zod) {
  return {
    trafficPolicy: z
      .object({
        loadBalancer: z
          .object({
            simple: z
              .enum(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH'])
              .optional()
              .describe('A simple load balancing algorithm.'),
            consistentHash: z
              .object({
                httpHeaderName: z
                  .string()
                  .optional()
                  .describe('Hash on this request header.'),
                httpCookie: z
                  .object({
                    name: z.string().describe('Cookie name.'),
                    path: z.string().optional().describe('Cookie path.'),
                    ttl: z
                      .string()
                      .describe(`Cookie lifetime, ${durationHint}.`),
                  })
                  .strict()
                  .optional()
                  .describe('Hash on this cookie (generated when absent).'),
                useSourceIp: z
                  .boolean()
                  .optional()
                  .describe('Hash on the client IP.'),
                httpQueryParameterName: z
                  .string()
                  .optional()
                  .describe('Hash on this query parameter.'),
              })
              .strict()
              .optional()
              .describe('Session affinity: exactly one hash key.'),
          })
          .strict()
          .optional()
          .describe('Load balancing: `simple` or `consistentHash`, not both.'),
        connectionPool: z
          .object({
            maxConnections: z
              .number()
              .int()
              .optional()
              .describe('Max TCP connections to the service.'),
            connectTimeout: z
              .string()
              .optional()
              .describe(`TCP connect timeout, ${durationHint}.`),
            http1MaxPendingRequests: z
              .number()
              .int()
              .optional()
              .describe('Max requests queued while waiting for a connection.'),
            http2MaxRequests: z
              .number()
              .int()
              .optional()
              .describe('Max concurrent requests.'),
            maxRequestsPerConnection: z
              .number()
              .int()
              .optional()
              .describe('Max requests per connection (1 disables keep-alive).'),
            maxRetries: z
              .number()
              .int()
              .optional()
              .describe('Max concurrent retries.'),
            idleTimeout: z
              .string()
              .optional()
              .describe(`Idle connection timeout, ${durationHint}.`),
          })
          .strict()
          .optional()
          .describe('Connection pool limits (circuit breaking).'),
        outlierDetection: z
          .object({
            consecutive5xxErrors: z
              .number()
              .int()
              .optional()
              .describe('5xx errors in a row before a pod is ejected.'),
            interval: z
              .string()
              .optional()
              .describe(`How often pods are analysed, ${durationHint}.`),
            baseEjectionTime: z
              .string()
              .optional()
              .describe(`Minimum ejection time, ${durationHint}.`),
            maxEjectionPercent: z
              .number()
              .int()
              .optional()
              .describe(
                'Most pods that may be ejected at once, in percent (0-100).',
              ),
          })
          .strict()
          .optional()
          .describe('Ejecting failing pods from the load balancing pool.'),
      })
      .strict()
      .optional()
      .describe('Istio traffic policy of the DestinationRule.'),
  };
}
