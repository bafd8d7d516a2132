/**
 * Shared types, annotations, diagnostic catalogue and route matching for the
 * mesh plugin.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './json';
export * from './chainMembers';
export * from './annotations';
export * from './headers';
export * from './diagnostics';
export * from './ports';
export * from './routing';
export * from './schema';
export * from './engine';
export * from './manifests';
export * from './telemetry';
export * from './permissions';
export * from './changes';
export * from './templateCheck';
