/*
 * startDemoCluster: the programmatic API that the CLI, the tests of this
 * repository and its benchmarks use.
 */
import os from 'os';
import path from 'path';
import YAML from 'yaml';
import { ApiError } from './api/errors';
import { ObjectApi, PATCH_TYPES } from './api/ObjectApi';
import { RESOURCE_TYPES, ResourceType, mustFindByKind } from './api/resources';
import { loadSchemas } from './api/schemas';
import { ServiceAllocator } from './api/ServiceAllocator';
import { ControllerManager } from './controllers';
import {
  LOAD_ANNOTATION,
  LoadSpec,
  formatLoad,
  parseLoad,
} from './controllers/load';
import { MetricsProvider } from './controllers/metrics';
import { DEFAULT_TIMING, DemoTiming } from './controllers/runtime';
import { buildKubeconfig } from './kubeconfig';
import { scenarioObjects } from './scenarios';
import { baseObjects } from './scenarios/base';
import { seedManager } from './scenarios/builders';
import {
  DEFAULT_TOKENS,
  DEMO_SERVICE_ACCOUNT_NAMESPACE,
  RESTRICTED_NAMESPACE,
  SCAFFOLDER_SERVICE_ACCOUNT,
  CHANGES_SERVICE_ACCOUNT,
  TEAM_GROUP,
  TokenIdentity,
  VIEWER_SERVICE_ACCOUNT,
  VIEWERS_GROUP,
  checkTokens,
} from './rbac/identities';
import { bootstrapPolicy } from './rbac/policy';
import { StoreRbac, reconcilePolicy } from './rbac/StoreRbac';
import { KubeApiServer } from './server/KubeApiServer';
import { DemoClusterStats, StatsRecorder } from './server/stats';
import { StatePersister, readState } from './store/persistence';
import { MetricsServer } from './telemetry/MetricsServer';
import { TrafficSimulator } from './telemetry/TrafficSimulator';
import { Store } from './store/Store';
import {
  CertificateAuthority,
  createCertificateAuthority,
  issueServingCertificate,
  loadOrCreateCertificateAuthority,
} from './tls/certificates';
import type { KubeObject } from './types';

/** Options of `startDemoCluster`. @public */
export interface DemoClusterOptions {
  /** Cluster name, used in the kubeconfig (default `demo`). */
  name?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on (default `127.0.0.1`). */
  host?: string;
  /**
   * What to seed: scenario names, presets (`dev`, `prod`, `all`, `base`),
   * `none` (the default: system namespaces only) or `scale:N`, as a list or
   * comma-separated. Ignored when `state` names an existing file.
   */
  scenario?: string | string[];
  /** More objects to seed (after the scenario), e.g. from `generateScaleObjects`. */
  objects?: KubeObject[];
  /** A file to keep the state in across restarts; omit to keep it in memory. */
  state?: string;
  /**
   * TLS: `true` (the default) serves HTTPS with a certificate from a demo
   * CA; a CA of your own may be given; `false` serves plain HTTP (clients
   * then need `skipTLSVerify`, @kubernetes/client-node refuses http otherwise).
   */
  tls?: boolean | CertificateAuthority;
  /**
   * Where the demo CA lives (`ca.crt`, `ca.key`), created on first use and
   * shared by clusters using the same folder. Defaults to the folder of
   * `state`; without either the CA is made in memory.
   */
  caDir?: string;
  /** Latency added to every API request, in milliseconds (default 0). */
  latencyMs?: number;
  /**
   * Speed of simulated time: 1 (the default) is real time (pods Ready in
   * about 3 s, HPA sync every 15 s); 100 runs everything 100 times faster.
   */
  timeScale?: number;
  /** Durations of the simulation in simulated seconds (see DemoTiming). */
  timing?: Partial<DemoTiming>;
  /** Run the controllers (default true). */
  controllers?: boolean;
  /**
   * Bearer tokens and who they authenticate as (default: DEFAULT_TOKENS).
   * What each identity may do is decided by the RBAC objects in the
   * cluster.
   */
  tokens?: Record<string, TokenIdentity>;
  /**
   * Namespaces the scaffolder identity (`demo-scaffolder-token`, service
   * account backstage/mesh-scaffolder) may write the chain's kinds to: each
   * is created if missing, with a RoleBinding to the `mesh-scaffolder`
   * ClusterRole. Default: none (it may write nowhere).
   */
  scaffolderNamespaces?: string[];
  /**
   * Namespaces whose VirtualServices, HPAs and Deployments the changes
   * identity (`demo-changes-token`, service account backstage/mesh-changes)
   * may patch: each gets a RoleBinding to the `mesh-changes` ClusterRole.
   * Default: none.
   */
  changesNamespaces?: string[];
  /** Serve the Istio and Gateway API kinds, as if their CRDs were installed (default true). */
  crds?: { istio?: boolean; gatewayApi?: boolean };
  /** Changes kept for resuming watches (default 10,000); older resume attempts get 410. */
  watchHistorySize?: number;
  /** Interval of watch bookmarks, real milliseconds (default 60,000). */
  bookmarkIntervalMs?: number;
  /** Receives log lines (default: none). */
  logger?: (message: string) => void;
  /**
   * Serve Istio's standard metrics and kube-state-metrics of the simulated
   * traffic on this port (plain HTTP, `GET /metrics`, on `host`); 0 picks a
   * free one. Default: no metrics endpoint.
   */
  metricsPort?: number;
}

