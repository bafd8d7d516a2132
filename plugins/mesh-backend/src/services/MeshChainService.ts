import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ClusterChain,
  ClusterError,
  ClusterStatus,
  getMeshEntityTarget,
  MeshChainResponse,
  MeshEntityTarget,
  RouteSimulationRequest,
  RouteSimulationResponse,
  RouteSimulationResult,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster, MeshUserAuth } from '@mesh-chain/plugin-mesh-node';
import { createHash } from 'crypto';
import type { MeshSettings } from '../config';
import { ClusterDataService, DirectRead } from './cluster/ClusterDataService';
import { ChainMemo, MemoEntry } from './ChainMemo';
import { broadReads, missingReads } from './directReadPlan';
import {
  ChainEngine,
  ClusterSnapshot,
  RecordingSnapshot,
  ResolvedClusterChain,
} from '@mesh-chain/plugin-mesh-common';

/**
 * Most rounds of direct reads after the first, broad one: each follows
 * references the previous round's objects made (a pod's ReplicaSet, a
 * Service's pods), so a chain needs two or three.
 */
const MAX_DIRECT_ROUNDS = 4;

/** The chain logic failed on this cluster's data. */
class ResolveError extends Error {}

/** The keys `assemble` sets on top of the resolved chain. */
const ASSEMBLED_KEYS = [
  'cluster',
  'source',
  'observedAt',
  'istio',
  'gatewayApi',
  'warnings',
  'status',
  'error',
  'telemetry',
] as const;

/** JSON members of an object without some keys, e.g. `"a":1,"b":2`. */
function jsonMembers(obj: object, without: readonly string[]): string {
  const copy: Record<string, unknown> = { ...obj };
  for (const key of without) {
    delete copy[key];
  }
  return JSON.stringify(copy).slice(1, -1);
}

/** Serialized chains of cache clusters, reused while their memo holds. */
const fragments = new WeakMap<ClusterChain, string>();

/** Options of a chain lookup. */
export interface ChainRequestOptions {
  /** The user's credentials for `authMode: user` clusters. */
  userAuth?: MeshUserAuth;
  /** Only this cluster. */
  cluster?: string;
}

/** The per-cluster hashes behind a response's revision. */
export interface ChainRevisions {
  revision: string;
  clusters: Record<string, string>;
}

/** The status of a cluster read for this request. */
const CURRENT: ClusterStatus = { state: 'current' };

const EMPTY_RESOLVED: ResolvedClusterChain = {
  istio: false,
  gatewayApi: false,
  gateways: [],
  virtualServices: [],
  httpRoutes: [],
  destinationRules: [],
  services: [],
  deployments: [],
  hpas: [],
  pods: [],
  routes: [],
  links: [],
  diagnostics: [],
};

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The overall revision from per-cluster hashes. */
export function combineRevisions(clusters: Record<string, string>): string {
  return sha(
    Object.keys(clusters)
      .sort()
      .map(name => `${name}=${clusters[name]}`)
      .join('\n'),
  );
}

function targetKey(target: MeshEntityTarget): string {
  return `${target.namespace ?? '*'}|${target.labelSelector}`;
}

/**
 * Answers chain lookups: for each of the entity's clusters, the chain from
 * the watch cache (memoized per target and cache revision) or from a direct
 * read with the user's credential, each bounded by the request timeout; one
 * failing cluster yields its own error beside the others' data. A cache
 * still loading answers at once as `syncing`, one that lost its cluster as
 * `stale`: neither waits, so neither delays the other clusters.
 */
export class MeshChainService {
  private readonly memo: ChainMemo;

  constructor(
    private readonly data: ClusterDataService,
    private readonly engine: ChainEngine,
    private readonly settings: MeshSettings,
    private readonly logger: LoggerService,
  ) {
    this.memo = new ChainMemo(settings.maxChains);
    data.onChange((cluster, change) => this.memo.invalidate(cluster, change));
  }

