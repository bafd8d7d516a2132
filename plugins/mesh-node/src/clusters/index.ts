export * from './types';
export {
  ConfigMeshClusters,
  buildKubeConfig,
  ANNOTATION_PROMETHEUS_URL,
} from './ConfigMeshClusters';
export type { ConfigMeshClustersOptions } from './ConfigMeshClusters';
export { meshClustersServiceRef } from './serviceRef';
export { readClusterCredential } from './credentials';
export { namespaceMatches } from './namespacePatterns';
