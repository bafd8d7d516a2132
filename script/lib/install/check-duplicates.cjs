// Fails when an app has two versions of a @backstage/* package that one of
// our packages depends on (a second copy of catalog-react, frontend-plugin-api
// or scaffolder-node breaks extension points and React contexts). Lists every
// other duplicated @backstage/* package for information.
// Usage: node check-duplicates.cjs APP_DIR
const fs = require('fs');
const path = require('path');

const appDir = process.argv[2];
const versions = new Map(); // name -> Map(version -> [paths])
const ours = new Set();

function visit(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.isDirectory() || e.name === '.bin' || e.name.startsWith('.'))
      continue;
    if (e.name.startsWith('@')) {
      for (const s of fs.readdirSync(path.join(dir, e.name), {
        withFileTypes: true,
      })) {
        if (s.isDirectory())
          record(path.join(dir, e.name, s.name), `${e.name}/${s.name}`);
      }
    } else {
      record(path.join(dir, e.name), e.name);
    }
  }
}

function record(pkgDir, name) {
  let pkg;
  try {
    pkg = JSON.parse(
      fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'),
    );
  } catch {
    return;
  }
  if (name.startsWith('@backstage/')) {
    if (!versions.has(name)) versions.set(name, new Map());
    const byVersion = versions.get(name);
    byVersion.set(pkg.version, [
      ...(byVersion.get(pkg.version) ?? []),
      path.relative(appDir, pkgDir),
    ]);
  }
  if (name.startsWith('@mesh-chain/')) {
    for (const dep of Object.keys({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
    })) {
      if (dep.startsWith('@backstage/')) ours.add(dep);
    }
  }
  visit(path.join(pkgDir, 'node_modules'));
}

for (const ws of ['.', 'packages/app', 'packages/backend'])
  visit(path.join(appDir, ws, 'node_modules'));

let failed = false;
for (const [name, byVersion] of [...versions].sort()) {
  if (byVersion.size < 2) continue;
  const where = [...byVersion]
    .map(([v, ps]) => `${v} (${ps.join(', ')})`)
    .join('; ');
  if (ours.has(name)) {
    failed = true;
    console.error(
      `DUPLICATE ${name}, which @mesh-chain packages use: ${where}`,
    );
  } else {
    console.log(
      `note: ${name} has several versions, none used by @mesh-chain: ${where}`,
    );
  }
}
if (ours.size === 0) {
  console.error('No @mesh-chain package found in the app');
  process.exit(1);
}
if (failed) process.exit(1);
console.log(
  `ok: one copy each of the ${ours.size} @backstage packages the @mesh-chain packages use`,
);
