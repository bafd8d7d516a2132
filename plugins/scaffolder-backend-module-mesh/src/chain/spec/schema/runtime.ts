/*
 * The inputs about the container that runs the service: image, port,
 * protocol, replicas, resources, environment, health check, and the
 * versions that run side by side.
 */
import { Zod } from '../../../lib/zod';

function quantitiesSchema(z: Zod) {
  return z
    .object({
      cpu: z
        .string()
        .optional()
        .describe('CPU, e.g. `100m` (a tenth of a core), `0.5` or `2`.'),
      memory: z
        .string()
        .optional()
        .describe('Memory, e.g. `128Mi` or `1Gi` (units are case-sensitive).'),
    })
    .strict();
}

/** The fields of the container and its versions. @public */
export function runtimeFields(z: Zod) {
  const quantities = quantitiesSchema(z);
  return {
    image: z
      .string()
      .describe(
        'Container image, e.g. `ghcr.io/acme/checkout:1.4.2` (a tag or digest is recommended over `latest`).',
      ),
    containerPort: z
      .number()
      .int()
      .describe('Port the container listens on (1-65535).'),
    protocol: z
      .enum(['http', 'http2', 'grpc'])
      .default('http')
      .describe(
        'Application protocol; Istio reads it from the Service port name (`http-...`, `http2-...`, `grpc-...`).',
      ),
    replicas: z
      .number()
      .int()
      .default(2)
      .describe(
        'Pods per version (1-100). Ignored when autoscaling is enabled: the HorizontalPodAutoscaler owns the replica count.',
      ),
    resources: z
      .object({
        requests: quantities
          .optional()
          .describe(
            'What the scheduler reserves; autoscaling on utilization needs these.',
          ),
        limits: quantities
          .optional()
          .describe('The most the container may use.'),
      })
      .strict()
      .optional()
      .describe('CPU and memory requests and limits of the container.'),
    env: z
      .array(
        z
          .object({
            name: z.string().describe('Environment variable name.'),
            value: z.string().describe('Its value.'),
          })
          .strict(),
      )
      .optional()
      .describe(
        'Environment variables of the container (plain values; use Secrets for credentials).',
      ),
    healthCheckPath: z
      .string()
      .optional()
      .describe(
        'HTTP path for readiness and liveness probes, e.g. `/healthz`. No probes when absent.',
      ),
    versions: z
      .array(
        z
          .object({
            name: z
              .string()
              .describe(
                'Version name, the `version` pod label and DestinationRule subset, e.g. `v1`.',
              ),
            image: z
              .string()
              .optional()
              .describe('Image of this version; defaults to `image`.'),
            weight: z
              .number()
              .int()
              .describe(
                'Percent of the traffic this version gets (0-100; all versions add up to 100).',
              ),
          })
          .strict(),
      )
      .default([{ name: 'v1', weight: 100 }])
      .describe(
        'Versions running side by side (canary). Each gets a Deployment and a DestinationRule subset; the VirtualService splits traffic by weight. The first version keeps the plain name.',
      ),
  };
}
