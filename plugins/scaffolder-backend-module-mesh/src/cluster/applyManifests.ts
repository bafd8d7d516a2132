import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { KubernetesObject } from '@kubernetes/client-node';
import { describeObject, KubeObject } from '../lib/models';
import {
  ChainClusterClient,
  describeApiError,
  statusOf,
} from './MeshObjectApi';

/** What happened to one object. @public */
export type ApplyOutcome =
  | 'created'
  | 'configured'
  | 'unchanged'
  | 'planned'
  | 'failed'
  | 'not applied';

/** What happened to one object. @public */
export type ObjectResult = {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  result: ApplyOutcome;
  /** The server's message, for failures. */
  message?: string;
};

/** Order in which kinds are applied: what others refer to comes first. */
const KIND_ORDER = [
  'Namespace',
  'ServiceAccount',
  'ConfigMap',
  'Service',
  'Deployment',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'DestinationRule',
  'Gateway',
  'VirtualService',
  'HTTPRoute',
];

/**
 * Sorts objects into dependency order: Namespace, then the workload and its
 * Service, its autoscaler, the DestinationRule (so subsets exist before
 * routes use them), the Gateway and last the routes, so that traffic is only
 * sent once everything it needs is in place. Stable within a kind.
 *
 * @public
 */
export function orderForApply<T extends { kind: string }>(objects: T[]): T[] {
  const rank = (o: T) => {
    const i = KIND_ORDER.indexOf(o.kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i)
    .map(({ o }) => o);
}

function resultOf(
  object: KubeObject,
  result: ApplyOutcome,
  message?: string,
): ObjectResult {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace && { namespace: object.metadata.namespace }),
    name: object.metadata.name,
    result,
    ...(message && { message }),
  };
}

/**
 * The parts of a live object at the fields a manifest sets (objects by key,
 * lists by position): what an apply of that manifest can change.
 */
function projectOnto(live: unknown, shape: unknown): unknown {
  if (Array.isArray(shape)) {
    if (!Array.isArray(live)) return live;
    return live.map((item, i) =>
      i < shape.length ? projectOnto(item, shape[i]) : item,
    );
  }
  if (shape && typeof shape === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return live;
    return Object.fromEntries(
      Object.keys(shape).map(key => [
        key,
        projectOnto(
          (live as Record<string, unknown>)[key],
          (shape as Record<string, unknown>)[key],
        ),
      ]),
    );
  }
  return live instanceof Date ? live.toISOString() : live;
}

/**
 * Whether an apply changed nothing the manifest sets. Comparing
 * resourceVersions would not do: controllers (an HPA scaling, a status
 * update) change the object between the read and the apply.
 */
function sameOnFields(
  before: KubernetesObject,
  after: KubernetesObject,
  manifest: KubeObject,
): boolean {
  return (
    JSON.stringify(projectOnto(before, manifest)) ===
    JSON.stringify(projectOnto(after, manifest))
  );
}

/** Thrown when objects could not be applied; carries per-object results. @public */
export class ApplyFailedError extends Error {
  constructor(message: string, readonly results: ObjectResult[]) {
    super(message);
    this.name = 'ApplyFailedError';
  }
}

/**
 * The results of an apply, one `  - <kind> <namespace>/<name>: <result>` line
 * per object.
 *
 * @public
 */
function summarise(results: ObjectResult[]): string {
  return results
    .map(
      r =>
        `  - ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${
          r.result
        }${r.message ? ` (${r.message})` : ''}`,
    )
    .join('\n');
}

function failureHint(error: unknown, fieldManager: string): string {
  const status = statusOf(error);
  if (status === 409) {
    return ` Another field manager owns these fields; fix the value here to match, or set forceConflicts to take them over from it (this action applies as '${fieldManager}').`;
  }
  if (status === 403) {
    return ' The credential configured for this cluster may not write this kind; grant its identity get/create/patch on it (and delete on namespaces when the chain creates one).';
  }
  if (status === 401) {
    return ' The cluster rejected the configured credential; check serviceAccountToken (or the auth provider) under kubernetes.clusterLocatorMethods.';
  }
  return '';
}

/**
 * Applies a validated, ordered set of manifests to a cluster:
 *
 * 1. every kind must be served by the cluster (e.g. Istio's CRDs installed);
 * 2. a namespace the manifests create is created first if missing (dry runs
 *    of namespaced objects need it), and deleted again if anything fails;
 * 3. a server-side dry run of every object (strict field validation);
 *    nothing is applied if any is rejected, and every rejection is reported;
 * 4. server-side apply, one object at a time, in order.
 *
 * The chain itself (references to shared objects, hosts a shared Gateway
 * accepts) is checked before, by the chain engine (`checkChainInCluster`).
 *
 * Re-running with the same manifests changes nothing and reports `unchanged`.
 *
 * @public
 */
