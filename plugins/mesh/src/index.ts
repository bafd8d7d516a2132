/**
 * Service Mesh entity tab and overview card: gateway routes, Service,
 * Deployment, HPA and diagnostics of a component behind Istio, live.
 *
 * @packageDocumentation
 */

export {
  meshPlugin,
  EntityMeshContent,
  EntityMeshCard,
  MeshChainCheckFieldExtension,
} from './plugin';
export {
  MeshChainCheckField,
  MeshChainCheckFieldSchema,
  meshChainCheckValidation,
} from './components/MeshChainCheckField';
export type { MeshChainCheckUiOptions } from './components/MeshChainCheckField';
export type { EntityMeshCardProps } from './components/MeshCard';
export { isMeshAvailable } from '@mesh-chain/plugin-mesh-common';
export { meshApiRef, MeshClient } from './api';
export type { MeshApi, MeshClusterInfo, MeshRequestOptions } from './api';
export { useMeshChain } from './hooks';
export type { MeshChainState, MeshChainUpdateReason } from './hooks';
