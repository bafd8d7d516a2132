export { meshApiRef } from './types';
export type { MeshApi, MeshClusterInfo, MeshRequestOptions } from './types';
export { MeshClient } from './MeshClient';