  /** The chain of an entity in every cluster that applies. */
  async getChain(
    entity: Entity,
    options: ChainRequestOptions = {},
  ): Promise<{ response: MeshChainResponse; revisions: ChainRevisions }> {
    const entityRef = stringifyEntityRef(entity);
    const target = getMeshEntityTarget(entity);
    if (!target) {
      return {
        response: {
          entityRef,
          status: 'not-configured',
          hint: notConfiguredHint(entity),
          clusters: [],
          revision: 'not-configured',
          generatedAt: new Date().toISOString(),
        },
        revisions: { revision: 'not-configured', clusters: {} },
      };
    }
    const { clusters, missing } = await this.clustersFor(
      target,
      options.cluster,
    );
    const results = await Promise.all(
      clusters.map(cluster =>
        this.clusterChain(cluster, target, options.userAuth),
      ),
    );
    const chains = results.map(r => r.chain);
    for (const name of missing) {
      const error: ClusterError = {
        reason: 'unknown',
        message: `The entity's backstage.io/kubernetes-cluster annotation names '${name}', which is not configured under kubernetes.clusterLocatorMethods; fix the annotation or add the cluster`,
      };
      chains.push(errorChain({ name }, error, 'direct'));
      results.push({
        chain: chains[chains.length - 1],
        hash: sha(error.message),
      });
    }
    const clusterHashes: Record<string, string> = {};
    results.forEach(r => {
      clusterHashes[r.chain.cluster.name] = r.hash;
    });
    const revision = combineRevisions(clusterHashes);
    return {
      response: {
        entityRef,
        status: 'configured',
        selector: target.labelSelector,
        ...(target.namespace && { namespace: target.namespace }),
        clusters: chains,
        revision,
        generatedAt: new Date().toISOString(),
      },
      revisions: { revision, clusters: clusterHashes },
    };
  }

  /**
   * The response as JSON, equal to `JSON.stringify(response)`, reusing the
   * serialized chains of cache clusters: a warm page view serializes only
   * what changes per request (timestamps, warnings).
   */
  serialize(response: MeshChainResponse): string {
    const clusters = response.clusters.map(chain => {
      const fragment = fragments.get(chain);
      if (fragment === undefined) {
        return JSON.stringify(chain);
      }
      const head = JSON.stringify(
        Object.fromEntries(
          ASSEMBLED_KEYS.filter(k => chain[k] !== undefined).map(k => [
            k,
            chain[k],
          ]),
        ),
      );
      return fragment ? `${head.slice(0, -1)},${fragment}}` : head;
    });
    const rest = jsonMembers(response, ['clusters']);
    return `{${rest}${rest ? ',' : ''}"clusters":[${clusters.join(',')}]}`;
  }

  /** Simulates a request against the entity's chain in each cluster. */
  async simulate(
    entity: Entity,
    request: RouteSimulationRequest,
    options: ChainRequestOptions = {},
  ): Promise<RouteSimulationResponse> {
    validateSimulationRequest(request);
    const { response } = await this.getChain(entity, {
      ...options,
      cluster: request.cluster ?? options.cluster,
    });
    if (response.status === 'not-configured') {
      throw new InputError(
        `${response.entityRef} has no Kubernetes annotations, so there is no chain to simulate: ${response.hint}`,
      );
    }
    return {
      entityRef: response.entityRef,
      request,
      results: response.clusters.map(chain => ({
        ...this.simulateInCluster(chain, request),
        ...(chain.status && { status: chain.status }),
        warnings: chain.warnings,
      })),
    };
  }

