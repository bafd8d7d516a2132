/*
 * The known fields of a Kubernetes or CRD schema, read from the schema's
 * validator, for strict field validation ("unknown field") and pruning as
 * the API server does them.
 *
 * kubernetes-models, @kubernetes-models/istio and @kubernetes-models/gateway-api
 * ship their OpenAPI and CRD schemas compiled by ajv, not as JSON. A compiled
 * validator reads exactly the properties its schema declares (`properties`,
 * `required`), enumerates the keys of a map (`additionalProperties` with a
 * schema) and reads nothing of a free-form object
 * (`x-kubernetes-preserve-unknown-fields`). So the structure is observed by
 * validating a probe object whose reads are recorded, one place of the schema
 * at a time, as it is needed; a type error at the probe tells a list or a
 * plain value from an object.
 */
import { isJsonObject } from '../json';

/** What a schema allows at one place of an object. @public */
export type FieldShape =
  | { kind: 'object'; fields: ReadonlySet<string> }
  | { kind: 'map' }
  | { kind: 'list' }
  | { kind: 'value'; types: readonly string[] }
  | { kind: 'any' };

/** One error of an ajv-compiled validator. @public */
export interface SchemaValidationError {
  /** JSON pointer of the value, e.g. `/spec/replicas`. */
  instancePath: string;
  keyword: string;
  params?: Record<string, unknown>;
}

/** Runs a compiled schema on a value; returns its errors (empty when valid). @public */
export type SchemaValidator = (
  value: unknown,
) => readonly SchemaValidationError[];

/** Any map key and any list index in a pattern of {@link FieldStructure.shapeAt}. */
const MAP_KEY = '*';
const PROBE_KEY = 'x';
const MAX_DEPTH = 64;

/**
 * A place in an object: field names, `'*'` for any key of a map and `0` for
 * any item of a list.
 *
 * @public
 */
export type FieldPattern = ReadonlyArray<string | number>;

function pointer(pattern: FieldPattern): string {
  return pattern
    .map(
      p =>
        `/${String(p === MAP_KEY ? PROBE_KEY : p)
          .replace(/~/g, '~0')
          .replace(/\//g, '~1')}`,
    )
    .join('');
}

/** The smallest object that has `leaf` at `pattern`. */
function objectWith(pattern: FieldPattern, leaf: unknown): unknown {
  let value = leaf;
  for (let i = pattern.length - 1; i >= 0; i--) {
    const p = pattern[i];
    if (typeof p === 'number') value = [value];
    else value = { [p === MAP_KEY ? PROBE_KEY : p]: value };
  }
  return value;
}

/**
 * The field structure of one kind's schema, observed lazily from its
 * validator and remembered per place.
 *
 * @public
 */
export class FieldStructure {
  private readonly shapes = new Map<string, FieldShape>();
  private readonly freeForm: Set<string>;

  /**
   * @param validate - the kind's compiled schema
   * @param options - `freeForm`: dotted paths the schema marks
   *   `x-kubernetes-preserve-unknown-fields` although it declares properties
   *   there (the compiled validator cannot show that), e.g. `status` of the
   *   Istio CRDs
   */
  constructor(
    private readonly validate: SchemaValidator,
    options: { freeForm?: readonly string[] } = {},
  ) {
    this.freeForm = new Set(options.freeForm ?? []);
  }

  /**
   * The shape at a place: field names, `'*'` for any key of a map and `0`
   * for any item of a list, e.g. `['spec', 'template', 'spec', 'containers', 0]`.
   */
  shapeAt(pattern: FieldPattern): FieldShape {
    const key = JSON.stringify(pattern);
    let shape = this.shapes.get(key);
    if (!shape) {
      shape = this.probe(pattern);
      this.shapes.set(key, shape);
    }
    return shape;
  }

