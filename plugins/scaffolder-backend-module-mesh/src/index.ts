/**
 * Scaffolder actions that render, validate and apply a whole Istio and
 * Kubernetes resource chain for one service, and register it in the catalog
 * without a Git host.
 *
 * @packageDocumentation
 */

export { scaffolderModuleMesh as default } from './module';
export { createRenderChainAction } from './actions/renderChain';
export {
  createApplyChainAction,
  type ApplyChainActionOptions,
} from './actions/applyChain';
export {
  createRegisterLocalAction,
  readLocalCatalogConfig,
  type RegisterLocalActionOptions,
} from './actions/registerLocal';
export * from './actions/types';
export * from './chain/spec';
export * from './check/checkRouter';
export * from './check/templatePreview';
export * from './check/valueLimits';
export * from './chain/render';
export * from './chain/chainCheck';
export * from './chain/manifestRules';
export * from './chain/manifests';
export * from './chain/validate';
export * from './chain/ranges';
export * from './cluster/applyManifests';
export * from './cluster/MeshObjectApi';
export * from './cluster/targets';
export * from './cluster/targetAccess';
export * from './lib/formats';
export {
  type KubeObject,
  type SchemaProblem,
  SUPPORTED_KINDS,
  isSupportedKind,
  isNamespacedKind,
  validateAgainstSchema,
  fieldStructureOf,
  describeObject,
} from './lib/models';
export type { SchemaOf, Zod } from './lib/zod';