export async function applyManifests(options: {
  client: ChainClusterClient;
  cluster: string;
  objects: KubeObject[];
  fieldManager: string;
  force: boolean;
  logger: LoggerService;
}): Promise<ObjectResult[]> {
  const { client, cluster, objects, fieldManager, force, logger } = options;
  const where = `cluster '${cluster}'`;

  // 1. Discovery
  const notServed: string[] = [];
  for (const key of new Set(objects.map(o => `${o.apiVersion} ${o.kind}`))) {
    const [apiVersion, kind] = key.split(' ');
    if (!(await client.served(apiVersion, kind))) {
      notServed.push(key);
    }
  }
  if (notServed.length > 0) {
    const istio = notServed.some(k => k.startsWith('networking.istio.io/'));
    throw new InputError(
      `The ${where} does not serve ${notServed.join(', ')}.${
        istio
          ? ' Install Istio 1.22 or later (networking.istio.io/v1), or render for an older apiVersion.'
          : ''
      } Nothing was applied.`,
    );
  }

  // What exists now, to report created/configured/unchanged afterwards.
  const before = new Map<KubeObject, KubernetesObject | undefined>();
  for (const object of objects) {
    before.set(object, await client.get(object));
  }

  // 2. A namespace the chain brings, created first when missing.
  const namespacesInManifests = objects.filter(o => o.kind === 'Namespace');
  const namespaceNames = new Set(
    objects.flatMap(o => (o.metadata.namespace ? [o.metadata.namespace] : [])),
  );
  for (const name of namespaceNames) {
    const brought = namespacesInManifests.some(n => n.metadata.name === name);
    if (brought) continue;
    const live = await client.get({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
    if (!live) {
      throw new InputError(
        `Namespace '${name}' does not exist in the ${where}; create it first, or render the chain with createNamespace. Nothing was applied.`,
      );
    }
  }
  const created: KubeObject[] = [];
  const results = new Map<KubeObject, ObjectResult>();
  const rollback = async () => {
    for (const ns of created.reverse()) {
      try {
        await client.deleteNamespace(ns.metadata.name);
        logger.info(
          `Deleted namespace ${ns.metadata.name} again, which this step had created`,
        );
      } catch (error) {
        logger.warn(
          `Could not delete namespace ${
            ns.metadata.name
          }, which this step had created: ${describeApiError(error)}`,
        );
      }
    }
  };

  for (const ns of namespacesInManifests) {
    if (before.get(ns)) continue;
    try {
      await client.apply(ns, { fieldManager, force, dryRun: true });
      await client.apply(ns, { fieldManager, force, dryRun: false });
      created.push(ns);
      results.set(ns, resultOf(ns, 'created'));
      logger.info(
        `Created namespace ${ns.metadata.name} so that the other objects can be checked`,
      );
    } catch (error) {
      await rollback();
      throw new ApplyFailedError(
        `The ${where} rejected ${describeObject(ns)}: ${describeApiError(
          error,
        )}.${failureHint(error, fieldManager)} Nothing was applied.`,
        objects.map(o =>
          resultOf(
            o,
            o === ns ? 'failed' : 'not applied',
            o === ns ? describeApiError(error) : undefined,
          ),
        ),
      );
    }
  }

  // 3. Server-side dry run of everything
  const rejected: Array<{ object: KubeObject; error: unknown }> = [];
  for (const object of objects) {
    if (results.has(object)) continue;
    try {
      await client.apply(object, { fieldManager, force, dryRun: true });
    } catch (error) {
      rejected.push({ object, error });
    }
  }
  if (rejected.length > 0) {
    await rollback();
    const failed = new Map(rejected.map(r => [r.object, r.error]));
    const hints = [
      ...new Set(rejected.map(r => failureHint(r.error, fieldManager))),
    ].join('');
    throw new ApplyFailedError(
      `The ${where} would reject ${rejected.length} of ${
        objects.length
      } objects (server-side dry run), so nothing was applied:\n${rejected
        .map(
          r => `  - ${describeObject(r.object)}: ${describeApiError(r.error)}`,
        )
        .join('\n')}${hints ? `\n${hints.trim()}` : ''}`,
      objects.map(o =>
        failed.has(o)
          ? resultOf(o, 'failed', describeApiError(failed.get(o)))
          : resultOf(o, 'not applied'),
      ),
    );
  }

  // 4. Apply, in order
  for (const object of objects) {
    if (results.has(object)) continue;
    try {
      const applied = await client.apply(object, {
        fieldManager,
        force,
        dryRun: false,
      });
      const previous = before.get(object);
      let outcome: ApplyOutcome = 'configured';
      if (!previous) {
        outcome = 'created';
      } else if (sameOnFields(previous, applied, object)) {
        outcome = 'unchanged';
      }
      results.set(object, resultOf(object, outcome));
      logger.info(`${describeObject(object)} ${outcome}`);
    } catch (error) {
      results.set(object, resultOf(object, 'failed', describeApiError(error)));
      const all = objects.map(
        o => results.get(o) ?? resultOf(o, 'not applied'),
      );
      throw new ApplyFailedError(
        `The ${where} rejected ${describeObject(
          object,
        )} although its dry run passed (the cluster changed in between?): ${describeApiError(
          error,
        )}.${failureHint(
          error,
          fieldManager,
        )} The objects before it were applied; re-run the step to finish:\n${summarise(
          all,
        )}`,
        all,
      );
    }
  }
  return objects.map(o => results.get(o)!);
}

/** The readiness of one Deployment. @public */
export interface DeploymentReadiness {
  name: string;
  namespace: string;
  /** Rolled out: every replica updated, available, and no old pod left. */
  available: boolean;
  message: string;
}

/** Where one rollout stands. @public */
export interface RolloutState {
  done: boolean;
  failed: boolean;
  message: string;
}

const count = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;

/**
 * Where a Deployment's rollout stands, read as `kubectl rollout status` reads
 * it: the controller must have seen the current generation, every desired
 * replica must run the new pod template, no pod of an old ReplicaSet may be
 * left (`status.replicas` counts the pods of every ReplicaSet of the
 * Deployment), and every updated replica must be available. Counting
 * available replicas alone is not enough: during a rolling update the old
 * pods are still available.
 *
 * @public
 */
export function rolloutState(d: any): RolloutState {
  const status = d?.status ?? {};
  const desired: number = d?.spec?.replicas ?? 1;
  const generation: number = d?.metadata?.generation ?? 0;
  const progressing = (status.conditions ?? []).find(
    (c: any) => c?.type === 'Progressing',
  );
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      done: false,
      failed: true,
      message: `rollout stalled: ${progressing.message ?? progressing.reason}`,
    };
  }
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      done: false,
      failed: false,
      message: `the controller has not seen generation ${generation} yet (it has seen ${
        status.observedGeneration ?? 'none'
      })`,
    };
  }
  const total: number = status.replicas ?? 0;
  const updated: number = status.updatedReplicas ?? 0;
  const available: number = status.availableReplicas ?? 0;
  const unavailable: number = status.unavailableReplicas ?? 0;
  const summary = `${available}/${desired} available, ${updated}/${desired} updated`;
  const waiting = (why: string): RolloutState => ({
    done: false,
    failed: false,
    message: `${summary}; ${why}`,
  });
  if (updated < desired) {
    return waiting(`${updated} of ${count(desired, 'new replica')} updated`);
  }
  if (total > updated) {
    return waiting(
      `${count(total - updated, 'old replica')} pending termination`,
    );
  }
  if (available < updated || available < desired) {
    return waiting(
      `${available} of ${count(updated, 'updated replica')} available`,
    );
  }
  if (unavailable > 0) {
    return waiting(`${count(unavailable, 'replica')} unavailable`);
  }
  return { done: true, failed: false, message: summary };
}

