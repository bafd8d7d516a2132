export {
  resolveClusterChain,
  type ResolveChainOptions,
  type ResolvedClusterChain,
} from './resolveClusterChain';
