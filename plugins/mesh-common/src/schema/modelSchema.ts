/*
 * The schemas of kubernetes-models classes (kubernetes-models,
 * @kubernetes-models/istio, @kubernetes-models/gateway-api): their
 * validation errors, and the field structure observed from them. This
 * package does not depend on those packages; callers pass the class.
 */
import { FieldStructure, SchemaValidationError } from './fieldStructure';

/**
 * A kubernetes-models class: its prototype's `validate()` checks `this`
 * against the compiled schema and throws an error with ajv's `errors`.
 *
 * @public
 */
export interface SchemaModel {
  prototype: { validate(this: unknown): void };
}

/** One validation error, with ajv's own wording. @public */
export interface ModelValidationError extends SchemaValidationError {
  params: Record<string, any>;
  message?: string;
}

/**
 * The schema errors of a value for a kubernetes-models class (empty when
 * the value is valid).
 *
 * @public
 */
export function modelValidationErrors(
  model: SchemaModel,
  value: unknown,
): ModelValidationError[] {
  try {
    model.prototype.validate.call(value);
    return [];
  } catch (error) {
    const errors = (error as { errors?: ModelValidationError[] }).errors;
    if (!Array.isArray(errors)) {
      throw error;
    }
    return errors;
  }
}

/**
 * Places the Istio CRDs mark `x-kubernetes-preserve-unknown-fields` although
 * they declare properties there; compiled validators do not show the mark.
 */
const FREE_FORM: Record<string, string[]> = {
  'networking.istio.io': ['status'],
};

const structures = new WeakMap<SchemaModel, FieldStructure>();

/**
 * The known fields of a kubernetes-models class of API group `group`
 * (built-in kinds and the CRDs' structural schemas are closed: every other
 * field is unknown), observed once per class.
 *
 * @public
 */
export function modelFieldStructure(
  model: SchemaModel,
  group: string,
): FieldStructure {
  let structure = structures.get(model);
  if (!structure) {
    structure = new FieldStructure(
      value => modelValidationErrors(model, value),
      { freeForm: FREE_FORM[group] },
    );
    structures.set(model, structure);
  }
  return structure;
}

/** Where a kubernetes-models class lives: package, subpath, export name. @public */
export interface ModelSource {
  pkg: string;
  subpath: string;
  exportName: string;
}

/** The packages of the CRD models, by API group; the rest are built in. */
const MODEL_PACKAGES: Record<string, string> = {
  'networking.istio.io': '@kubernetes-models/istio',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
};

/**
 * Where the class of `apiVersion`/`kind` lives: `kubernetes-models` for
 * built-in kinds, `@kubernetes-models/istio` and
 * `@kubernetes-models/gateway-api` for the CRDs, each at
 * `<apiVersion>/<Kind>` exporting `<Kind>` (e.g. `apps/v1/Deployment`).
 *
 * @public
 */
export function kubernetesModelSource(
  apiVersion: string,
  kind: string,
): ModelSource {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return {
    pkg: MODEL_PACKAGES[group] ?? 'kubernetes-models',
    subpath: `${apiVersion}/${kind}`,
    exportName: kind,
  };
}