function abortable(ms: number, signal: AbortSignal | undefined) {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new Error('The task was cancelled while waiting for the Deployments'),
      );
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits, bounded, until every Deployment is rolled out (see
 * {@link rolloutState}), logging each change of progress. Throws with what is
 * still waiting if they are not done in time, or as soon as a rollout is
 * stalled.
 *
 * @public
 */
export async function waitForDeployments(options: {
  client: ChainClusterClient;
  cluster: string;
  deployments: KubeObject[];
  timeoutMs: number;
  pollIntervalMs: number;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<DeploymentReadiness[]> {
  const { client, deployments, timeoutMs, pollIntervalMs, logger, signal } =
    options;
  const deadline = Date.now() + timeoutMs;
  let lastProgress = '';
  for (;;) {
    const states: DeploymentReadiness[] = [];
    let stalled: DeploymentReadiness | undefined;
    for (const d of deployments) {
      const live = await client.get(d);
      const r = rolloutState(live);
      const state = {
        name: d.metadata.name,
        namespace: d.metadata.namespace ?? 'default',
        available: Boolean(live) && r.done,
        message: live ? r.message : 'not found',
      };
      states.push(state);
      if (live && r.failed) stalled = state;
    }
    if (stalled) {
      throw new ConflictError(
        `Deployment ${stalled.namespace}/${stalled.name} in cluster '${options.cluster}' is not rolling out (${stalled.message}). Check its pods' events (image pull, crashes, quota). The objects were applied.`,
      );
    }
    const pending = states.filter(s => !s.available);
    if (pending.length === 0) {
      logger.info(
        `Rolled out: ${states
          .map(s => `${s.namespace}/${s.name} (${s.message})`)
          .join(', ')}`,
      );
      return states;
    }
    if (Date.now() + pollIntervalMs > deadline) {
      throw new ConflictError(
        `Deployments in cluster '${
          options.cluster
        }' were not rolled out within ${Math.round(
          timeoutMs / 1000,
        )}s; still waiting for ${pending
          .map(s => `${s.namespace}/${s.name}: ${s.message}`)
          .join(
            '; ',
          )}. The objects were applied; check the pods, or raise waitTimeoutSeconds.`,
      );
    }
    const progress = `Waiting for the rollout of ${pending
      .map(s => `${s.namespace}/${s.name} (${s.message})`)
      .join(', ')}`;
    if (progress !== lastProgress) {
      logger.info(progress);
      lastProgress = progress;
    }
    await abortable(pollIntervalMs, signal);
  }
}

export { summarise as summariseResults };
