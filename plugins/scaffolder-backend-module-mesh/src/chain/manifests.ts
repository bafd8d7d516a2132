import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import fs from 'fs/promises';
import path from 'path';
import YAML from 'yaml';
import { KubeObject } from '../lib/models';
import { RenderedChain } from './render';

/** A manifest and where it came from. @public */
export interface SourcedObject {
  object: KubeObject;
  /** File (relative to the manifests directory) and document index. */
  source: string;
}

/** Serialises objects as a multi-document YAML stream. @public */
export function toYaml(objects: unknown[]): string {
  return objects
    .map(o => YAML.stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}

/**
 * Writes the rendered manifests and `kustomization.yaml` into `dir` (which
 * must already be a safe path). Returns the written paths, relative to `dir`.
 *
 * @public
 */
export async function writeChain(
  dir: string,
  chain: RenderedChain,
): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const file of chain.files) {
    await fs.writeFile(path.join(dir, file.path), toYaml(file.objects), 'utf8');
    written.push(file.path);
  }
  await fs.writeFile(
    path.join(dir, 'kustomization.yaml'),
    YAML.stringify(chain.kustomization),
    'utf8',
  );
  written.push('kustomization.yaml');
  return written;
}

/**
 * Parses a YAML stream of Kubernetes objects. Every document must be a
 * mapping with apiVersion, kind and metadata.name; empty documents are
 * skipped.
 *
 * @public
 */
export function parseManifests(text: string, file: string): SourcedObject[] {
  const docs = YAML.parseAllDocuments(text);
  const out: SourcedObject[] = [];
  docs.forEach((doc, index) => {
    const where = docs.length > 1 ? `${file} (document ${index + 1})` : file;
    if (doc.errors.length > 0) {
      throw new InputError(
        `${where} is not valid YAML: ${doc.errors[0].message}`,
      );
    }
    const value = doc.toJS();
    if (value === null || value === undefined) {
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(
        `${where} is not a Kubernetes object (a mapping with apiVersion, kind and metadata)`,
      );
    }
    const missing = ['apiVersion', 'kind'].filter(
      k => typeof value[k] !== 'string' || !value[k],
    );
    if (typeof value.metadata?.name !== 'string' || !value.metadata.name) {
      missing.push('metadata.name');
    }
    if (missing.length > 0) {
      throw new InputError(
        `${where} has no ${missing.join(
          ', ',
        )}; every manifest needs apiVersion, kind and metadata.name`,
      );
    }
    out.push({ object: value as KubeObject, source: where });
  });
  return out;
}

/**
 * Reads the manifests of a directory: the files its `kustomization.yaml`
 * lists, in that order, or else every `*.yaml`/`*.yml` file by name.
 *
 * @public
 */
export async function readManifestDirectory(
  dir: string,
  displayDir: string,
): Promise<SourcedObject[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    throw new InputError(
      `The manifests directory '${displayDir}' does not exist in the workspace; run mesh:chain:render first or fix the path`,
    );
  }
  let files: string[];
  const kustomizationName = entries.find(e =>
    ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].includes(e),
  );
  if (kustomizationName) {
    const kustomization = YAML.parse(
      await fs.readFile(path.join(dir, kustomizationName), 'utf8'),
    );
    const unsupported = Object.keys(kustomization ?? {}).filter(
      k => !['apiVersion', 'kind', 'resources'].includes(k),
    );
    if (unsupported.length > 0) {
      throw new InputError(
        `${displayDir}/${kustomizationName} uses ${unsupported.join(
          ', ',
        )}, which mesh:chain:apply does not run (it applies the listed files as they are); render the final manifests with kustomize first, or keep only resources`,
      );
    }
    files = kustomization?.resources ?? [];
    if (!Array.isArray(files) || files.some(f => typeof f !== 'string')) {
      throw new InputError(
        `${displayDir}/${kustomizationName} resources must be a list of file names`,
      );
    }
  } else {
    files = entries.filter(e => /\.ya?ml$/.test(e)).sort();
  }
  if (files.length === 0) {
    throw new InputError(
      `The manifests directory '${displayDir}' has no YAML files; run mesh:chain:render first or fix the path`,
    );
  }
  const out: SourcedObject[] = [];
  for (const file of files) {
    let full: string;
    try {
      full = resolveSafeChildPath(dir, file);
    } catch {
      throw new InputError(
        `${displayDir}: '${file}' is outside the manifests directory; list files inside it`,
      );
    }
    let text: string;
    try {
      text = await fs.readFile(full, 'utf8');
    } catch {
      throw new InputError(
        `${displayDir}: '${file}' is listed but cannot be read (remote resources and directories are not supported)`,
      );
    }
    out.push(...parseManifests(text, `${displayDir}/${file}`));
  }
  return out;
}
