/*
 * Schema validation with the upstream OpenAPI / CRD schemas, as compiled by
 * kubernetes-models, @kubernetes-models/istio and @kubernetes-models/gateway-api.
 *
 * Those packages are ESM-only and export their files only under the `import`
 * condition. Native `import()` loads them under Node and tsx; inside Jest
 * (which runs this package as CommonJS without VM modules) `import()` is not
 * available, so we fall back to Node's own `require`, which loads ES modules
 * since Node 22.12 (`process.getBuiltinModule` reaches the real loader rather
 * than Jest's module registry). Either way each model is loaded once, at
 * start-up.
 */
import {
  FieldStructure,
  kubernetesModelSource,
  ModelValidationError,
  modelFieldStructure,
  modelValidationErrors,
  SchemaModel,
} from '@mesh-chain/plugin-mesh-common';
import fs from 'fs';
import path from 'path';
import type { StatusCause } from './errors';
import { ResourceType, resourceKey } from './resources';

/**
 * The kind of each resource with a known schema, by resource key and version
 * (`deployments.apps/v1`); `kubernetesModelSource` says where its class is.
 */
const MODELS: Record<string, string> = {
  'namespaces/v1': 'Namespace',
  'nodes/v1': 'Node',
  'configmaps/v1': 'ConfigMap',
  'endpoints/v1': 'Endpoints',
  'events/v1': 'Event',
  'pods/v1': 'Pod',
  'services/v1': 'Service',
  'limitranges/v1': 'LimitRange',
  'resourcequotas/v1': 'ResourceQuota',
  'secrets/v1': 'Secret',
  'serviceaccounts/v1': 'ServiceAccount',
  'statefulsets.apps/v1': 'StatefulSet',
  'daemonsets.apps/v1': 'DaemonSet',
  'jobs.batch/v1': 'Job',
  'cronjobs.batch/v1': 'CronJob',
  'ingresses.networking.k8s.io/v1': 'Ingress',
  'deployments.apps/v1': 'Deployment',
  'replicasets.apps/v1': 'ReplicaSet',
  'horizontalpodautoscalers.autoscaling/v2': 'HorizontalPodAutoscaler',
  ...Object.fromEntries(
    ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].map(kind => [
      `${kind.toLowerCase()}s.rbac.authorization.k8s.io/v1`,
      kind,
    ]),
  ),
  ...Object.fromEntries(
    ['v1', 'v1beta1', 'v1alpha3'].flatMap(v =>
      ['Gateway', 'VirtualService', 'DestinationRule'].map(kind => [
        `${kind.toLowerCase()}s.networking.istio.io/${v}`,
        kind,
      ]),
    ),
  ),
  'gatewayclasses.gateway.networking.k8s.io/v1': 'GatewayClass',
  'gateways.gateway.networking.k8s.io/v1': 'Gateway',
  'httproutes.gateway.networking.k8s.io/v1': 'HTTPRoute',
};

/** `deployments.apps/v1` to `apps/v1`, `pods/v1` to `v1`. */
function apiVersionOf(key: string): string {
  const [resource, version] = key.split('/');
  const dot = resource.indexOf('.');
  return dot < 0 ? version : `${resource.slice(dot + 1)}/${version}`;
}

async function loadEsm(pkg: string, subpath: string): Promise<any> {
  try {
    return await import(`${pkg}/${subpath}`);
  } catch (error) {
    const nodeModule = process.getBuiltinModule(
      'node:module',
    ) as typeof import('module');
    const nodeRequire = nodeModule.createRequire(__filename);
    for (const dir of nodeRequire.resolve.paths(pkg) ?? []) {
      const file = path.join(dir, pkg, `${subpath}.js`);
      if (fs.existsSync(file)) {
        return nodeRequire(file);
      }
    }
    throw error;
  }
}

let loaded: Promise<Map<string, SchemaModel>> | undefined;

