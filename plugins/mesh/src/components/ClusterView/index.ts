export { ClusterView, ClusterErrorPanel } from './ClusterView';
export { clusterHealth, isEmptyChain } from './clusterHealth';
