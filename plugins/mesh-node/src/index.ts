/**
 * Node library for the mesh plugin: access to the clusters configured for the
 * stock Kubernetes plugin, shared by the mesh backend and its modules.
 *
 * @packageDocumentation
 */

export * from './clusters';
export * from './errors';
