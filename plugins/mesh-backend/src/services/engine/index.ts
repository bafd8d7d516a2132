export type { ChainEngine, ResolvedChain } from './types';
export { meshChainEngineServiceRef } from './engineServiceRef';