  private probe(pattern: FieldPattern): FieldShape {
    if (
      pattern.length > MAX_DEPTH ||
      this.freeForm.has(pattern.filter(p => typeof p === 'string').join('.'))
    ) {
      return { kind: 'any' };
    }
    const read = new Set<string>();
    let enumerated = false;
    const probe = new Proxy(
      {},
      {
        get(_target, property) {
          if (typeof property === 'string') read.add(property);
          return undefined;
        },
        ownKeys(target) {
          enumerated = true;
          return Reflect.ownKeys(target);
        },
      },
    );
    const at = pointer(pattern);
    const types = this.validate(objectWith(pattern, probe))
      .filter(e => e.instancePath === at && e.keyword === 'type')
      .flatMap(e => [e.params?.type ?? []].flat() as string[]);
    if (types.length > 0 && !types.includes('object')) {
      return types.includes('array')
        ? { kind: 'list' }
        : { kind: 'value', types: [...new Set(types)] };
    }
    if (enumerated) {
      return { kind: 'map' };
    }
    return read.size > 0 ? { kind: 'object', fields: read } : { kind: 'any' };
  }
}

/** A value whose shape is not the schema's (an object for a list, ...). @public */
export interface MisshapenField {
  /** e.g. `spec.http`. */
  path: string;
  expected: 'object' | 'list' | 'value';
  /** `object`, `list`, `string`, `number` or `boolean`. */
  got: string;
}

/** A field the schema does not declare. @public */
export interface UnknownField {
  /** e.g. `spec.replica`. */
  path: string;
  /** The fields the schema declares there, e.g. `replicas`, for hints. */
  known: readonly string[];
}

/** What {@link checkFields} finds. @public */
export interface FieldCheck {
  unknown: UnknownField[];
  misshapen: MisshapenField[];
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (isJsonObject(v)) return 'object';
  return typeof v;
}

const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

function walk(
  structure: FieldStructure,
  value: unknown,
  pattern: Array<string | number>,
  path: string,
  out: FieldCheck,
): void {
  if (value === null || value === undefined) return;
  const shape = structure.shapeAt(pattern);
  const misshapen = (expected: MisshapenField['expected']) =>
    out.misshapen.push({ path, expected, got: typeName(value) });
  if (shape.kind === 'object' || shape.kind === 'map') {
    if (!isJsonObject(value)) {
      misshapen('object');
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      if (shape.kind === 'map') {
        walk(structure, v, [...pattern, MAP_KEY], child(path, key), out);
      } else if (shape.fields.has(key)) {
        walk(structure, v, [...pattern, key], child(path, key), out);
      } else {
        out.unknown.push({ path: child(path, key), known: [...shape.fields] });
      }
    }
  } else if (shape.kind === 'list') {
    if (!Array.isArray(value)) {
      misshapen('list');
      return;
    }
    value.forEach((item, i) =>
      walk(structure, item, [...pattern, 0], `${path}[${i}]`, out),
    );
  } else if (shape.kind === 'value' && typeof value === 'object') {
    misshapen('value');
  }
}

/**
 * The fields of `value` its schema does not declare, and the values whose
 * shape is not the schema's (only these: types of plain values are the
 * schema validation's business). Paths are written as the API server writes
 * them: `spec.template.spec.containers[0].imagePullPolice`.
 *
 * @public
 */
export function checkFields(
  structure: FieldStructure,
  value: unknown,
): FieldCheck {
  const out: FieldCheck = { unknown: [], misshapen: [] };
  walk(structure, value, [], '', out);
  return out;
}

function prune(
  structure: FieldStructure,
  value: unknown,
  pattern: Array<string | number>,
): unknown {
  if (value === null || typeof value !== 'object') return value;
  const shape = structure.shapeAt(pattern);
  if (shape.kind === 'object' && isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (shape.fields.has(key)) {
        out[key] = prune(structure, v, [...pattern, key]);
      }
    }
    return out;
  }
  if (shape.kind === 'map' && isJsonObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        prune(structure, v, [...pattern, MAP_KEY]),
      ]),
    );
  }
  if (shape.kind === 'list' && Array.isArray(value)) {
    return value.map(item => prune(structure, item, [...pattern, 0]));
  }
  return value;
}

/**
 * A copy of `value` without the fields its schema does not declare, as the
 * API server stores an object (it never keeps unknown fields of a built-in
 * kind or of a custom resource with a structural schema).
 *
 * @public
 */
export function pruneUnknownFields<T>(structure: FieldStructure, value: T): T {
  return prune(structure, value, []) as T;
}
