export { chainSpecSchema, type ChainSpec } from './chainSpecSchema';
export { checkChainSpec } from './checkChainSpec';
export type { SpecProblem } from './checks/problems';
