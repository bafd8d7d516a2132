/*
 * The chain engine: one place that follows references, matches labels,
 * normalises hosts and diagnoses the chain, for the backend, the browser and
 * the command line alike (no Node built-ins).
 */
export * from './kube/KubeObject';
export * from './kube/watchedKinds';
export * from './kube/labelSelector';
export * from './kube/quantity';
export * from './kube/chainRecord';
export * from './snapshot/ClusterSnapshot';
export * from './snapshot/MemorySnapshot';
export {
  resolveClusterChain,
  resolveChainFromObjects,
} from './resolve/resolveClusterChain';
export { EMPTY_RESOLVED_CHAIN } from './resolve/emptyChain';
export type {
  ResolveChainOptions,
  ResolvedClusterChain,
} from './resolve/ChainContext';
export { rawObjectOf } from './resolve/objectInfo';
export * from './ChainEngine';
export {
  diagnoseTraffic,
  describeResponse,
  TRAFFIC_RULES,
  type TrafficRule,
  type TrafficRuleInput,
} from './diagnostics/rules/traffic';
export * from './snapshot/RecordingSnapshot';
export * from './snapshot/DerivedSnapshot';
export * from './snapshot/OverlaySnapshot';
export * from './reads/ReadRecord';
export * from './reads/ChainReads';
export {
  LOOKUPS,
  type LookupDefinition,
  type LookupName,
} from './reads/lookups';
export * from './reads/readPlan';
export { PlannedSnapshot } from './manifests/PlannedSnapshot';
export { manifestTargets } from './manifests/manifestTargets';
