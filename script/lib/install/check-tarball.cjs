// Checks a packed package as the registry would get it: no workspace-only
// dependency range, entry points and exports in dist/, the config schema
// and role present. Writes <tarball>.json ({ name, version }).
// Usage: node check-tarball.cjs FILE.tgz
const { execFileSync } = require('child_process');
const fs = require('fs');

const file = process.argv[2];
const files = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean)
  .map(f => f.replace(/^package\//, ''));
const pkg = JSON.parse(
  execFileSync('tar', ['-xzOf', file, 'package/package.json'], {
    encoding: 'utf8',
  }),
);
const problems = [];
const has = f => files.includes(f.replace(/^\.\//, ''));

for (const field of [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
]) {
  for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
    if (/^(workspace|link|portal|file):/.test(range))
      problems.push(`${field}.${dep} is "${range}"`);
  }
}
if (!pkg.backstage?.role) problems.push('no backstage.role');
for (const field of ['main', 'types']) {
  if (
    !pkg[field] ||
    !pkg[field].replace(/^\.\//, '').startsWith('dist/') ||
    !has(pkg[field])
  )
    problems.push(`${field} "${pkg[field]}" is not a file in dist/`);
}
for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
  // `backstage` is not a path: it names the feature type for discovery.
  const targets =
    typeof target === 'string'
      ? [target]
      : Object.entries(target)
          .filter(([c]) => c !== 'backstage')
          .map(([, t]) => t);
  for (const t of targets)
    if (!has(t))
      problems.push(`exports["${sub}"] -> ${t} is not in the tarball`);
}
if (pkg.configSchema && !has(pkg.configSchema))
  problems.push(`configSchema ${pkg.configSchema} is not in the tarball`);
if (!has('README.md')) problems.push('no README.md');
if (
  pkg.name === '@mesh-chain/plugin-scaffolder-backend-module-mesh' &&
  !has('templates/service-behind-istio/template.yaml')
) {
  problems.push(
    'the template (templates/service-behind-istio/template.yaml) is not in the tarball',
  );
}
if (problems.length) {
  console.error(`${pkg.name} (${file}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
fs.writeFileSync(
  `${file}.json`,
  JSON.stringify({ name: pkg.name, version: pkg.version }),
);
console.log(`ok: ${pkg.name}@${pkg.version}, ${files.length} files`);
