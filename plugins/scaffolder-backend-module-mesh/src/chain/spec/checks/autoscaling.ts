/*
 * Autoscaling: bounds, targets (and the requests they need), scaling speed.
 */
import type { ChainSpec } from '../ChainSpec';
import type { SpecProblems } from './problems';

/** Autoscaling. */
export function checkAutoscaling(
  spec: ChainSpec,
  problems: SpecProblems,
): void {
  const { add, range } = problems;
  const requests = spec.resources?.requests;
  const as = spec.autoscaling;
  if (as?.enabled) {
    range('autoscaling.minReplicas', as.minReplicas, 1, 100, 'minReplicas');
    range('autoscaling.maxReplicas', as.maxReplicas, 1, 100, 'maxReplicas');
    if (as.minReplicas > as.maxReplicas) {
      add(
        'autoscaling.minReplicas',
        `${as.minReplicas} is more than maxReplicas ${as.maxReplicas}; minReplicas must be <= maxReplicas`,
      );
    }
    range(
      'autoscaling.cpuUtilization',
      as.cpuUtilization,
      1,
      100,
      'a utilization target in percent',
    );
    range(
      'autoscaling.memoryUtilization',
      as.memoryUtilization,
      1,
      100,
      'a utilization target in percent',
    );
    if (as.cpuUtilization === undefined && as.memoryUtilization === undefined) {
      add(
        'autoscaling',
        'has no target; set cpuUtilization and/or memoryUtilization (e.g. cpuUtilization: 70), or disable autoscaling',
      );
    }
    if (as.cpuUtilization !== undefined && !requests?.cpu) {
      add(
        'resources.requests.cpu',
        'is required by autoscaling.cpuUtilization: the autoscaler measures CPU as a percentage of the request; set it, e.g. 100m',
      );
    }
    if (as.memoryUtilization !== undefined && !requests?.memory) {
      add(
        'resources.requests.memory',
        'is required by autoscaling.memoryUtilization: the autoscaler measures memory as a percentage of the request; set it, e.g. 128Mi',
      );
    }
    for (const direction of ['scaleUp', 'scaleDown'] as const) {
      const rules = as.behavior?.[direction];
      if (!rules) continue;
      const at = `autoscaling.behavior.${direction}`;
      range(
        `${at}.stabilizationWindowSeconds`,
        rules.stabilizationWindowSeconds,
        0,
        3600,
        'stabilizationWindowSeconds',
      );
      (rules.policies ?? []).forEach((p, i) => {
        range(
          `${at}.policies[${i}].value`,
          p.value,
          1,
          10000,
          'a policy value',
        );
        range(
          `${at}.policies[${i}].periodSeconds`,
          p.periodSeconds,
          1,
          1800,
          'periodSeconds',
        );
      });
    }
  } else if (as?.behavior) {
    add(
      'autoscaling.behavior',
      'is only used when autoscaling is enabled; remove it or set autoscaling.enabled',
    );
  }
}
