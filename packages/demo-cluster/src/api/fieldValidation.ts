/*
 * Server-side field validation, as kube-apiserver >= 1.27 does it: unknown
 * and duplicate fields of a request body are errors (`fieldValidation=Strict`),
 * warnings (`Warn`, the default when the parameter is absent) or silently
 * dropped (`Ignore`); unknown fields are never stored. Server-side apply
 * refuses unknown fields whatever the directive (its typed conversion does),
 * and checks duplicate YAML keys by the directive.
 */
import YAML from 'yaml';
import { ApiError, badRequest } from './errors';
import type { ResourceType } from './resources';

/** The `fieldValidation` query parameter. @public */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Where a request keeps its directive and collects warnings. */
export interface FieldValidationContext {
  /** Absent for the simulator's own writes (controllers, seeding): Ignore. */
  fieldValidation?: FieldValidation;
  /** Duplicate fields of the request body, e.g. `spec.replicas`. */
  duplicateFields?: string[];
  /** Warnings for the response's `Warning` headers. */
  warnings?: string[];
}

/** Reads `fieldValidation`; the API server's default is Warn. */
export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') {
    return value;
  }
  throw badRequest(
    `fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`,
  );
}

/**
 * Unknown and duplicate fields by the directive: Strict refuses the request
 * (400, worded as the API server's strict decoder), Warn adds one warning
 * each, Ignore says nothing.
 */
export function enforceFieldValidation(
  ctx: FieldValidationContext,
  t: ResourceType,
  version: string,
  unknown: string[],
): void {
  const problems = [
    ...unknown.map(p => `unknown field "${p}"`),
    ...(ctx.duplicateFields ?? []).map(p => `duplicate field "${p}"`),
  ];
  if (problems.length === 0) return;
  if (ctx.fieldValidation === 'Strict') {
    throw badRequest(
      `${t.kind} in version "${version}" cannot be handled as a ${
        t.kind
      }: strict decoding error: ${problems.join(', ')}`,
    );
  }
  if (ctx.fieldValidation === 'Warn') {
    ctx.warnings?.push(...problems);
  }
}

/**
 * Server-side apply's refusal of an applied configuration with fields its
 * schema does not declare, or values of the wrong shape. A real API server
 * answers this one with 500 and reason Unknown; the simulator answers 400,
 * with the same message.
 */
export function typedPatchError(
  t: ResourceType,
  apiVersion: string,
  namespace: string | undefined,
  name: string,
  problems: string[],
): ApiError {
  const what = `${namespace ?? ''}/${name}; ${
    apiVersion.includes('/') ? apiVersion : `/${apiVersion}`
  }, Kind=${t.kind}`;
  const list =
    problems.length === 1
      ? problems[0]
      : `errors:\n${problems.map(p => `  ${p}`).join('\n')}`;
  return badRequest(`failed to create typed patch object (${what}): ${list}`);
}

/**
 * Parses the YAML (or JSON) of a server-side apply; duplicate keys keep the
 * last value and are returned as the YAML decoder words them
 * (`line 11: key "foo" already set in map`).
 */
export function parseApplyYaml(raw: string): {
  value: unknown;
  duplicates: string[];
} {
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(raw, {
    lineCounter: lines,
    uniqueKeys: false,
  });
  if (doc.errors.length > 0) {
    throw badRequest(`error decoding YAML: ${doc.errors[0].message}`);
  }
  const duplicates: string[] = [];
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = YAML.isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const at = YAML.isNode(pair.key) ? pair.key.range?.[0] ?? 0 : 0;
          duplicates.push(
            `line ${lines.linePos(at).line}: key ${JSON.stringify(
              String(key),
            )} already set in map`,
          );
        }
        seen.add(key);
      }
    },
  });
  return { value: doc.toJS(), duplicates };
}

/** Duplicate YAML keys of an apply by the directive. */
export function enforceApplyDuplicates(
  ctx: FieldValidationContext,
  duplicates: string[],
): void {
  if (duplicates.length === 0) return;
  if (ctx.fieldValidation === 'Strict') {
    throw badRequest(
      `error strict decoding YAML: yaml: unmarshal errors:\n  ${duplicates.join(
        '\n  ',
      )}`,
    );
  }
  if (ctx.fieldValidation === 'Warn') {
    ctx.warnings?.push(...duplicates);
  }
}

/**
 * The duplicate keys of a JSON text (which `JSON.parse` silently resolves
 * to the last), as paths: `spec.replicas`, `spec.containers[0].name`. The
 * text must be valid JSON.
 */
export function jsonDuplicateFields(text: string): string[] {
  const duplicates: string[] = [];
  type Frame =
    | { kind: 'object'; path: string; keys: Set<string>; key?: string }
    | { kind: 'array'; path: string; index: number };
  const stack: Frame[] = [];
  const pathOfValue = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.kind === 'array') return `${top.path}[${top.index}]`;
    return top.path ? `${top.path}.${top.key}` : top.key ?? '';
  };
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) {
          duplicates.push(top.path ? `${top.path}.${key}` : key);
        }
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{') {
      stack.push({ kind: 'object', path: pathOfValue(), keys: new Set() });
      expectKey = true;
    } else if (c === '[') {
      stack.push({ kind: 'array', path: pathOfValue(), index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      else expectKey = true;
    }
  }
  return duplicates;
}
