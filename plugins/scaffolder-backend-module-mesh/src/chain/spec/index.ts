export * from './ChainSpec';
export { chainSpecSchema } from './chainSpecSchema';
export { checkChainSpec } from './checkChainSpec';
export type { SpecProblem } from './checks/problems';
