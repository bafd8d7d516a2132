// The release manifest of the newest Backstage release, made the way
// `backstage-cli versions:bump` (release line "main") picks versions when a
// package is not in the manifest it fetched: each package at its `latest`
// dist-tag on the npm registry. versions.backstage.io (and its GitHub
// fallback), where the real manifest lives, is out of reach on these
// machines; the registry is not.
//
// The packages are those of the release we pin (the root package.json's
// `resolutions`), which an app made with create-app draws from.
//
//   node newest-manifest.mjs write RELEASE FILE
//     writes { releaseVersion, packages: [{ name, version }] } to FILE;
//     RELEASE is the release those `latest` versions belong to (read it from
//     the release notes: backstage.io/docs/releases/vRELEASE lists them).
//   node newest-manifest.mjs check FILE
//     compares FILE with the registry's `latest` of the @backstage packages
//     the published @mesh-chain packages depend on, and says which moved
//     (a newer release is out: record it with `write`).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../..',
);
const PUBLISHED = [
  'plugins/mesh-common',
  'plugins/mesh-node',
  'plugins/mesh',
  'plugins/mesh-backend',
  'plugins/scaffolder-backend-module-mesh',
];

function registry() {
  const url = execFileSync('npm', ['config', 'get', 'registry'], {
    encoding: 'utf8',
  }).trim();
  return url.endsWith('/') ? url : `${url}/`;
}

/** Each name's `latest` dist-tag, a few requests at a time. */
async function latestVersions(names) {
  const base = registry();
  const result = new Map();
  const queue = [...names];
  async function worker() {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const res = await fetch(`${base}${name.replace('/', '%2f')}`, {
        headers: { accept: 'application/vnd.npm.install-v1+json' },
      });
      if (!res.ok)
        throw new Error(`${name}: the registry answered ${res.status}`);
      const latest = (await res.json())['dist-tags']?.latest;
      if (!latest) throw new Error(`${name}: no "latest" dist-tag`);
      result.set(name, latest);
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  return result;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function write(release, file) {
  const names = Object.keys(
    readJson(path.join(root, 'package.json')).resolutions,
  )
    .filter(n => n.startsWith('@backstage/'))
    .sort();
  const latest = await latestVersions(names);
  const packages = names.map(name => ({ name, version: latest.get(name) }));
  fs.writeFileSync(
    file,
    `${JSON.stringify({ releaseVersion: release, packages }, null, 2)}\n`,
  );
  console.log(`${file}: ${packages.length} packages of release ${release}`);
}

async function check(file) {
  const manifest = readJson(file);
  const recorded = new Map(manifest.packages.map(p => [p.name, p.version]));
  const used = new Set();
  for (const dir of PUBLISHED) {
    const pkg = readJson(path.join(root, dir, 'package.json'));
    for (const name of Object.keys({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
    }))
      if (name.startsWith('@backstage/')) used.add(name);
  }
  const latest = await latestVersions([...used].sort());
  const moved = [...latest].filter(([name, v]) => recorded.get(name) !== v);
  if (moved.length === 0) {
    console.log(
      `Release ${manifest.releaseVersion} is still the newest on the registry for the ${used.size} @backstage packages ours use`,
    );
    return;
  }
  console.log(
    `note: the registry has moved past release ${
      manifest.releaseVersion
    }: ${moved
      .map(([n, v]) => `${n} ${recorded.get(n)} -> ${v}`)
      .join(', ')}. This run still tests ${
      manifest.releaseVersion
    }; record the newest release with ` +
      `\`node script/lib/install/newest-manifest.mjs write RELEASE script/lib/install/newest-release.json\`.`,
  );
}

const [command, ...args] = process.argv.slice(2);
if (command === 'write' && args.length === 2) await write(args[0], args[1]);
else if (command === 'check' && args.length === 1) await check(args[0]);
else {
  console.error('Usage: newest-manifest.mjs write RELEASE FILE | check FILE');
  process.exit(2);
}
