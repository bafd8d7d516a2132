/*
 * The typed inputs of `mesh:chain:render`: everything a service owner decides
 * about one service and its way in from outside. Shapes and defaults are
 * declared here, a file per part (and become the action's JSON schema);
 * the rules that need more than a type (ranges, formats, and fields that
 * depend on each other) are in `checkChainSpec`, which names the field and
 * the fix for each problem.
 */
import { Zod } from '../../lib/zod';
import { autoscalingFields } from './schema/autoscaling';
import { exposureFields } from './schema/exposure';
import { clusterFields, identityFields } from './schema/identity';
import { routeFields } from './schema/routes';
import { runtimeFields } from './schema/runtime';
import { trafficPolicyFields } from './schema/trafficPolicy';

/** @public */
export function chainSpecSchema(z: Zod) {
  return z
    .object({
      ...identityFields(z),
      ...runtimeFields(z),
      ...exposureFields(z),
      ...routeFields(z),
      ...trafficPolicyFields(z),
      ...autoscalingFields(z),
      ...clusterFields(z),
    })
    .strict();
}

/** The parsed inputs of `mesh:chain:render`, defaults applied. @public */
export type ChainSpec = ReturnType<ReturnType<typeof chainSpecSchema>['parse']>;
