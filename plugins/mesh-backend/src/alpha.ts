/**
 * The mesh backend's chain engine, for backends that wrap or replace it
 * (e.g. a test that observes what the watch caches hold), and the kinds the
 * caches watch.
 *
 * @packageDocumentation
 */

export { meshChainEngineServiceRef } from './services/engine';
export type { ChainEngine, ResolvedChain } from './services/engine';
export { defaultChainEngine } from './services/engine/defaultEngine';
export { WATCHED_KINDS } from './services/snapshot';
export type {
  ClusterSnapshot,
  KindInfo,
  KubeObject,
  WatchedKind,
} from './services/snapshot';
