export { useMeshChain } from './useMeshChain';
export type { MeshChainState, MeshChainUpdateReason } from './useMeshChain';
export { useNow } from './useNow';