/**
 * The tokens of a demo cluster (an empty string when the `tokens` option
 * left one out). What each may do comes from the cluster's RBAC objects.
 *
 * @public
 */
export interface DemoClusterTokens {
  /** User demo-admin in system:masters: cluster-admin (kubectl). */
  admin: string;
  /**
   * ServiceAccount backstage/mesh-viewer: get/list/watch of what the mesh
   * and Kubernetes plugins read, everywhere (the portal's credential).
   */
  viewer: string;
  /**
   * ServiceAccount backstage/mesh-scaffolder: writes the chain's kinds in
   * the `scaffolderNamespaces` only (the template's credential).
   */
  scaffolder: string;
  /**
   * ServiceAccount backstage/mesh-changes: patches VirtualServices, HPAs
   * and Deployments in the `changesNamespaces` only (owners' changes).
   */
  changes: string;
  /** User demo-readonly in group demo:viewers, bound to the viewer's role. */
  readonly: string;
  /**
   * User demo-restricted in group demo:team: edits every app namespace
   * except `restrictedNamespace`, through RoleBindings only (so no
   * cluster-wide lists or watches).
   */
  restricted: string;
  restrictedNamespace: string;
}

/** Options of `apply`. @public */
export interface ApplyOptions {
  /** Field manager (default `demo-cluster`). */
  fieldManager?: string;
  /** Take over conflicting fields (default true). */
  force?: boolean;
  dryRun?: boolean;
}

/** A running demo cluster. @public */
export interface DemoCluster {
  readonly name: string;
  /** `https://127.0.0.1:PORT` (or http:// without TLS). */
  readonly url: string;
  readonly port: number;
  /** A kubeconfig (YAML) whose current context uses the admin token; contexts `<name>-viewer`, `<name>-scaffolder`, `<name>-changes`, `<name>-readonly` and `<name>-restricted` use the others. */
  readonly kubeconfig: string;
  /** A kubeconfig for another token. */
  kubeconfigFor(token: string): string;
  /** The CA certificate, base64 PEM as in `certificate-authority-data` (undefined without TLS). */
  readonly caData?: string;
  /** The CA certificate as PEM (undefined without TLS). */
  readonly caPem?: string;
  /** `http://127.0.0.1:PORT/metrics` with `metricsPort`, else undefined. */
  readonly metricsUrl?: string;
  /** CPU milliseconds spent producing metrics since start (0 without `metricsPort`). */
  metricsCpuMs(): number;
  readonly tokens: DemoClusterTokens;

  /** API request counters since start or the last `resetStats()`. */
  stats(): DemoClusterStats;
  resetStats(): void;
  /** Changes the latency added to every request. */
  setLatency(ms: number): void;

