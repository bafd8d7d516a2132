/*
 * The REST semantics of the API server, independent of HTTP: create, get,
 * list (selectors, pagination), update (optimistic concurrency), the patch
 * formats, server-side apply, delete (graceful deletion, finalizers, owner
 * propagation), the status and scale subresources, dry runs, defaulting,
 * validation, admission and managed fields. The HTTP layer, the
 * controllers and the programmatic API all write through it.
 */
import {
  checkFields,
  pruneUnknownFields,
} from '@mesh-chain/plugin-mesh-common';
import { randomUUID } from 'crypto';
import {
  ApiError,
  StatusCause,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  invalid,
  notFound,
  unsupportedMediaType,
} from './errors';
import {
  enforceApplyDuplicates,
  enforceFieldValidation,
  FieldValidationContext,
  jsonDuplicateFields,
  parseApplyYaml,
  typedPatchError,
} from './fieldValidation';
import { applyDefaults, semanticCauses, validateName } from './kinds';
import {
  conflictCauses,
  FieldScope,
  recordUpdate,
  serverSideApply,
} from './patch/managedFields';
import {
  jsonMergePatch,
  jsonPatch,
  strategicMergePatch,
} from './patch/patches';
import { ResourceType, RESOURCE_TYPES, apiVersionOf } from './resources';
import { fieldStructure, schemaCauses } from './schemas';
import {
  fromLabelSelectorSpec,
  labelSelectorSpecToString,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { isPlainObject } from './patch/structure';
import { ServiceAllocator } from './ServiceAllocator';
import type { Store } from '../store/Store';
import type { Caller, KubeObject } from '../types';

const NAMESPACES = RESOURCE_TYPES.find(t => t.kind === 'Namespace')!;
const SYSTEM_NAMESPACES = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);
const NAME_SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Patch content types the API server accepts. */
export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Who writes, and how. */
export interface WriteContext extends FieldValidationContext {
  caller: Caller;
  /** `dryRun=All`: run everything, persist nothing. */
  dryRun?: boolean;
  /** `fieldManager`; derived from the user agent when missing. */
  fieldManager?: string;
  userAgent?: string;
  /** The API version of the request (managed fields record it). */
  version?: string;
  /**
   * Seeding: keep the status, uid and creationTimestamp the object brings
   * (generated clusters come already rolled out).
   */
  seed?: boolean;
}

/** Options of a list. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/** One page of a list. */
export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Options of a delete. */
export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

function randomSuffix(n = 5) {
  let s = '';
  for (let i = 0; i < n; i++) {
    s +=
      NAME_SUFFIX_CHARS[Math.floor(Math.random() * NAME_SUFFIX_CHARS.length)];
  }
  return s;
}

function target(t: ResourceType) {
  return { group: t.group, plural: t.plural, kind: t.kind };
}

/** Fields other than metadata and status: what a generation tracks. */
function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

/** Comparable form: everything except bookkeeping that changes on every write. */
function comparable(obj: KubeObject): string {
  const { resourceVersion: _r, managedFields: _f, ...meta } = obj.metadata;
  return JSON.stringify({ ...obj, metadata: meta });
}

function encodeContinue(rv: number, start: string) {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv, start }),
  ).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      return parsed;
    }
  } catch {
    // fall through
  }
  throw badRequest(`invalid continue token: ${token}`);
}

/** The pod's QoS class, as the kubelet computes it. */
export function qosClass(spec: any): string {
  const containers: any[] = spec?.containers ?? [];
  let guaranteed = containers.length > 0;
  let any = false;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (!l || q !== l) guaranteed = false;
    }
  }
  if (guaranteed) return 'Guaranteed';
  return any ? 'Burstable' : 'BestEffort';
}

/** The `autoscaling/v1` Scale of a Deployment or ReplicaSet. */
export function scaleOf(obj: KubeObject): KubeObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: labelSelectorSpecToString(obj.spec?.selector),
    },
  };
}

export class ObjectApi {
  constructor(
    readonly store: Store,
    private readonly models: Map<string, any>,
    readonly allocator: ServiceAllocator,
  ) {}

  /** Whether a type is served (its CRDs may be "not installed"). */
  served: (t: ResourceType) => boolean = () => true;

  // -------------------------------------------------------------------------
  // Reads

