export * from './types';
export { ConfigMeshClusters, buildKubeConfig } from './ConfigMeshClusters';
export { meshClustersServiceRef } from './serviceRef';