  /**
   * Server-side applies objects (or multi-document YAML), creating
   * namespaces as needed is up to you. Validated like API requests.
   */
  apply(
    objects: KubeObject | KubeObject[] | string,
    options?: ApplyOptions,
  ): Promise<KubeObject[]>;
  /** Reads one object; `undefined` when absent. */
  get(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<KubeObject | undefined>;
  /** Lists objects of a kind. */
  list(
    apiVersion: string,
    kind: string,
    options?: {
      namespace?: string;
      labelSelector?: string;
      fieldSelector?: string;
    },
  ): Promise<KubeObject[]>;
  /** Deletes an object; false when it did not exist. */
  delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<boolean>;
  /** Sets a workload's synthetic load (the `demo.mesh-chain.dev/load` annotation); `null` removes it. */
  setLoad(
    namespace: string,
    deployment: string,
    load: LoadSpec | string | null,
  ): Promise<void>;
  /** Polls `check` until it returns something truthy; rejects after `timeoutMs` (default 20 s). */
  waitFor<T>(
    check: () =>
      | T
      | undefined
      | null
      | false
      | Promise<T | undefined | null | false>,
    options?: { timeoutMs?: number; intervalMs?: number; description?: string },
  ): Promise<T>;
  /** Forgets the watch history, as etcd compaction does: resuming older watches gets 410. */
  compact(): void;
  /**
   * Ends every open watch, as an API server restart or a load balancer
   * would; clients resume from their last resourceVersion (after
   * `compact()`, they get 410 and must list again).
   */
  endWatches(): void;
  /** How many objects the cluster holds. */
  count(): number;
  /** Writes the state file now (no-op without `state`). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

function checkOptions(o: DemoClusterOptions) {
  const fail = (field: string, why: string) => {
    throw new Error(`startDemoCluster: ${field} ${why}`);
  };
  for (const [field, port] of [
    ['port', o.port],
    ['metricsPort', o.metricsPort],
  ] as const) {
    if (
      port !== undefined &&
      (!Number.isInteger(port) || port < 0 || port > 65535)
    ) {
      fail(field, `must be an integer from 0 to 65535, not ${port}`);
    }
  }
  if (o.timeScale !== undefined && !(o.timeScale > 0)) {
    fail('timeScale', `must be a positive number, not ${o.timeScale}`);
  }
  if (o.latencyMs !== undefined && !(o.latencyMs >= 0)) {
    fail('latencyMs', `must be 0 or more, not ${o.latencyMs}`);
  }
  if (o.tokens) checkTokens(o.tokens, 'startDemoCluster: tokens');
  for (const field of ['scaffolderNamespaces', 'changesNamespaces'] as const) {
    for (const n of o[field] ?? []) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n)) {
        fail(
          field,
          `must hold namespace names (lowercase DNS labels), not '${n}'`,
        );
      }
    }
  }
  if (o.name !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.name)) {
    fail('name', `must be a lowercase DNS label like 'dev', not '${o.name}'`);
  }
}

function seedOrder(o: KubeObject): number {
  if (o.kind === 'Namespace') return 0;
  if (o.kind === 'GatewayClass') return 1;
  return 2;
}

/**
 * Starts a demo cluster: a Kubernetes API simulator on a real HTTP(S) port.
 *
 * @public
 */
export async function startDemoCluster(
  options: DemoClusterOptions = {},
): Promise<DemoCluster> {
  checkOptions(options);
  const name = options.name ?? 'demo';
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? (() => {});
  const models = await loadSchemas();
  const store = new Store({ historySize: options.watchHistorySize });
  const allocator = new ServiceAllocator();
  const api = new ObjectApi(store, models, allocator);
  const crds = { istio: true, gatewayApi: true, ...(options.crds ?? {}) };
  api.served = (t: ResourceType) =>
    !t.crd || (t.crd === 'istio' ? crds.istio : crds.gatewayApi) !== false;

  // State: restore the saved one, or seed the scenario.
  const saved = options.state ? readState(options.state) : undefined;
  if (saved) {
    store.restore(saved.items, saved.resourceVersion);
    allocator.rebuild(
      store.list(RESOURCE_TYPES.find(t => t.kind === 'Service')!),
    );
    log(`restored ${saved.items.length} objects from ${options.state}`);
    // Nodes and system namespaces are always there, even in a state file
    // written by an older version of the simulator.
    for (const o of baseObjects()) {
      const type = mustFindByKind(o.apiVersion, o.kind);
      const systemNamespace =
        o.kind === 'Namespace' && o.metadata.name.startsWith('kube-');
      if (
        o.kind !== 'Node' &&
        !systemNamespace &&
        o.metadata.name !== 'default'
      )
        continue;
      if (store.get(type, '', o.metadata.name)) continue;
      api.create(type, undefined, o, {
        caller: { user: 'system:demo-cluster', groups: ['system:masters'] },
        seed: true,
      });
    }
  } else {
    const objects = [
      ...scenarioObjects(options.scenario),
      ...(options.objects ?? []),
    ].sort((a, b) => seedOrder(a) - seedOrder(b));
    for (const o of objects) {
      const type = mustFindByKind(o.apiVersion, o.kind);
      if (!api.served(type)) continue;
      const { manager, object } = seedManager(o);
      try {
        api.create(type, o.metadata.namespace, object, {
          caller: { user: 'system:demo-cluster', groups: ['system:masters'] },
          // An object a named manager writes is written as it would be,
          // with its managed fields; the others as restored from a backup.
          ...(manager
            ? { fieldManager: manager }
            : { fieldManager: 'demo-cluster-seed', seed: true }),
        });
      } catch (error) {
        if (error instanceof ApiError && error.code === 409) continue;
        throw new Error(
          `Cannot seed ${o.kind} ${
            o.metadata.namespace ? `${o.metadata.namespace}/` : ''
          }${o.metadata.name}: ${(error as Error).message}`,
        );
      }
    }
  }
  // RBAC: the default roles and the demo's identities, reconciled on
  // every start (a restored state gets what it lacks).
  reconcilePolicy(
    api,
    store,
    bootstrapPolicy({
      namespaces: store
        .list(mustFindByKind('v1', 'Namespace'))
        .map(n => n.metadata.name),
      scaffolderNamespaces: options.scaffolderNamespaces ?? [],
      changesNamespaces: options.changesNamespaces ?? [],
    }),
  );
  const persister = options.state
    ? new StatePersister(store, options.state, name)
    : undefined;
  if (persister && !saved) persister.flush(true);

  let ca: CertificateAuthority | undefined;
  if (options.tls !== false) {
    if (typeof options.tls === 'object') ca = options.tls;
    else if (options.caDir ?? options.state) {
      ca = await loadOrCreateCertificateAuthority(
        options.caDir ?? path.dirname(path.resolve(options.state!)),
      );
    } else ca = await createCertificateAuthority(`${name} demo cluster CA`);
  }
  const serving = ca
    ? await issueServingCertificate(ca, [
        host,
        '127.0.0.1',
        'localhost',
        '::1',
        os.hostname(),
      ])
    : undefined;

  const stats = new StatsRecorder();
  let latency = options.latencyMs ?? 0;
  const tokens = options.tokens ?? { ...DEFAULT_TOKENS };
  const rbac = new StoreRbac(store);
  const timeScale = options.timeScale ?? 1;
  const timing = { ...DEFAULT_TIMING, ...(options.timing ?? {}) };
  const server = new KubeApiServer({
    api,
    store,
    stats,
    tokens,
    rbac,
    latencyMs: () => latency,
    served: api.served,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    logPeriodMs: Math.max(50, 2000 / timeScale),
    tls: serving && { cert: serving.certPem, key: serving.keyPem },
    metrics: new MetricsProvider(store, timeScale),
  });
  const port = await server.listen(options.port ?? 0, host);
  const controllers =
    options.controllers === false
      ? undefined
      : new ControllerManager(api, store, { timeScale, timing, log });

  let urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  if (urlHost.includes(':')) urlHost = `[${urlHost}]`;
  const url = `${serving ? 'https' : 'http'}://${urlHost}:${port}`;
  const traffic =
    options.metricsPort === undefined
      ? undefined
      : new TrafficSimulator(store, name, timeScale);
  const metricsServer = traffic && new MetricsServer(traffic);
  let metricsUrl: string | undefined;
  if (metricsServer) {
    try {
      const metricsPort = await metricsServer.listen(
        options.metricsPort!,
        host,
      );
      metricsUrl = `http://${urlHost}:${metricsPort}/metrics`;
    } catch (error) {
      controllers?.stop();
      await server.close();
      throw error;
    }
  }
  const tokenFor = (matches: (identity: TokenIdentity) => boolean) =>
    Object.entries(tokens).find(([, identity]) => matches(identity))?.[0] ?? '';
  const inGroup = (group: string) => (identity: TokenIdentity) =>
    Boolean(identity.groups?.includes(group));
  const isServiceAccount = (sa: string) => (identity: TokenIdentity) =>
    identity.serviceAccount === `${DEMO_SERVICE_ACCOUNT_NAMESPACE}/${sa}`;
  const demoTokens: DemoClusterTokens = {
    admin: tokenFor(inGroup('system:masters')),
    viewer: tokenFor(isServiceAccount(VIEWER_SERVICE_ACCOUNT)),
    scaffolder: tokenFor(isServiceAccount(SCAFFOLDER_SERVICE_ACCOUNT)),
    changes: tokenFor(isServiceAccount(CHANGES_SERVICE_ACCOUNT)),
    readonly: tokenFor(inGroup(VIEWERS_GROUP)),
    restricted: tokenFor(inGroup(TEAM_GROUP)),
    restrictedNamespace: RESTRICTED_NAMESPACE,
  };
  const kubeconfigFor = (token: string, suffix = '') =>
    buildKubeconfig({
      name,
      url,
      caPem: ca?.certPem,
      users: [{ suffix, token }],
    });
  const kubeconfig = buildKubeconfig({
    name,
    url,
    caPem: ca?.certPem,
    users: [
      { suffix: '', token: demoTokens.admin },
      { suffix: 'viewer', token: demoTokens.viewer },
      { suffix: 'scaffolder', token: demoTokens.scaffolder },
      { suffix: 'changes', token: demoTokens.changes },
      { suffix: 'readonly', token: demoTokens.readonly },
      { suffix: 'restricted', token: demoTokens.restricted },
    ].filter(u => u.token),
  });
  const admin = {
    caller: { user: 'demo-cluster', groups: ['system:masters'] },
  };
  let stopped = false;

  const cluster: DemoCluster = {
    name,
    url,
    port,
    kubeconfig,
    kubeconfigFor: token => kubeconfigFor(token),
    caData: ca ? Buffer.from(ca.certPem).toString('base64') : undefined,
    caPem: ca?.certPem,
    metricsUrl,
    metricsCpuMs: () => traffic?.cpuMs ?? 0,
    tokens: demoTokens,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    setLatency: ms => {
      if (!(ms >= 0))
        throw new Error(`setLatency: ms must be 0 or more, not ${ms}`);
      latency = ms;
    },
    async apply(input, applyOptions = {}) {
      let docs: KubeObject[];
      if (typeof input === 'string') {
        docs = YAML.parseAllDocuments(input)
          .map(d => d.toJS())
          .filter(Boolean);
      } else {
        docs = Array.isArray(input) ? input : [input];
      }
      const out: KubeObject[] = [];
      for (const doc of docs) {
        const type = mustFindByKind(doc.apiVersion, doc.kind);
        const ns = type.namespaced
          ? doc.metadata?.namespace ?? 'default'
          : undefined;
        const result = api.patch(
          type,
          ns,
          doc.metadata?.name,
          PATCH_TYPES.apply,
          JSON.stringify(doc),
          {
            ...admin,
            fieldManager: applyOptions.fieldManager ?? 'demo-cluster',
            force: applyOptions.force ?? true,
            dryRun: applyOptions.dryRun,
            version: doc.apiVersion.split('/').pop(),
          },
        );
        out.push(clone(result));
      }
      return out;
    },
    async get(apiVersion, kind, objName, namespace) {
      const type = mustFindByKind(apiVersion, kind);
      const o = store.get(
        type,
        type.namespaced ? namespace ?? 'default' : '',
        objName,
      );
      return o ? clone(o) : undefined;
    },
    async list(apiVersion, kind, listOptions = {}) {
      const type = mustFindByKind(apiVersion, kind);
      return clone(api.list(type, listOptions.namespace, listOptions).items);
    },
    async delete(apiVersion, kind, objName, namespace) {
      const type = mustFindByKind(apiVersion, kind);
      try {
        api.delete(
          type,
          type.namespaced ? namespace ?? 'default' : undefined,
          objName,
          admin,
        );
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) return false;
        throw error;
      }
    },
    async setLoad(namespace, deployment, load) {
      let value: string | null = null;
      if (load !== null) {
        value = typeof load === 'string' ? load : formatLoad(load);
        parseLoad(value);
      }
      const type = mustFindByKind('apps/v1', 'Deployment');
      api.patch(
        type,
        namespace,
        deployment,
        PATCH_TYPES.merge,
        JSON.stringify({
          metadata: { annotations: { [LOAD_ANNOTATION]: value } },
        }),
        { ...admin, fieldManager: 'demo-cluster-load' },
      );
    },
    async waitFor(check, waitOptions = {}) {
      const timeout = waitOptions.timeoutMs ?? 20_000;
      const interval = waitOptions.intervalMs ?? 10;
      const deadline = Date.now() + timeout;
      for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) {
          throw new Error(
            `Timed out after ${timeout} ms waiting for ${
              waitOptions.description ?? 'a condition'
            } in demo cluster '${name}'`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, interval));
      }
    },
    compact: () => store.compact(),
    endWatches: () => server.endWatches(),
    count: () => store.count(),
    async flush() {
      persister?.flush(true);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      controllers?.stop();
      await Promise.all([server.close(), metricsServer?.close()]);
      persister?.stop();
    },
  };
  log(
    `demo cluster '${name}' serving ${url} (${store.count()} objects)${
      metricsUrl ? `, metrics on ${metricsUrl}` : ''
    }`,
  );
  return cluster;
}
