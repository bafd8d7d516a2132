/**
 * The mesh backend plugin: resolves, diagnoses and streams each component's
 * Istio / Kubernetes resource chain.
 *
 * @packageDocumentation
 */

export { meshPlugin as default } from './plugin';
