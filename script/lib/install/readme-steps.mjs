// Runs the install section of a package README in an app created with
// @backstage/create-app, the way a platform engineer follows it:
//   - ```sh blocks: each command, in the app's root; `yarn ... add
//     @mesh-chain/<name>` gets the version of the packed tarball (the
//     packages are not on the registry; the app's `resolutions` point them
//     at the tarballs);
//   - ```ts blocks headed `// packages/backend/src/index.ts`: each
//     `backend.add(...)` line not yet there goes before `backend.start()`;
//   - ```yaml blocks headed `# app-config.yaml`: merged into the app's
//     app-config.yaml (maps merged, lists appended).
// Blocks headed with another file (App.tsx, EntityPage.tsx) are the other
// ways to install and are left alone; `--extract FILE` prints such a block.
//
// Usage: node readme-steps.mjs README APP_DIR VERSIONS_JSON
//        node readme-steps.mjs README --extract packages/app/src/components/catalog/EntityPage.tsx
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const YAML = require('yaml');

/** The fenced blocks of the README's `## Install` section, in order. */
export function installBlocks(markdown) {
  const start = markdown.search(/^## Install\s*$/m);
  if (start < 0) throw new Error('The README has no "## Install" section');
  const rest = markdown.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const blocks = [];
  const fence = /^```(\w+)\n([\s\S]*?)^```\s*$/gm;
  for (let m = fence.exec(section); m; m = fence.exec(section)) {
    const lines = m[2].split('\n');
    const header = lines[0].match(/^(?:\/\/|#)\s*(\S+\.(?:ts|tsx|yaml))\s*$/);
    blocks.push({ lang: m[1], file: header?.[1], body: m[2] });
  }
  return blocks;
}

function runShell(block, appDir, versions) {
  for (const raw of block.body.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const command = line.replace(
      /(\badd\s+(?:\S+\s+)*?)(@mesh-chain\/[\w-]+)(?=\s|$)/g,
      (all, prefix, name) => {
        if (!versions[name]) throw new Error(`No tarball for ${name}`);
        return `${prefix}${name}@^${versions[name]}`;
      },
    );
    console.log(`$ ${command}`);
    execSync(command, { cwd: appDir, stdio: 'inherit', shell: '/bin/bash' });
  }
}

function addBackendLines(block, appDir) {
  const file = path.join(appDir, block.file);
  let source = fs.readFileSync(file, 'utf8');
  const adds = block.body
    .split('\n')
    .filter(l => /^backend\.add\(.*\);$/.test(l.trim()));
  for (const add of adds) {
    if (source.includes(add.trim())) continue;
    console.log(`+ ${block.file}: ${add.trim()}`);
    source = source.replace(
      /^backend\.start\(\);/m,
      `${add.trim()}\nbackend.start();`,
    );
  }
  fs.writeFileSync(file, source);
}

/** Merges `from` into the YAML document node `into`: maps merged, lists appended. */
function mergeInto(doc, pathKeys, value) {
  const current = doc.getIn(pathKeys, true);
  if (Array.isArray(value)) {
    if (YAML.isSeq(current)) {
      for (const item of value) current.add(doc.createNode(item));
    } else {
      doc.setIn(pathKeys, doc.createNode(value));
    }
  } else if (value && typeof value === 'object' && YAML.isMap(current)) {
    for (const [key, v] of Object.entries(value))
      mergeInto(doc, [...pathKeys, key], v);
  } else {
    doc.setIn(pathKeys, doc.createNode(value));
  }
}

export function mergeYamlFile(file, additionYaml) {
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  const addition = YAML.parse(additionYaml);
  for (const [key, value] of Object.entries(addition))
    mergeInto(doc, [key], value);
  fs.writeFileSync(file, doc.toString());
}

function main() {
  const [readme, appDir, versionsJson, extra] = process.argv.slice(2);
  if (appDir === '--merge-yaml') {
    // `- --merge-yaml FILE ADDITION`: no README involved.
    mergeYamlFile(versionsJson, fs.readFileSync(extra, 'utf8'));
    return;
  }
  const blocks = installBlocks(fs.readFileSync(readme, 'utf8'));
  if (appDir === '--extract') {
    const block = blocks.find(b => b.file === versionsJson);
    if (!block)
      throw new Error(`${readme}: no Install block for ${versionsJson}`);
    process.stdout.write(block.body);
    return;
  }
  const versions = JSON.parse(versionsJson);
  console.log(`Following the Install section of ${readme}`);
  for (const block of blocks) {
    if (block.lang === 'sh') runShell(block, appDir, versions);
    else if (block.file === 'packages/backend/src/index.ts')
      addBackendLines(block, appDir);
    else if (block.file === 'app-config.yaml') {
      console.log(`+ app-config.yaml: ${block.body.split('\n')[1]} ...`);
      mergeYamlFile(path.join(appDir, 'app-config.yaml'), block.body);
    }
  }
}

main();
