import fs from 'fs';
import path from 'path';

/*
 * kubernetes-models and @kubernetes-models/* are ESM-only packages whose
 * `exports` only declare the `import` condition. This package is loaded as
 * CommonJS by the backend (and by Jest), where `require('kubernetes-models/x')`
 * fails with ERR_PACKAGE_PATH_NOT_EXPORTED and a dynamic `import()` is not
 * available under Jest. So the package directory is located the way Node
 * would, and the file is required by its absolute path: Node 22 loads ES
 * modules through `require` (require(esm)), and Jest transforms them.
 */

const packageDirs = new Map<string, string>();

function packageDir(pkg: string): string {
  const cached = packageDirs.get(pkg);
  if (cached) {
    return cached;
  }
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const candidate = path.join(dir, pkg);
    if (fs.existsSync(path.join(candidate, 'package.json'))) {
      packageDirs.set(pkg, candidate);
      return candidate;
    }
  }
  throw new Error(
    `Cannot find the package '${pkg}'; it is a dependency of @mesh-chain/plugin-scaffolder-backend-module-mesh, reinstall dependencies`,
  );
}

/**
 * Loads `<pkg>/<subpath>.js` from an ESM-only package.
 *
 * @internal
 */
export function requireEsm<T>(pkg: string, subpath: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(packageDir(pkg), `${subpath}.js`)) as T;
}
