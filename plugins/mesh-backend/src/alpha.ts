/**
 * The mesh backend's chain engine as a plugin-scoped service, for backends
 * that wrap or replace it (e.g. a test that observes what the watch caches
 * hold). The engine itself, its snapshot types and the watched kinds come
 * from `@mesh-chain/plugin-mesh-common`.
 *
 * @packageDocumentation
 */

export { meshChainEngineServiceRef } from './services/engine';
