/**
 * A local Kubernetes API simulator for demos and tests: the Kubernetes REST
 * API over real HTTP(S) for the kinds the mesh plugins read (core, apps,
 * autoscaling/v2, Istio networking, Gateway API), with simulated
 * controllers and seeded scenarios. Not a real cluster.
 *
 * @packageDocumentation
 */

export { startDemoCluster } from './DemoCluster';
export type {
  ApplyOptions,
  DemoCluster,
  DemoClusterOptions,
  DemoClusterTokens,
} from './DemoCluster';
export type { DemoClusterStats } from './server/stats';
export { DEFAULT_TOKENS } from './rbac/identities';
export type { TokenIdentity } from './rbac/identities';
export {
  authorize,
  ruleAllows,
  forbiddenMessage,
  serviceAccountUser,
} from './rbac/authorizer';
export type {
  Decision,
  PolicyRule,
  RequestAttributes,
  Subject,
  UserInfo,
} from './rbac/authorizer';
export { VIEWER_RULES, SCAFFOLDER_RULES } from './rbac/policy';
export type { DemoTiming } from './controllers/runtime';
export { LOAD_ANNOTATION, parseLoad, formatLoad } from './controllers/load';
export type { LoadSpec } from './controllers/load';
export { SIMULATE_ANNOTATION } from './controllers/pods';
export { podTemplateHash } from './controllers/deployments';
export { SCENARIOS, CLUSTER_PRESETS, scenarioObjects } from './scenarios';
export type { Scenario } from './scenarios';
export { generateScaleObjects, scaleChainShape } from './scenarios/scale';
export type { ScaleChainShape, ScaleOptions } from './scenarios/scale';
export { trafficSamplesOf } from './telemetry/trafficSamples';
export { RESOURCE_TYPES } from './api/resources';
export type { ResourceType } from './api/resources';
export { createCertificateAuthority } from './tls/certificates';
export type { CertificateAuthority } from './tls/certificates';
export type { KubeObject, OwnerReference, ManagedFieldsEntry } from './types';
export type { Status, StatusCause } from './api/errors';