/** Loads every model once; resolves when validation is ready. */
export function loadSchemas(): Promise<Map<string, SchemaModel>> {
  if (!loaded) {
    loaded = Promise.all(
      Object.entries(MODELS).map(async ([key, kind]) => {
        const {
          pkg,
          subpath,
          exportName: name,
        } = kubernetesModelSource(apiVersionOf(key), kind);
        const mod = await loadEsm(pkg, subpath);
        const model = mod[name] as SchemaModel | undefined;
        if (!model) {
          throw new Error(`${pkg}/${subpath} does not export ${name}`);
        }
        return [key, model] as const;
      }),
    ).then(entries => new Map(entries));
  }
  return loaded;
}

/** `/spec/template/spec/containers/0` to `spec.template.spec.containers[0]`. */
function toFieldPath(instancePath: string): string {
  let out = '';
  for (const part of instancePath.split('/').slice(1)) {
    const p = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let cur: any = obj;
  for (const part of instancePath.split('/').slice(1)) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'null';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Converts schema errors to causes worded like the API server's. */
function toCauses(errors: ModelValidationError[], obj: unknown): StatusCause[] {
  // IntOrString and other union types report one error per branch plus the
  // union; keep the union only.
  const unions = new Set(
    errors
      .filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf')
      .map(e => e.instancePath),
  );
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (
      e.keyword !== 'anyOf' &&
      e.keyword !== 'oneOf' &&
      [...unions].some(
        u => e.instancePath === u || e.instancePath.startsWith(`${u}/`),
      )
    ) {
      continue;
    }
    let cause: StatusCause;
    const value = valueAt(obj, e.instancePath);
    const field = toFieldPath(e.instancePath);
    switch (e.keyword) {
      case 'required': {
        const f = field
          ? `${field}.${e.params.missingProperty}`
          : e.params.missingProperty;
        cause = {
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: f,
        };
        break;
      }
      case 'type':
        cause = {
          reason: 'FieldValueTypeInvalid',
          message: `Invalid value: ${show(
            value,
          )}: ${field} in body must be of type ${e.params.type}`,
          field,
        };
        break;
      case 'enum':
        cause = {
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: ${show(value)}: supported values: ${(
            e.params.allowedValues as unknown[]
          )
            .map(v => show(v))
            .join(', ')}`,
          field,
        };
        break;
      case 'maxLength':
        cause = {
          reason: 'FieldValueTooLong',
          message: `Too long: may not be more than ${e.params.limit} bytes`,
          field,
        };
        break;
      case 'maxItems':
      case 'maxProperties':
        cause = {
          reason: 'FieldValueTooMany',
          message: `Too many: must have at most ${e.params.limit} items`,
          field,
        };
        break;
      default:
        cause = {
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${show(value)}: ${
            field || 'object'
          } in body ${e.message ?? `failed ${e.keyword} validation`}`,
          field,
        };
    }
    const key = `${cause.field}|${cause.reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      causes.push(cause);
    }
  }
  return causes;
}

/**
 * The known fields of a type's schema (built-in kinds and the CRDs' structural
 * schemas are closed: every other field is unknown), or `undefined` for a
 * type without a schema.
 */
export function fieldStructure(
  models: Map<string, SchemaModel>,
  type: ResourceType,
  version: string,
): FieldStructure | undefined {
  const model = models.get(`${resourceKey(type)}/${version}`);
  if (!model) {
    return undefined;
  }
  return modelFieldStructure(model, type.group);
}

/**
 * Validates an object against the upstream schema of its type and version;
 * returns the causes (empty when valid).
 */
export function schemaCauses(
  models: Map<string, SchemaModel>,
  type: ResourceType,
  version: string,
  obj: unknown,
): StatusCause[] {
  const model = models.get(`${resourceKey(type)}/${version}`);
  if (!model) {
    return [];
  }
  return toCauses(modelValidationErrors(model, obj), obj);
}
