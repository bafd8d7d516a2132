import {
  FieldStructure,
  type KubeObject,
  kubernetesModelSource,
  ModelValidationError,
  modelFieldStructure,
  modelValidationErrors,
  SchemaModel,
} from '@mesh-chain/plugin-mesh-common';
import { requireEsm } from './esm';
import { formatPath } from './zod';

/** A Kubernetes object as plain JSON (the one definition of mesh-common). */
export type { KubeObject };

/**
 * The kinds whose upstream schema is known, as `apiVersion/kind`: the
 * Kubernetes OpenAPI schemas (kubernetes-models) and the Istio and Gateway
 * API CRD schemas (@kubernetes-models/istio, @kubernetes-models/gateway-api).
 */
const MODELS = new Set([
  'v1/Namespace',
  'v1/Service',
  'v1/ServiceAccount',
  'v1/ConfigMap',
  'apps/v1/Deployment',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget',
  ...['v1', 'v1beta1', 'v1alpha3'].flatMap(version =>
    ['Gateway', 'VirtualService', 'DestinationRule'].map(
      kind => `networking.istio.io/${version}/${kind}`,
    ),
  ),
  'gateway.networking.k8s.io/v1/Gateway',
  'gateway.networking.k8s.io/v1/HTTPRoute',
]);

/** Namespaced kinds among {@link MODELS}; the rest are cluster-scoped. */
const CLUSTER_SCOPED = new Set(['v1/Namespace']);

const loaded = new Map<string, SchemaModel>();

function modelFor(apiVersion: string, kind: string): SchemaModel | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!MODELS.has(key)) {
    return undefined;
  }
  let model = loaded.get(key);
  if (!model) {
    const { pkg, subpath, exportName } = kubernetesModelSource(
      apiVersion,
      kind,
    );
    model = requireEsm<Record<string, SchemaModel>>(pkg, subpath)[exportName];
    loaded.set(key, model);
  }
  return model;
}

/**
 * Loads the schema of every supported kind now instead of on first use. Each
 * is a tree of generated validator modules, together about a second to load
 * (several under Jest, which compiles every module): test files call this
 * while they are collected, so that no test's time goes to it.
 */
export function loadSchemaModels(): void {
  for (const key of MODELS) {
    const slash = key.lastIndexOf('/');
    modelFor(key.slice(0, slash), key.slice(slash + 1));
  }
}

/**
 * The `apiVersion/kind` pairs the mesh actions know the schema of.
 *
 * @public
 */
export const SUPPORTED_KINDS: readonly string[] = [...MODELS];

/** @public */
export function isSupportedKind(apiVersion: string, kind: string): boolean {
  return MODELS.has(`${apiVersion}/${kind}`);
}

/** @public */
export function isNamespacedKind(apiVersion: string, kind: string): boolean {
  return !CLUSTER_SCOPED.has(`${apiVersion}/${kind}`);
}

/** One schema violation, with a dotted path into the object. @public */
export interface SchemaProblem {
  /** e.g. `spec.template.spec.containers[0].ports[0].containerPort`. */
  path: string;
  message: string;
}

function toDottedPath(instancePath: string): string {
  if (!instancePath) {
    return '(root)';
  }
  return formatPath(
    instancePath
      .split('/')
      .slice(1)
      .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map(part => (/^\d+$/.test(part) ? Number(part) : part)),
  );
}

function describe(error: ModelValidationError): string {
  const params = error.params ?? {};
  if (error.keyword === 'additionalProperties' && params.additionalProperty) {
    return `unknown field '${params.additionalProperty}'`;
  }
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return `must be one of ${params.allowedValues.join(', ')}`;
  }
  return error.message ?? error.keyword;
}

/**
 * Validates an object against the upstream schema of its kind. Returns
 * `undefined` when the kind is not known, otherwise the problems (empty when
 * the object is valid).
 *
 * @public
 */
export function validateAgainstSchema(
  object: KubeObject,
): SchemaProblem[] | undefined {
  const Model = modelFor(object.apiVersion, object.kind);
  if (!Model) {
    return undefined;
  }
  // ajv reports every branch of a oneOf/anyOf; keep one line per path.
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of modelValidationErrors(Model, object)) {
    const problem = {
      path: toDottedPath(e.instancePath),
      message: describe(e),
    };
    const key = `${problem.path} ${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

/**
 * The known fields of a kind's schema: built-in kinds and the Istio and
 * Gateway API CRDs are closed, so every other field is one the API server
 * refuses (`fieldValidation=Strict`) or drops. `undefined` for a kind
 * without a known schema.
 *
 * @public
 */
export function fieldStructureOf(
  apiVersion: string,
  kind: string,
): FieldStructure | undefined {
  const Model = modelFor(apiVersion, kind);
  if (!Model) {
    return undefined;
  }
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return modelFieldStructure(Model, group);
}

/** `Kind namespace/name`, for messages. @public */
export function describeObject(object: {
  kind: string;
  metadata: { name?: string; namespace?: string };
}): string {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${
    name ?? '(no name)'
  }`;
}
