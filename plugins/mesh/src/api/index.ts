export { meshApiRef } from './types';
export type { MeshApi, MeshRequestOptions } from './types';
export { MeshClient } from './MeshClient';