  /**
   * Traces a request through one cluster's chain; a cluster still loading
   * is not traced (there is nothing to trace through yet).
   */
  private simulateInCluster(
    chain: ClusterChain,
    request: RouteSimulationRequest,
  ): RouteSimulationResult {
    if (chain.status?.state === 'syncing') {
      return {
        cluster: chain.cluster.name,
        reachable: false,
        destinations: [],
        steps: [],
        reasons: [
          `Not traced: ${chain.status.message ?? 'the cluster is loading'}`,
        ],
      };
    }
    try {
      return this.engine.simulate(chain, request, {
        clusterDomain: this.settings.clusterDomain,
      });
    } catch (error) {
      this.logger.error(
        `mesh: simulating ${request.method ?? 'GET'} ${
          request.url
        } in cluster '${chain.cluster.name}' failed: ${error}`,
      );
      return {
        cluster: chain.cluster.name,
        reachable: false,
        destinations: [],
        steps: [],
        reasons: [`The simulation failed: ${(error as Error).message}`],
      };
    }
  }

  /**
   * The content hash of an entity's chain in a cached cluster, resolving
   * again only when the cache changed. Used by live updates.
   */
  cachedClusterHash(
    cluster: MeshCluster,
    target: MeshEntityTarget,
  ): string | undefined {
    if (cluster.authMode !== 'server') {
      return undefined;
    }
    return this.fromCache(cluster, { name: cluster.name }, target).hash;
  }

  /** The clusters an entity's chain is looked up in. */
  async clustersFor(
    target: MeshEntityTarget,
    only?: string,
  ): Promise<{ clusters: MeshCluster[]; missing: string[] }> {
    const all = await this.data.listClusters();
    if (only !== undefined && !all.some(c => c.name === only)) {
      throw new InputError(
        `Unknown cluster '${only}'; configured clusters: ${
          all.map(c => c.name).join(', ') || '(none)'
        }`,
      );
    }
    let clusters = all;
    const missing: string[] = [];
    if (target.cluster) {
      clusters = all.filter(c => c.name === target.cluster);
      if (clusters.length === 0) {
        missing.push(target.cluster);
      }
    }
    if (only !== undefined) {
      clusters = clusters.filter(c => c.name === only);
    }
    return { clusters, missing: only === undefined ? missing : [] };
  }

  // -------------------------------------------------------------------------

  private errorHash(error: ClusterError): string {
    return sha(`error|${error.reason}|${error.statusCode ?? ''}`);
  }

  /** What a page shows of a cluster: its chain, and how current it is. */
  private clusterHash(
    resolvedHash: string,
    snapshot: ClusterSnapshot,
    status: ClusterStatus,
  ) {
    return sha(
      [
        resolvedHash,
        snapshot.istio,
        snapshot.gatewayApi,
        `${status.state}|${status.reason ?? ''}|${status.since ?? ''}`,
        ...snapshot.warnings.map(w => `${w.reason}|${w.resource}|${w.message}`),
      ].join('\n'),
    );
  }

  private resolveMemo(
    clusterName: string,
    snapshot: ClusterSnapshot,
    target: MeshEntityTarget,
  ): MemoEntry {
    const key = `${clusterName}\u0000${targetKey(target)}`;
    const hit = this.memo.get(key, snapshot.revision);
    if (hit) {
      return hit;
    }
    const revision = snapshot.revision;
    // What the engine reads is what the chain depends on.
    const recording = new RecordingSnapshot(snapshot);
    const resolved = this.resolveSafely(clusterName, recording, target);
    const json = jsonMembers(resolved, ASSEMBLED_KEYS);
    const entry: MemoEntry = {
      key,
      cluster: clusterName,
      revision,
      resolvedAt: Date.now(),
      resolved,
      hash: sha(json),
      json,
      dirty: false,
      reads: recording.record,
    };
    this.memo.set(entry);
    return entry;
  }

