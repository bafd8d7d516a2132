/*
 * The inputs of horizontal pod autoscaling: bounds, utilization targets
 * and scaling speed.
 */
import { Zod } from '../../../lib/zod';

function scalingRulesSchema(z: Zod) {
  return z
    .object({
      stabilizationWindowSeconds: z
        .number()
        .int()
        .optional()
        .describe(
          'Seconds of past recommendations to consider before scaling (0-3600). Kubernetes defaults to 0 for scale up, 300 for scale down.',
        ),
      selectPolicy: z
        .enum(['Max', 'Min', 'Disabled'])
        .optional()
        .describe(
          'Which policy wins when several apply; `Disabled` turns scaling in this direction off.',
        ),
      policies: z
        .array(
          z
            .object({
              type: z
                .enum(['Pods', 'Percent'])
                .describe(
                  'Limit by a number of pods or a percentage of the current replicas.',
                ),
              value: z
                .number()
                .int()
                .describe('Pods or percent per period (at least 1).'),
              periodSeconds: z
                .number()
                .int()
                .describe('Length of the period, 1-1800 seconds.'),
            })
            .strict(),
        )
        .optional()
        .describe('How fast replicas may change.'),
    })
    .strict();
}

/** The field of autoscaling. @public */
export function autoscalingFields(z: Zod) {
  const scalingRules = scalingRulesSchema(z);
  return {
    autoscaling: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('Render a HorizontalPodAutoscaler per version.'),
        minReplicas: z
          .number()
          .int()
          .default(2)
          .describe('Fewest pods (1 or more).'),
        maxReplicas: z
          .number()
          .int()
          .default(5)
          .describe('Most pods (at least minReplicas, at most 100).'),
        cpuUtilization: z
          .number()
          .int()
          .optional()
          .describe(
            'Target average CPU use in percent of the CPU request (1-100); needs resources.requests.cpu.',
          ),
        memoryUtilization: z
          .number()
          .int()
          .optional()
          .describe(
            'Target average memory use in percent of the memory request (1-100); needs resources.requests.memory.',
          ),
        behavior: z
          .object({
            scaleUp: scalingRules.optional().describe('Rules for adding pods.'),
            scaleDown: scalingRules
              .optional()
              .describe('Rules for removing pods.'),
          })
          .strict()
          .optional()
          .describe('Scaling speed (`spec.behavior` of autoscaling/v2).'),
      })
      .strict()
      .optional()
      .describe('Horizontal pod autoscaling on CPU and/or memory.'),
  };
}
