/*
 * Kubernetes manifests as text -> objects, each with where it came from
 * (file, document, line), as `kubectl apply -f` reads them: multi-document
 * YAML or JSON, `kind: List` and typed lists (`ServiceList`) expanded.
 * Isomorphic: the caller reads the files.
 */
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Node as YamlNode,
  parseAllDocuments,
} from 'yaml';
import type { KubeObject } from '../engine/kube/KubeObject';

/** Where an object of a manifest came from. @public */
export interface ManifestSource {
  /** The file as the user named it (or `-` for standard input). */
  file: string;
  /** The YAML document in the file, from 1. */
  document: number;
  /** The line the object starts on, from 1. */
  line: number;
  /** The index in the document's `items` when it came from a List. */
  item?: number;
}

/** An object read from a manifest. @public */
export interface ManifestObject {
  object: KubeObject;
  source: ManifestSource;
  /**
   * The line of a field of the object, given as a diagnostic path
   * (`spec.subsets[1].labels`); the line of the deepest part of the path
   * the file holds, or the object's line.
   */
  lineOf(path?: string): number;
}

/**
 * Something wrong with a manifest: `error` when it cannot be read (bad
 * YAML, not a Kubernetes object), `notice` for what was read but left out
 * or overridden.
 *
 * @public
 */
export interface ManifestProblem {
  severity: 'error' | 'notice';
  file: string;
  document?: number;
  line?: number;
  message: string;
}

/** What {@link parseManifests} read from one file. @public */
export interface ParsedManifests {
  objects: ManifestObject[];
  problems: ManifestProblem[];
}

/** Documents that configure tools rather than describe cluster objects. */
const TOOL_CONFIG_GROUPS = ['kustomize.config.k8s.io/'];

/**
 * `file: document 3 (line 41): message`, the way every reader of
 * manifests names a place in them.
 *
 * @public
 */
export function formatManifestProblem(problem: ManifestProblem): string {
  const where = [
    problem.document !== undefined && `document ${problem.document}`,
    problem.line !== undefined && `(line ${problem.line})`,
  ]
    .filter(Boolean)
    .join(' ');
  return `${problem.file}: ${where ? `${where}: ` : ''}${problem.message}`;
}

/**
 * Reads the Kubernetes objects of one file's text (YAML, several documents
 * separated by `---`, or JSON). Empty documents are skipped; a document that
 * is not valid YAML or not a Kubernetes object (a mapping with apiVersion,
 * kind and metadata.name) is an `error` problem naming the document and
 * line; the other documents are still read.
 *
 * @public
 */
export function parseManifests(text: string, file: string): ParsedManifests {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const out: ParsedManifests = { objects: [], problems: [] };
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  if (!Array.isArray(docs)) {
    return out; // an empty stream
  }
  docs.forEach((doc, index) => {
    const document = index + 1;
    const problem = (message: string, offset?: number) =>
      out.problems.push({
        severity: 'error',
        file,
        document,
        ...(offset !== undefined && { line: lineAt(offset) }),
        message,
      });
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      problem(`not valid YAML: ${first.message}`, first.pos[0]);
      return;
    }
    const node = doc.contents as YamlNode | null;
    if (!node || (isScalar(node) && node.value === null)) {
      return; // an empty document
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      problem(`cannot be read: ${(e as Error).message}`, node.range?.[0]);
      return;
    }
    const add = (v: unknown, n: YamlNode, item?: number) => {
      if (isToolConfig(v)) {
        out.problems.push({
          severity: 'notice',
          file,
          document,
          line: lineAt(n.range?.[0] ?? 0),
          message: `${v.kind} is configuration for a tool, not a cluster object; it is not applied. To check what it produces, render it first (kustomize build DIR | mesh-chain check -f -).`,
        });
        return;
      }
      const checked = kubeObjectProblem(v);
      if (checked) {
        problem(
          item === undefined ? checked : `items[${item}] ${checked}`,
          n.range?.[0],
        );
        return;
      }
      const object = v as KubeObject;
      const line = lineAt(n.range?.[0] ?? 0);
      out.objects.push({
        object,
        source: { file, document, line, ...(item !== undefined && { item }) },
        lineOf: path => {
          const found = deepestNode(n, pathSegments(path ?? ''));
          return found ? lineAt(found) : line;
        },
      });
    };
    const list = listItems(value, node);
    if (list) {
      list.forEach(({ value: v, node: n }, i) => add(v, n, i));
    } else {
      add(value, node);
    }
  });
  return out;
}

/** A document that configures a tool (a Kustomization). */
function isToolConfig(value: unknown): value is { kind: string } {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v?.apiVersion === 'string' &&
    TOOL_CONFIG_GROUPS.some(g => (v.apiVersion as string).startsWith(g))
  );
}

/** Why a value is not a Kubernetes object, or nothing when it is one. */
function kubeObjectProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)';
  }
  const v = value as Record<string, any>;
  const missing = [
    typeof v.apiVersion !== 'string' || !v.apiVersion ? 'apiVersion' : '',
    typeof v.kind !== 'string' || !v.kind ? 'kind' : '',
    typeof v.metadata?.name !== 'string' || !v.metadata.name
      ? 'metadata.name'
      : '',
  ].filter(Boolean);
  if (missing.length > 0) {
    return `has no ${missing.join(
      ', ',
    )}; every Kubernetes object needs apiVersion, kind and metadata.name`;
  }
  if (
    v.metadata.namespace !== undefined &&
    typeof v.metadata.namespace !== 'string'
  ) {
    return 'has a metadata.namespace that is not a string';
  }
  return undefined;
}

/**
 * The items of a `kind: List` (`v1`) or a typed list (`ServiceList`), each
 * with its node; items of a typed list get the list's apiVersion and the
 * kind without `List` when they have none (as the API server sends them).
 */
function listItems(
  value: unknown,
  node: YamlNode,
): Array<{ value: unknown; node: YamlNode }> | undefined {
  const v = value as Record<string, any>;
  if (
    typeof v?.kind !== 'string' ||
    !v.kind.endsWith('List') ||
    !Array.isArray(v.items) ||
    !isMap(node)
  ) {
    return undefined;
  }
  const itemsNode = node.get('items', true);
  const nodes = isSeq(itemsNode) ? itemsNode.items : [];
  const itemKind = v.kind === 'List' ? undefined : v.kind.slice(0, -4);
  return v.items.map((item: unknown, i: number) => {
    const typed =
      itemKind && item && typeof item === 'object' && !Array.isArray(item)
        ? {
            apiVersion: v.apiVersion,
            kind: itemKind,
            ...(item as Record<string, unknown>),
          }
        : item;
    return { value: typed, node: (nodes[i] as YamlNode) ?? node };
  });
}

/** `spec.http[0].route[1].destination` -> `['spec', 'http', 0, ...]`. */
function pathSegments(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2].match(/\d+/g) ?? []) out.push(Number(idx));
  }
  return out;
}

/**
 * The offset of the deepest node along the path: the key of a mapping
 * entry, or the item of a sequence.
 */
function deepestNode(
  root: YamlNode,
  segments: Array<string | number>,
): number | undefined {
  let node: unknown = root;
  let offset: number | undefined;
  for (const segment of segments) {
    if (isMap(node) && typeof segment === 'string') {
      const pair = node.items.find(
        p => isScalar(p.key) && String(p.key.value) === segment,
      );
      if (!pair) break;
      offset = (pair.key as YamlNode).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
