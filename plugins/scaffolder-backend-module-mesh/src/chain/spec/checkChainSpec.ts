/*
 * Everything about a ChainSpec that a type cannot say, part by part, each
 * problem naming the field and the fix.
 */
import type { ChainSpec } from './ChainSpec';
import { checkAutoscaling } from './checks/autoscaling';
import { checkExposure } from './checks/exposure';
import { checkClusterDomain, checkIdentity } from './checks/identity';
import { SpecProblem, SpecProblems } from './checks/problems';
import { checkRoutes } from './checks/routes';
import { checkRuntime } from './checks/runtime';
import { checkTrafficPolicy } from './checks/trafficPolicy';
import { checkVersions } from './checks/versions';

/**
 * Everything about a `ChainSpec` that a type cannot say, each problem naming
 * the field and the fix.
 *
 * @public
 */
export function checkChainSpec(spec: ChainSpec): SpecProblem[] {
  const problems = new SpecProblems();
  for (const check of [
    checkIdentity,
    checkRuntime,
    checkVersions,
    checkExposure,
    checkRoutes,
    checkTrafficPolicy,
    checkAutoscaling,
    checkClusterDomain,
  ]) {
    check(spec, problems);
  }
  return problems.list;
}
