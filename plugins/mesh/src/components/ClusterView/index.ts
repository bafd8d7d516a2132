export { ClusterView, ClusterErrorPanel } from './ClusterView';
export { clusterHealth } from './clusterHealth';
