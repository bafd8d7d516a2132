/*
 * Manifests read from files (by the command line, by the scaffolder) as
 * the chain engine sees them: objects with where they came from, the
 * cluster once they are applied, and what they change in the diagnostics.
 */
export * from './parseManifests';
export * from './collectManifests';
export * from './plannedObjects';
export * from './compareDiagnostics';
export * from './checkManifests';
export * from './readClusterForManifests';