  private resolveSafely(
    clusterName: string,
    snapshot: ClusterSnapshot,
    target: MeshEntityTarget,
    options: { diagnose?: boolean } = {},
  ): ResolvedClusterChain {
    try {
      return this.engine.resolve(snapshot, target, {
        clusterDomain: this.settings.clusterDomain,
        ...options,
      });
    } catch (error) {
      this.logger.error(
        `mesh: resolving ${
          target.labelSelector
        } in cluster '${clusterName}' failed: ${
          (error as Error)?.stack ?? error
        }`,
      );
      throw new ResolveError(
        `Could not resolve the chain in cluster '${clusterName}': ${
          (error as Error).message
        }`,
      );
    }
  }

  /**
   * One cluster's part of an answer: from its watch cache at once, or read
   * with the user's credential within `mesh.requestTimeout`. Never throws:
   * a failure is the cluster's error.
   */
  private async clusterChain(
    cluster: MeshCluster,
    target: MeshEntityTarget,
    userAuth: MeshUserAuth | undefined,
  ): Promise<{ chain: ClusterChain; hash: string }> {
    const summary = {
      name: cluster.name,
      ...(cluster.title && { title: cluster.title }),
      ...(cluster.dashboardUrl && { dashboardUrl: cluster.dashboardUrl }),
    };
    const source = cluster.authMode === 'server' ? 'cache' : 'direct';
    const failed = (error: unknown) => {
      const clusterError: ClusterError = {
        reason: 'unknown',
        message:
          error instanceof ResolveError
            ? error.message
            : `Could not read the cluster '${cluster.name}': ${
                (error as Error).message
              }`,
      };
      return {
        chain: errorChain(summary, clusterError, source),
        hash: this.errorHash(clusterError),
      };
    };
    if (cluster.authMode === 'server') {
      try {
        return this.fromCache(cluster, summary, target);
      } catch (error) {
        return failed(error);
      }
    }
    const timeoutMs = this.settings.requestTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<{ chain: ClusterChain; hash: string }>(
      resolve => {
        timer = setTimeout(() => {
          const error: ClusterError = {
            reason: 'timeout',
            message: `The cluster '${cluster.name}' did not answer within ${timeoutMs} ms (mesh.requestTimeout)`,
          };
          resolve({
            chain: errorChain(summary, error, source),
            hash: this.errorHash(error),
          });
        }, timeoutMs);
        timer.unref?.();
      },
    );
    try {
      return await Promise.race([
        this.fromDirectReads(cluster, summary, target, userAuth).catch(failed),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The chain from a cluster's watch cache, at once: a cache still loading
   * answers `syncing` (with no data), never waits for its cluster.
   */
  private fromCache(
    cluster: MeshCluster,
    summary: ClusterChain['cluster'],
    target: MeshEntityTarget,
  ): { chain: ClusterChain; hash: string } {
    const cache = this.data.cacheFor(cluster);
    const status = cache.dataStatus();
    const error = cache.clusterError();
    if (error) {
      return {
        chain: errorChain(summary, error, 'cache'),
        hash: this.errorHash(error),
      };
    }
    if (status.state === 'syncing') {
      return {
        chain: syncingChain(summary, status),
        hash: sha('syncing'),
      };
    }
    const snapshot = cache.snapshot();
    const memo = this.resolveMemo(cluster.name, snapshot, target);
    const chain = assemble(summary, memo.resolved, snapshot, status);
    fragments.set(chain, memo.json);
    return { chain, hash: this.clusterHash(memo.hash, snapshot, status) };
  }

  /**
   * Direct reads with the user's credential, in rounds: everything but pods
   * and ReplicaSets (cluster-wide or in `mesh.namespaces`); then, as long as
   * the engine read something those reads did not cover (the pods a
   * Service or Deployment selects, a ReplicaSet that owns a pod...), that,
   * at most `MAX_DIRECT_ROUNDS` more times in all.
   */
  private async fromDirectReads(
    cluster: MeshCluster,
    summary: ClusterChain['cluster'],
    target: MeshEntityTarget,
    userAuth: MeshUserAuth | undefined,
  ): Promise<{ chain: ClusterChain; hash: string }> {
    const scopes = this.settings.cache.namespaces;
    const done: DirectRead[] = broadReads(scopes);
    let result = await this.data.readDirect(cluster, userAuth, done);
    if (result.error) {
      return {
        chain: errorChain(summary, result.error, 'direct'),
        hash: this.errorHash(result.error),
      };
    }
    // Follow the references first, then diagnose: a draft's diagnostics
    // would ask for what only the objects still missing explain.
    let rounds = 0;
    let resolved!: ResolvedClusterChain;
    for (const diagnose of [false, true]) {
      for (;;) {
        const recording = new RecordingSnapshot(result.snapshot);
        resolved = this.resolveSafely(cluster.name, recording, target, {
          diagnose,
        });
        const next =
          rounds < MAX_DIRECT_ROUNDS
            ? missingReads(recording.record, result.snapshot, done, scopes)
            : [];
        if (next.length === 0) {
          break;
        }
        rounds++;
        done.push(...next);
        result = await this.data.readDirect(cluster, userAuth, next, result);
      }
    }
    return {
      chain: assemble(summary, resolved, result.snapshot, CURRENT),
      hash: this.clusterHash(
        sha(JSON.stringify(resolved)),
        result.snapshot,
        CURRENT,
      ),
    };
  }
}

function assemble(
  summary: ClusterChain['cluster'],
  resolved: ResolvedClusterChain,
  snapshot: ClusterSnapshot,
  status: ClusterStatus,
): ClusterChain {
  return {
    ...resolved,
    cluster: summary,
    source: snapshot.source,
    observedAt: snapshot.observedAt,
    istio: snapshot.istio,
    gatewayApi: snapshot.gatewayApi,
    warnings: snapshot.warnings,
    status,
  };
}

function errorChain(
  summary: ClusterChain['cluster'],
  error: ClusterError,
  source: 'cache' | 'direct',
): ClusterChain {
  return {
    ...EMPTY_RESOLVED,
    cluster: summary,
    error,
    warnings: [],
    status: { state: 'error', reason: error.reason, message: error.message },
    source,
    observedAt: new Date().toISOString(),
  };
}

/** A cluster whose cache is still loading: no data yet, and it says so. */
function syncingChain(
  summary: ClusterChain['cluster'],
  status: ClusterStatus,
): ClusterChain {
  return {
    ...EMPTY_RESOLVED,
    cluster: summary,
    warnings: [],
    status,
    source: 'cache',
    observedAt: new Date().toISOString(),
  };
}

function notConfiguredHint(entity: Entity): string {
  const name = entity.metadata.name;
  return `Add the annotation '${ANNOTATION_KUBERNETES_ID}: ${name}' to metadata.annotations of ${stringifyEntityRef(
    entity,
  )} and label its Kubernetes workloads '${ANNOTATION_KUBERNETES_ID}=${name}', or add '${ANNOTATION_KUBERNETES_LABEL_SELECTOR}' with a label selector that finds them (e.g. 'app=${name}'), the same annotations the Kubernetes plugin uses.`;
}

const METHOD = /^[A-Za-z]+$/;

function validateSimulationRequest(request: RouteSimulationRequest) {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new InputError(
      `Invalid url '${request.url}'; expected an absolute URL such as https://shop.example.com/api/cart`,
    );
  }
  if (!['http:', 'https:', 'grpc:', 'tcp:', 'tls:'].includes(url.protocol)) {
    throw new InputError(
      `Invalid url '${request.url}': the scheme must be http or https (or tcp/tls for TCP and TLS routes)`,
    );
  }
  if (request.method !== undefined && !METHOD.test(request.method)) {
    throw new InputError(
      `Invalid method '${request.method}'; expected an HTTP method such as GET or POST`,
    );
  }
  if (request.from === 'mesh' && request.sourceNamespace === '') {
    throw new InputError(
      'Invalid sourceNamespace: it is empty; give the namespace of the calling workload, or leave it out',
    );
  }
}
