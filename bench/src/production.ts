/*
 * `--build production`: the backends under test run from the production
 * build, as Backstage's Dockerfile builds and runs a backend: the
 * packages compiled by `backstage-cli package build` (`yarn build:backend`,
 * each workspace package's `dist`), their production dependencies
 * installed with `yarn workspaces focus --all --production`, and plain
 * `node`, no CLI transform. The repository's `script/lib/production.sh`
 * does those steps (as `script/server --production` does; built again only
 * when a source changed) into `.cache/production/app`. The bench's own
 * backend entry (`backendProcess.ts`: the configuration, the in-memory
 * catalog) is compiled to one CommonJS file with esbuild, its package
 * imports left to Node.js, and placed beside the production backend's
 * `package.json`, so that it loads the same built packages the production
 * backend does.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { spawnSync } from 'child_process';
import { buildSync } from 'esbuild';
import fs from 'fs';
import path from 'path';

/** How the backends under test are built (see BenchOptions.build). */
export type BuildMode = 'production' | 'transform';

/** Where and how a backend process is started. */
export interface BackendEntry {
  build: BuildMode;
  /** The module forked as the backend process. */
  module: string;
  /** Its working directory (the production app's backend package). */
  cwd?: string;
  /** Load TypeScript through the Backstage CLI's transform. */
  transform: boolean;
  env?: Record<string, string>;
}

/** The transform entry: the TypeScript sources, as `yarn start` runs them. */
export function transformEntry(): BackendEntry {
  return {
    build: 'transform',
    module: require.resolve('./backendProcess'),
    transform: true,
  };
}

/**
 * Builds the backend for production (when a source changed since the last
 * build), installs its production dependencies and compiles the bench's
 * backend entry beside it. Takes a few minutes the first time.
 */
export function productionEntry(log: (message: string) => void): BackendEntry {
  const root = resolvePackagePath('@mesh-chain/bench', '..');
  log(
    'production build: script/lib/production.sh (yarn tsc && yarn build:backend, production dependencies)',
  );
  const t0 = Date.now();
  const result = spawnSync(
    'bash',
    [
      '-c',
      'set -euo pipefail; source script/lib/env.sh; source script/lib/production.sh; production_build; production_install',
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new Error(
      `The production build failed (script/lib/production.sh, exit ${result.status}); its output is above`,
    );
  }
  const backendDir = path.join(
    root,
    '.cache',
    'production',
    'app',
    'packages',
    'backend',
  );
  const module = path.join(backendDir, 'bench-backend.cjs');
  buildSync({
    entryPoints: [require.resolve('./backendProcess')],
    outfile: module,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    logLevel: 'warning',
  });
  log(
    `production build ready in ${Math.round(
      (Date.now() - t0) / 1000,
    )} s: ${path.relative(root, module)}`,
  );
  if (!fs.existsSync(path.join(backendDir, 'package.json'))) {
    throw new Error(`No production backend in ${backendDir}`);
  }
  return {
    build: 'production',
    module,
    cwd: backendDir,
    transform: false,
    env: { NODE_ENV: 'production' },
  };
}
