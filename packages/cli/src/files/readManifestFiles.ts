/*
 * The manifests named with -f: files, directories (recursively: .yaml,
 * .yml and .json files, hidden folders and node_modules left out) and `-`
 * for standard input, parsed by the engine's shared manifest reader.
 */
import {
  collectManifests,
  ManifestSet,
  ParsedManifests,
  parseManifests,
} from '@mesh-chain/plugin-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors';

/** The largest manifest file read. */
const MAX_FILE_BYTES = 32 * 2 ** 20;

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** The manifests read, and the files they came from. @public */
export interface ReadManifests extends ManifestSet {
  files: string[];
}

/**
 * Reads every manifest under the given paths. A path that does not exist or
 * a directory with no manifest file is an InputError; YAML problems are
 * returned (with file, document and line) for the caller to report.
 *
 * @public
 */
export async function readManifestFiles(
  paths: readonly string[],
  options: {
    cwd: string;
    readStdin: () => Promise<string>;
    defaultNamespace?: string;
  },
): Promise<ReadManifests> {
  const files: string[] = [];
  const parsed: ParsedManifests[] = [];
  for (const p of paths) {
    if (p === '-') {
      files.push('-');
      parsed.push(parseManifests(await options.readStdin(), '-'));
      continue;
    }
    for (const file of await manifestFilesUnder(p, options.cwd)) {
      files.push(file);
      parsed.push(parseManifests(await readText(file, options.cwd), file));
    }
  }
  return {
    files,
    ...collectManifests(parsed, { defaultNamespace: options.defaultNamespace }),
  };
}

/** The manifest files a path names, as the user spelt them, sorted. */
async function manifestFilesUnder(p: string, cwd: string): Promise<string[]> {
  const full = path.resolve(cwd, p);
  let stat;
  try {
    stat = await fs.stat(full);
  } catch {
    throw new InputError(`${p}: no such file or directory`);
  }
  if (!stat.isDirectory()) {
    return [p];
  }
  const found: string[] = [];
  const walk = async (dir: string, shown: string) => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const childShown = path.join(shown, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') {
          await walk(path.join(dir, entry.name), childShown);
        }
      } else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) {
        found.push(childShown);
      }
    }
  };
  await walk(full, p);
  if (found.length === 0) {
    throw new InputError(
      `${p}: the directory holds no .yaml, .yml or .json file`,
    );
  }
  return found;
}

async function readText(file: string, cwd: string): Promise<string> {
  const full = path.resolve(cwd, file);
  try {
    const stat = await fs.stat(full);
    if (stat.size > MAX_FILE_BYTES) {
      throw new InputError(
        `${file}: ${Math.round(stat.size / 2 ** 20)} MiB is more than the ${
          MAX_FILE_BYTES / 2 ** 20
        } MiB read from one file`,
      );
    }
    return await fs.readFile(full, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot be read: ${(e as Error).message}`);
  }
}