  get(t: ResourceType, namespace: string, name: string): KubeObject {
    const obj = this.store.get(t, t.namespaced ? namespace : '', name);
    if (!obj) throw notFound(target(t), name);
    return obj;
  }

  list(
    t: ResourceType,
    namespace: string | undefined,
    opts: ListOptions = {},
  ): ListResult {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, t.kind);
    const ns = t.namespaced ? namespace ?? fields.namespace : undefined;
    let rv = this.store.resourceVersion;
    let start = '';
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      if (token.rv < this.store.oldestResumableVersion) {
        throw expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      rv = token.rv;
      start = token.start;
    }

    let candidates: KubeObject[];
    if (fields.name !== undefined && ns !== undefined) {
      const one = this.store.get(t, t.namespaced ? ns : '', fields.name);
      candidates = one ? [one] : [];
    } else {
      candidates = this.store.list(t, ns);
    }
    // Keys are compared as (namespace, name), the order the store lists in.
    const keyOf = (o: KubeObject) =>
      `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
    let index = 0;
    if (start) {
      let lo = 0;
      let hi = candidates.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keyOf(candidates[mid]) <= start) lo = mid + 1;
        else hi = mid;
      }
      index = lo;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: KubeObject[] = [];
    const filtered = !labels.empty || !fields.empty;
    for (; index < candidates.length; index++) {
      const o = candidates[index];
      if (
        filtered &&
        !(labels.matches(o.metadata.labels) && fields.matches(o))
      ) {
        continue;
      }
      if (items.length >= limit) break;
      items.push(o);
    }
    const result: ListResult = { items, resourceVersion: String(rv) };
    if (index < candidates.length && items.length) {
      result.continue = encodeContinue(rv, keyOf(items[items.length - 1]));
      if (!filtered) result.remainingItemCount = candidates.length - index;
    }
    return result;
  }

  // -------------------------------------------------------------------------
  // Writes

  private manager(ctx: WriteContext): string {
    const m =
      ctx.fieldManager ||
      (ctx.userAgent ? ctx.userAgent.split('/')[0] : '') ||
      'unknown';
    if (m.length > 128) {
      throw badRequest(
        `fieldManager: Invalid value: "${m.slice(
          0,
          20,
        )}...": must be less than 128 characters`,
      );
    }
    return m;
  }

  private checkBody(
    t: ResourceType,
    version: string,
    body: unknown,
    namespace: string | undefined,
  ): KubeObject {
    if (!isPlainObject(body)) {
      throw badRequest('the request body must be a JSON or YAML object');
    }
    const want = apiVersionOf(t, version);
    if (
      body.apiVersion !== undefined &&
      !t.versions.some(v => apiVersionOf(t, v) === body.apiVersion)
    ) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${want})`,
      );
    }
    if (body.kind !== undefined && body.kind !== t.kind) {
      throw badRequest(
        `the object provided is unrecognized (must be of type ${t.kind}): kind "${body.kind}"`,
      );
    }
    const obj = clone(body) as KubeObject;
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    if (!isPlainObject(obj.metadata))
      obj.metadata = {} as KubeObject['metadata'];
    if (t.namespaced) {
      if (
        obj.metadata.namespace !== undefined &&
        obj.metadata.namespace !== '' &&
        obj.metadata.namespace !== namespace
      ) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private admitNamespace(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
  ) {
    if (!t.namespaced || !namespace) return;
    const ns = this.store.get(NAMESPACES, '', namespace);
    if (!ns) {
      throw notFound(target(NAMESPACES), namespace);
    }
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(
        target(t),
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /**
   * The API server's decoding of a request body: unknown and duplicate
   * fields by the `fieldValidation` directive, and unknown fields pruned
   * (never stored). Seeded objects are taken as they come.
   */
  private decode(
    t: ResourceType,
    version: string,
    obj: KubeObject,
    ctx: WriteContext,
  ): KubeObject {
    const structure = fieldStructure(this.models, t, t.versions[0]);
    if (!structure || ctx.seed) return obj;
    const { unknown } = checkFields(structure, obj);
    enforceFieldValidation(
      ctx,
      t,
      version,
      unknown.map(u => u.path),
    );
    return unknown.length ? pruneUnknownFields(structure, obj) : obj;
  }

  /**
   * Schema validation (types, enums, required fields), before anything
   * reads the object by its expected shape: defaulting, the semantic checks,
   * the Service allocator and the controllers.
   */
  private checkSchema(t: ResourceType, obj: KubeObject) {
    const causes = [
      ...validateName(t.kind, obj.metadata.name),
      ...schemaCauses(this.models, t, t.versions[0], obj),
    ];
    if (causes.length) {
      throw invalid(target(t), obj.metadata.name, causes);
    }
  }

  /** The API server's semantic validation, after defaulting. */
  private validate(
    t: ResourceType,
    obj: KubeObject,
    old: KubeObject | undefined,
  ) {
    const causes: StatusCause[] = [
      ...validateName(t.kind, obj.metadata.name),
      ...semanticCauses(obj, old),
    ];
    if (causes.length) {
      throw invalid(target(t), obj.metadata.name, causes);
    }
  }

  private resetStatusForCreate(t: ResourceType, obj: KubeObject) {
    switch (t.kind) {
      case 'Pod':
        obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec) };
        break;
      case 'Service':
        obj.status = { loadBalancer: {} };
        break;
      case 'Namespace':
        obj.status = { phase: 'Active' };
        break;
      default:
        if (t.statusSubresource) delete obj.status;
    }
  }

  /** Creates an object (POST). */
  create(
    t: ResourceType,
    namespace: string | undefined,
    body: unknown,
    ctx: WriteContext,
    managedFields?: KubeObject['metadata']['managedFields'],
  ): KubeObject {
    const version = ctx.version ?? t.versions[0];
    const obj = this.decode(
      t,
      version,
      this.checkBody(t, version, body, namespace),
      ctx,
    );
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) {
      meta.name = `${meta.generateName}${randomSuffix()}`;
    }
    if (meta.resourceVersion) {
      throw badRequest(
        'resourceVersion should not be set on objects to be created',
      );
    }
    for (const c of validateName(t.kind, meta.name)) {
      throw invalid(target(t), String(meta.name ?? ''), [c]);
    }
    this.admitNamespace(t, meta.namespace, meta.name);
    if (this.store.get(t, meta.namespace ?? '', meta.name)) {
      throw alreadyExists(target(t), meta.name);
    }
    meta.uid = ctx.seed && meta.uid ? meta.uid : randomUUID();
    meta.creationTimestamp =
      ctx.seed && meta.creationTimestamp ? meta.creationTimestamp : now();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.managedFields;
    if (t.generation) meta.generation = 1;
    else delete meta.generation;
    this.checkSchema(t, obj);
    if (!ctx.seed || obj.status === undefined)
      this.resetStatusForCreate(t, obj);
    applyDefaults(obj, t.group);
    this.validate(t, obj, undefined);
    if (t.kind === 'Service') {
      const causes = this.allocator.allocate(obj, undefined, !ctx.dryRun);
      if (causes.length) throw invalid(target(t), meta.name, causes);
    }
    // Seeded objects come without managed fields, as if restored from a backup.
    const fields = ctx.seed
      ? undefined
      : managedFields ??
        recordUpdate({
          shape: t,
          old: undefined,
          next: obj,
          manager: this.manager(ctx),
          apiVersion: apiVersionOf(t, version),
          scope: this.scope(t),
          now: now(),
        });
    if (fields?.length) meta.managedFields = fields;
    if (ctx.dryRun) return obj;
    return this.store.put(t, obj);
  }

  private scope(t: ResourceType, subresource?: string): FieldScope {
    if (subresource === 'status') return 'status';
    return t.statusSubresource ? 'main' : 'all';
  }

  /**
   * Replaces an object (PUT), or its status (`subresource` 'status').
   * `managedFields` is given when server-side apply computed them.
   */
  update(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    ctx: WriteContext,
    subresource?: 'status' | 'scale',
    managedFields?: KubeObject['metadata']['managedFields'],
  ): KubeObject {
    const version = ctx.version ?? t.versions[0];
    const incoming = this.decode(
      t,
      version,
      this.checkBody(t, version, body, namespace),
      ctx,
    );
    if (
      incoming.metadata.name !== undefined &&
      incoming.metadata.name !== name
    ) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    incoming.metadata.name = name;
    const old = this.get(t, namespace ?? '', name);
    const requiredRv = incoming.metadata.resourceVersion;
    if (requiredRv && requiredRv !== old.metadata.resourceVersion) {
      throw conflict(target(t), name);
    }

    let next: KubeObject;
    let base = old;
    if (subresource === 'status') {
      next = { ...clone(old), status: incoming.status };
    } else {
      next = incoming;
      const meta = next.metadata;
      meta.uid = old.metadata.uid;
      meta.creationTimestamp = old.metadata.creationTimestamp;
      if (old.metadata.deletionTimestamp) {
        meta.deletionTimestamp = old.metadata.deletionTimestamp;
        if (old.metadata.deletionGracePeriodSeconds !== undefined) {
          meta.deletionGracePeriodSeconds =
            old.metadata.deletionGracePeriodSeconds;
        }
      } else {
        delete meta.deletionTimestamp;
        delete meta.deletionGracePeriodSeconds;
      }
      if (meta.managedFields === undefined && old.metadata.managedFields) {
        meta.managedFields = old.metadata.managedFields;
      }
      // A client may rewrite managedFields (kubectl does, to move ownership
      // from client-side to server-side apply): the update is recorded on
      // top of what it wrote.
      if (
        JSON.stringify(meta.managedFields ?? []) !==
        JSON.stringify(old.metadata.managedFields ?? [])
      ) {
        base = {
          ...old,
          metadata: {
            ...old.metadata,
            managedFields: meta.managedFields ?? [],
          },
        };
      }
      if (t.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
    }
    this.checkSchema(t, next);
    if (subresource !== 'status') {
      applyDefaults(next, t.group);
    }
    if (t.generation) {
      const gen = old.metadata.generation ?? 1;
      next.metadata.generation = specOf(next) === specOf(old) ? gen : gen + 1;
    } else {
      delete next.metadata.generation;
    }
    this.validate(t, next, old);
    if (t.kind === 'Service' && subresource !== 'status') {
      const causes = this.allocator.allocate(next, old, !ctx.dryRun);
      if (causes.length) throw invalid(target(t), name, causes);
    }
    const fields =
      managedFields ??
      recordUpdate({
        shape: t,
        old: base,
        next,
        manager: this.manager(ctx),
        apiVersion: apiVersionOf(t, version),
        scope: this.scope(t, subresource),
        subresource,
        now: now(),
      });
    if (fields?.length) next.metadata.managedFields = fields;
    else delete next.metadata.managedFields;

    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (base === old && comparable(next) === comparable(old)) {
      return old;
    }
    if (ctx.dryRun) return next;
    // The last finalizer gone from an object being deleted: it goes.
    if (
      next.metadata.deletionTimestamp &&
      !(next.metadata.finalizers ?? []).length &&
      !(t.kind === 'Pod' && next.spec?.nodeName)
    ) {
      return this.store.remove(t, namespace ?? '', name) ?? next;
    }
    return this.store.put(t, next);
  }

  /** PATCH in any of the four formats. */
  patch(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    rawBody: string,
    ctx: WriteContext & { force?: boolean },
    subresource?: 'status' | 'scale',
  ): KubeObject {
    const type = contentType.split(';')[0].trim().toLowerCase();
    if (type === PATCH_TYPES.apply) {
      return this.apply(t, namespace, name, rawBody, ctx, subresource);
    }
    let patch: unknown;
    try {
      patch = JSON.parse(rawBody);
    } catch (error) {
      throw badRequest(`error decoding patch: ${(error as Error).message}`);
    }
    // A merge patch has the object's shape: its duplicate keys are the
    // object's duplicate fields.
    const duplicateFields =
      type === PATCH_TYPES.json ? [] : jsonDuplicateFields(rawBody);
    const current = this.get(t, namespace ?? '', name);
    const base = subresource === 'scale' ? scaleOf(current) : current;
    let patched: unknown;
    switch (type) {
      case PATCH_TYPES.json:
        patched = jsonPatch(base, patch);
        break;
      case PATCH_TYPES.merge:
        patched = jsonMergePatch(base, patch);
        break;
      case PATCH_TYPES.strategic:
        if (!t.builtin) {
          throw unsupportedMediaType(
            `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.json}, ${PATCH_TYPES.merge}, ${PATCH_TYPES.apply}`,
          );
        }
        patched = strategicMergePatch(t.kind, base, patch);
        break;
      default:
        throw unsupportedMediaType(
          `the body of the request was in an unknown format - accepted media types include: ${Object.values(
            PATCH_TYPES,
          )
            .filter(p => t.builtin || p !== PATCH_TYPES.strategic)
            .join(', ')}`,
        );
    }
    if (!isPlainObject(patched)) {
      throw badRequest('the patched object is not a JSON object');
    }
    if (subresource === 'scale') {
      return this.updateScale(t, namespace, name, patched, ctx);
    }
    // A patch that leaves resourceVersion alone is unconditional.
    return this.update(
      t,
      namespace,
      name,
      { ...patched, apiVersion: apiVersionOf(t, ctx.version ?? t.versions[0]) },
      { ...ctx, duplicateFields },
      subresource,
    );
  }

  private apply(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    rawBody: string,
    ctx: WriteContext & { force?: boolean },
    subresource?: 'status' | 'scale',
  ): KubeObject {
    if (!ctx.fieldManager) {
      throw badRequest(
        'PATCH is not supported for apply requests without fieldManager: fieldManager is required for apply requests',
      );
    }
    if (subresource === 'scale') {
      throw unsupportedMediaType(
        'apply is not supported on the scale subresource of this server',
      );
    }
    const { value: config, duplicates } = parseApplyYaml(rawBody);
    const version = ctx.version ?? t.versions[0];
    if (!isPlainObject(config)) {
      throw badRequest('the applied configuration must be an object');
    }
    if (!config.apiVersion || !config.kind) {
      throw badRequest(
        'apiVersion and kind are required in an applied configuration',
      );
    }
    const body = this.checkBody(t, version, config, namespace);
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    body.metadata.name = name;
    this.checkAppliedFields(t, version, namespace, name, body);
    enforceApplyDuplicates(ctx, duplicates);
    const live = this.store.get(t, t.namespaced ? namespace ?? '' : '', name);
    const requiredRv = body.metadata.resourceVersion;
    if (requiredRv && live && requiredRv !== live.metadata.resourceVersion) {
      throw conflict(target(t), name);
    }
    delete body.metadata.resourceVersion;
    const apiVersion = apiVersionOf(t, version);
    const result = serverSideApply({
      shape: t,
      live,
      config: body,
      manager: ctx.fieldManager,
      apiVersion,
      force: Boolean(ctx.force),
      scope: this.scope(t, subresource),
      subresource,
      now: now(),
    });
    if (result.conflicts.length) {
      const { message, causes } = conflictCauses(result.conflicts);
      throw new ApiError(409, 'Conflict', message, {
        name,
        ...(t.group && { group: t.group }),
        kind: t.plural,
        causes,
      });
    }
    const merged = result.object as KubeObject;
    // What the applied configuration brings was checked above.
    const write = { ...ctx, duplicateFields: undefined };
    if (!live) {
      if (subresource) throw notFound(target(t), name);
      const fields = merged.metadata.managedFields;
      return this.create(t, namespace, merged, write, fields);
    }
    const fields = merged.metadata.managedFields;
    merged.metadata.resourceVersion = live.metadata.resourceVersion;
    return this.update(t, namespace, name, merged, write, subresource, fields);
  }

  /**
   * Server-side apply converts the applied configuration to its typed
   * form first, which fails for fields the schema does not declare and
   * for values of the wrong shape, whatever `fieldValidation` says.
   */
  private checkAppliedFields(
    t: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    config: KubeObject,
  ) {
    const structure = fieldStructure(this.models, t, t.versions[0]);
    if (!structure) return;
    const { unknown, misshapen } = checkFields(structure, config);
    if (unknown.length === 0 && misshapen.length === 0) return;
    throw typedPatchError(t, apiVersionOf(t, version), namespace, name, [
      ...unknown.map(u => `.${u.path}: field not declared in schema`),
      ...misshapen.map(
        m =>
          `.${m.path}: expected ${
            m.expected === 'object' ? 'map' : m.expected
          }, got ${m.got === 'object' ? 'map' : m.got}`,
      ),
    ]);
  }

  /** PUT on the scale subresource. */
  updateScale(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    scale: unknown,
    ctx: WriteContext,
  ): KubeObject {
    if (!isPlainObject(scale))
      throw badRequest('the request body must be a Scale');
    const current = this.get(t, namespace ?? '', name);
    const replicas = scale.spec?.replicas;
    if (
      typeof replicas !== 'number' ||
      !Number.isInteger(replicas) ||
      replicas < 0
    ) {
      throw invalid(
        { group: 'autoscaling', plural: 'scales', kind: 'Scale' },
        name,
        [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(
              replicas,
            )}: must be greater than or equal to 0`,
            field: 'spec.replicas',
          },
        ],
      );
    }
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) {
      throw conflict(target(t), name);
    }
    const next = clone(current);
    next.spec.replicas = replicas;
    delete next.metadata.resourceVersion;
    const updated = this.update(
      t,
      namespace,
      name,
      next,
      { ...ctx, duplicateFields: undefined },
      'scale',
    );
    return scaleOf(updated);
  }

  /** DELETE. Returns the object as last stored (or being deleted). */
  delete(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    ctx: WriteContext,
    opts: DeleteOptions = {},
  ): KubeObject {
    const ns = t.namespaced ? namespace ?? '' : '';
    const old = this.get(t, ns, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        target(t),
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (
      pre.resourceVersion &&
      pre.resourceVersion !== old.metadata.resourceVersion
    ) {
      throw conflict(
        target(t),
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    if (t.kind === 'Namespace' && SYSTEM_NAMESPACES.has(name)) {
      throw forbidden(target(t), name, 'this namespace may not be deleted');
    }
    if (ctx.dryRun) return old;
    if (old.metadata.deletionTimestamp && t.kind !== 'Pod') {
      return old;
    }

    if (opts.propagationPolicy === 'Orphan') {
      this.orphanDependents(old);
    }

    const graceful =
      t.kind === 'Pod' &&
      Boolean(old.spec?.nodeName) &&
      (opts.gracePeriodSeconds ??
        old.spec?.terminationGracePeriodSeconds ??
        30) > 0;
    const finalizers = old.metadata.finalizers ?? [];
    if (t.kind === 'Namespace' || graceful || finalizers.length) {
      if (old.metadata.deletionTimestamp) {
        // A second delete of a terminating pod may only shorten the grace period.
        if (opts.gracePeriodSeconds === 0 && t.kind === 'Pod') {
          return this.remove(t, ns, name, old);
        }
        return old;
      }
      const next = clone(old);
      const grace =
        t.kind === 'Pod'
          ? opts.gracePeriodSeconds ??
            old.spec?.terminationGracePeriodSeconds ??
            30
          : 0;
      next.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      next.metadata.deletionGracePeriodSeconds = grace;
      if (t.kind === 'Namespace') {
        next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      }
      return this.store.put(t, next);
    }
    return this.remove(t, ns, name, old);
  }

  /** Removes an object for good (the end of any deletion). */
  remove(
    t: ResourceType,
    namespace: string,
    name: string,
    old?: KubeObject,
  ): KubeObject {
    const current = old ?? this.store.get(t, namespace, name);
    if (t.kind === 'Service' && current) this.allocator.release(current);
    return this.store.remove(t, namespace, name) ?? current!;
  }

  private orphanDependents(owner: KubeObject) {
    const uid = owner.metadata.uid;
    for (const t of RESOURCE_TYPES) {
      if (!t.namespaced) continue;
      for (const o of this.store.list(
        t,
        owner.metadata.namespace ?? undefined,
      )) {
        const refs = o.metadata.ownerReferences;
        if (refs?.some(r => r.uid === uid)) {
          const next = clone(o);
          next.metadata.ownerReferences = refs.filter(r => r.uid !== uid);
          if (!next.metadata.ownerReferences.length)
            delete next.metadata.ownerReferences;
          this.store.put(t, next);
        }
      }
    }
  }

  /** DELETE on a collection. */
  deleteCollection(
    t: ResourceType,
    namespace: string | undefined,
    opts: ListOptions,
    ctx: WriteContext,
    deleteOptions: DeleteOptions = {},
  ): KubeObject[] {
    const { items } = this.list(t, namespace, {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    });
    const out: KubeObject[] = [];
    for (const o of items) {
      try {
        out.push(
          this.delete(
            t,
            o.metadata.namespace,
            o.metadata.name,
            ctx,
            deleteOptions,
          ),
        );
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
    return out;
  }

  /** Selects objects of a type with a structured selector (controllers). */
  select(t: ResourceType, namespace: string, selector: unknown): KubeObject[] {
    const s = fromLabelSelectorSpec(selector as any);
    return this.store
      .list(t, namespace)
      .filter(o => s.matches(o.metadata.labels));
  }
}
