/*
 * The schema of `mesh:chain:render`'s typed inputs: everything a service
 * owner decides about one service and its way in from outside. Shapes and
 * defaults are declared here, a file per part (and become the action's JSON
 * schema); the parsed type is the declared `ChainSpec`, which the schema
 * must match exactly. The rules that need more than a type (ranges,
 * formats, and fields that depend on each other) are in `checkChainSpec`,
 * which names the field and the fix for each problem.
 */
import { declaredAs, SchemaOf, Zod } from '../../lib/zod';
import type { ChainSpec } from './ChainSpec';
import { autoscalingFields } from './schema/autoscaling';
import { exposureFields } from './schema/exposure';
import { clusterFields, identityFields } from './schema/identity';
import { routeFields } from './schema/routes';
import { runtimeFields } from './schema/runtime';
import { trafficPolicyFields } from './schema/trafficPolicy';

/**
 * The fields of a `ChainSpec`, for schemas that take more (the render
 * action's `targetPath`).
 */
export function chainSpecFields(z: Zod) {
  return {
    ...identityFields(z),
    ...runtimeFields(z),
    ...exposureFields(z),
    ...routeFields(z),
    ...trafficPolicyFields(z),
    ...autoscalingFields(z),
    ...clusterFields(z),
  };
}

/**
 * The schema of a {@link ChainSpec}: parses the inputs of
 * `mesh:chain:render` (unknown fields refused, defaults applied).
 *
 * @public
 */
export function chainSpecSchema(z: Zod): SchemaOf<ChainSpec> {
  return declaredAs<ChainSpec>()(z.object(chainSpecFields(z)).strict());
}
