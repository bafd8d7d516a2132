import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
  ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
  ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
} from '@backstage/plugin-kubernetes-common';
import type {
  AuthenticationStrategy,
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { KubeConfig } from '@kubernetes/client-node';
import { promises as fs } from 'fs';
import {
  CATALOG_CLUSTER_FILTER,
  CatalogEntity,
  CatalogLocatorOptions,
  catalogEntityToClusterDetails,
  entityRefOf,
  readCatalogLocatorOptions,
  validateClusterApiServerUrl,
} from './catalogClusters';

/**
 * The annotation of a catalog cluster that names its Prometheus (for the
 * mesh backend's traffic figures).
 *
 * @public
 */
export const ANNOTATION_PROMETHEUS_URL = 'mesh-chain.io/prometheus-url';
import { SEPARATE_CREDENTIAL_PROVIDERS } from './credentials';
import {
  MeshCluster,
  MeshClusterAuthMode,
  MeshClusterCredential,
  MeshClustersService,
  MeshUserAuth,
} from './types';

type StockKubernetesBackend =
  typeof import('@backstage/plugin-kubernetes-backend');

/** The stock Kubernetes backend's exports, loaded on first use. */
function stockStrategies(): StockKubernetesBackend {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@backstage/plugin-kubernetes-backend');
}

/** Auth providers whose credential is held by the backend. */
const SERVER_SIDE_PROVIDERS = new Set([
  'serviceAccount',
  'localKubectlProxy',
  'aws',
  'googleServiceAccount',
  'azure',
]);

/** Auth providers whose credential comes from the signed-in user. */
const USER_PROVIDERS = new Set(['google', 'oidc', 'aks']);

/** Where a pod's projected service account token is mounted. */
const IN_CLUSTER_TOKEN_PATH =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The `serviceAccount` provider: the configured token, or the pod's own
 * projected token (re-read on every call, since the kubelet rotates it).
 */
class ServiceAccountTokenStrategy implements AuthenticationStrategy {
  async getCredential(
    clusterDetails: ClusterDetails,
  ): Promise<KubernetesCredential> {
    const configured = clusterDetails.authMetadata.serviceAccountToken;
    if (configured) {
      return { type: 'bearer token', token: configured };
    }
    try {
      const token = (await fs.readFile(IN_CLUSTER_TOKEN_PATH, 'utf8')).trim();
      return { type: 'bearer token', token };
    } catch {
      throw new InputError(
        `Cluster '${clusterDetails.name}' has no serviceAccountToken and the backend is not running in a pod with a service account token at ${IN_CLUSTER_TOKEN_PATH}; set serviceAccountToken for this cluster`,
      );
    }
  }
  validateCluster() {
    return [];
  }
  presentAuthMetadata() {
    return {};
  }
}

interface Entry {
  cluster: MeshCluster;
  details: ClusterDetails;
}

/** One `kubernetes.clusterLocatorMethods` entry. */
type Source =
  | { type: 'static'; entries: Entry[] }
  | {
      type: 'catalog';
      at: string;
      options: CatalogLocatorOptions;
      /** The last list read successfully (kept when a read fails). */
      entries: Entry[];
    };

/** How often catalog clusters are read again, by default. */
const DEFAULT_CATALOG_REFRESH_MS = 30_000;
/** How long a read of catalog clusters may take before it counts as failed. */
const DEFAULT_CATALOG_READ_TIMEOUT_MS = 5_000;

/** Options of {@link ConfigMeshClusters.fromConfig}. @public */
export interface ConfigMeshClustersOptions {
  logger: LoggerService;
  /**
   * The catalog, to read clusters of a `catalog` locator; without it such
   * locators are skipped with a warning.
   */
  catalog?: CatalogService;
  /** Gives the credentials of catalog reads (the plugin's own). */
  auth?: AuthService;
  /**
   * How long a read of catalog clusters is used before the catalog is asked
   * again; defaults to `mesh.catalogClusterRefreshInterval`, else 30 seconds.
   */
  catalogRefreshIntervalMs?: number;
  /**
   * How long a read of catalog clusters may take; a slower one counts as
   * failed (the last list is kept), so a hanging catalog never hangs the
   * callers. Default 5 seconds.
   */
  catalogReadTimeoutMs?: number;
}

/**
 * Reads clusters from the stock Kubernetes plugin configuration
 * (`kubernetes.clusterLocatorMethods`, types `config`, `localKubectlProxy`
 * and `catalog`) and builds `KubeConfig`s with the stock plugin's own
 * authentication strategies.
 *
 * Clusters of a `catalog` locator are read from the catalog like the stock
 * plugin does, and read again when a call comes more than the refresh
 * interval after the last read; if a read fails, the last list is kept.
 *
 * @public
 */
export class ConfigMeshClusters implements MeshClustersService {
  static fromConfig(
    config: Config,
    options: ConfigMeshClustersOptions,
  ): ConfigMeshClusters {
    const { logger } = options;
    const strategies: Record<string, AuthenticationStrategy> = {
      serviceAccount: new ServiceAccountTokenStrategy(),
    };
    // The stock plugin's strategies are created when a cluster first uses
    // one: loading `@backstage/plugin-kubernetes-backend` (and the cloud
    // SDKs behind it) costs a backend about 13 MiB of heap, which a portal
    // whose clusters all use service account tokens never needs.
    const lazy: Record<string, () => AuthenticationStrategy> = {
      localKubectlProxy: () => new (stockStrategies().AnonymousStrategy)(),
      google: () => new (stockStrategies().GoogleStrategy)(),
      oidc: () => new (stockStrategies().OidcStrategy)(),
      aks: () => new (stockStrategies().AksStrategy)(),
      aws: () => new (stockStrategies().AwsIamStrategy)({ config }),
      googleServiceAccount: () =>
        new (stockStrategies().GoogleServiceAccountStrategy)({ config }),
      azure: () => new (stockStrategies().AzureIdentityStrategy)(logger),
    };
    const strategyFor = (provider: string) => {
      if (!strategies[provider] && lazy[provider]) {
        strategies[provider] = lazy[provider]();
      }
      return strategies[provider];
    };

    const sources: Source[] = [];
    const names = new Set<string>();
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    methods.forEach((method, methodIndex) => {
      const type = method.getString('type');
      const at = `kubernetes.clusterLocatorMethods[${methodIndex}]`;
      if (type === 'config') {
        const entries: Entry[] = [];
        const clusters = method.getOptionalConfigArray('clusters') ?? [];
        clusters.forEach((c, clusterIndex) => {
          const where = `${at}.clusters[${clusterIndex}]`;
          const details = readConfigCluster(c, where);
          if (names.has(details.name)) {
            throw new InputError(
              `Duplicate cluster name '${details.name}' at ${where}.name; cluster names must be unique`,
            );
          }
          names.add(details.name);
          entries.push(toEntry(details, where, strategyFor));
        });
        sources.push({ type: 'static', entries });
      } else if (type === 'localKubectlProxy') {
        const details: ClusterDetails = {
          name: 'local',
          url: 'http://127.0.0.1:8001',
          authMetadata: {
            [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: 'localKubectlProxy',
          },
          skipMetricsLookup: true,
        };
        if (names.has(details.name)) {
          throw new InputError(
            `Duplicate cluster name 'local' from ${at}; only one localKubectlProxy locator is allowed`,
          );
        }
        names.add(details.name);
        sources.push({
          type: 'static',
          entries: [toEntry(details, at, strategyFor)],
        });
      } else if (type === 'catalog') {
        if (!options.catalog || !options.auth) {
          logger.warn(
            `The mesh plugin was set up without the catalog service, so the clusters of the catalog locator (${at}) are not shown.`,
          );
          return;
        }
        sources.push({
          type: 'catalog',
          at,
          options: readCatalogLocatorOptions(method),
          entries: [],
        });
      } else {
        logger.warn(
          `The mesh plugin does not support cluster locator type '${type}' (${at}); its clusters are not shown. Supported: config, localKubectlProxy, catalog.`,
        );
      }
    });

    const refreshMs =
      options.catalogRefreshIntervalMs ??
      readRefreshInterval(config) ??
      DEFAULT_CATALOG_REFRESH_MS;
    return new ConfigMeshClusters(sources, strategyFor, {
      logger,
      catalog: options.catalog,
      auth: options.auth,
      refreshMs,
      readTimeoutMs:
        options.catalogReadTimeoutMs ?? DEFAULT_CATALOG_READ_TIMEOUT_MS,
    });
  }

  private byName = new Map<string, Entry>();
  private all: Entry[] = [];
  /** When the catalog was last asked (successfully or not), in ms. */
  private lastRead = -Infinity;
  private reading?: Promise<void>;
  /** Duplicate names already warned about, so each is logged once. */
  private readonly warnedDuplicates = new Set<string>();
  /** Ignored entities already warned about (ref and reason). */
  private readonly warnedIgnored = new Set<string>();

  private constructor(
    private readonly sources: Source[],
    private readonly strategyFor: (
      provider: string,
    ) => AuthenticationStrategy | undefined,
    private readonly deps: {
      logger: LoggerService;
      catalog?: CatalogService;
      auth?: AuthService;
      refreshMs: number;
      readTimeoutMs: number;
    },
  ) {
    this.merge();
  }

  async listClusters(): Promise<MeshCluster[]> {
    await this.refresh();
    return this.all.map(e => e.cluster);
  }

  async getCluster(name: string): Promise<MeshCluster> {
    return (await this.entry(name)).cluster;
  }

  async getKubeConfig(
    cluster: string | MeshCluster,
    options?: { userAuth?: MeshUserAuth; credential?: MeshClusterCredential },
  ): Promise<KubeConfig> {
    const entry = await this.entry(
      typeof cluster === 'string' ? cluster : cluster.name,
    );
    if (options?.credential) {
      return this.kubeConfigWith(entry, options.credential);
    }
    const strategy = this.strategyFor(entry.cluster.authProvider)!;
    const credential = await strategy.getCredential(
      entry.details,
      (options?.userAuth ?? {}) as any,
    );
    return buildKubeConfig(entry.cluster, credential);
  }

  /** The cluster's URL and CA with another credential the backend holds. */
  private async kubeConfigWith(
    entry: Entry,
    credential: MeshClusterCredential,
  ): Promise<KubeConfig> {
    const { authProvider, authMetadata } = credential;
    const strategy = SEPARATE_CREDENTIAL_PROVIDERS.includes(authProvider)
      ? this.strategyFor(authProvider)
      : undefined;
    if (!strategy) {
      throw new InputError(
        `A separate credential for cluster '${
          entry.cluster.name
        }' cannot use authProvider '${authProvider}'; use one of ${SEPARATE_CREDENTIAL_PROVIDERS.join(
          ', ',
        )}`,
      );
    }
    if (
      authProvider === 'serviceAccount' &&
      !authMetadata.serviceAccountToken
    ) {
      // Never the pod's own token: that is the cluster's read credential.
      throw new InputError(
        `A separate serviceAccount credential for cluster '${entry.cluster.name}' needs its serviceAccountToken`,
      );
    }
    const details: ClusterDetails = {
      ...entry.details,
      authMetadata: {
        ...authMetadata,
        [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: authProvider,
      },
    };
    const errors = strategy.validateCluster(details.authMetadata);
    if (errors.length) {
      throw new InputError(
        `Invalid credential for cluster '${entry.cluster.name}': ${errors
          .map(e => e.message)
          .join(', ')}`,
      );
    }
    return buildKubeConfig(
      entry.cluster,
      await strategy.getCredential(details, {} as any),
    );
  }

  private async entry(name: string): Promise<Entry> {
    await this.refresh();
    const entry = this.byName.get(name);
    if (!entry) {
      throw new NotFoundError(
        `No cluster named '${name}' is configured under kubernetes.clusterLocatorMethods`,
      );
    }
    return entry;
  }

  /** Reads catalog clusters again if the last read is older than the interval. */
  private async refresh(): Promise<void> {
    if (!this.sources.some(s => s.type === 'catalog')) {
      return;
    }
    if (!this.reading && Date.now() - this.lastRead >= this.deps.refreshMs) {
      this.reading = this.readCatalog().finally(() => {
        this.lastRead = Date.now();
        this.reading = undefined;
      });
    }
    if (this.reading) {
      await this.reading;
    }
  }

  private async readCatalog(): Promise<void> {
    const { catalog, auth, logger, readTimeoutMs } = this.deps;
    let items: CatalogEntity[];
    let timer: NodeJS.Timeout | undefined;
    try {
      const read = (async () =>
        catalog!.getEntities(
          { filter: [CATALOG_CLUSTER_FILTER] },
          { credentials: await auth!.getOwnServiceCredentials() },
        ))();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `the catalog did not answer within ${readTimeoutMs} ms`,
              ),
            ),
          readTimeoutMs,
        );
      });
      // A read that loses the race may still fail later: nothing waits on it.
      read.catch(() => {});
      const response = await Promise.race([read, timeout]);
      items = response.items;
    } catch (error) {
      logger.warn(
        `Could not read the clusters of the catalog locator from the catalog; keeping the ${
          this.sources.flatMap(s => (s.type === 'catalog' ? s.entries : []))
            .length
        } catalog cluster(s) of the last read: ${(error as Error)?.message}`,
      );
      return;
    } finally {
      clearTimeout(timer);
    }
    for (const source of this.sources) {
      if (source.type !== 'catalog') {
        continue;
      }
      const entries: Entry[] = [];
      for (const entity of items) {
        const ref = entityRefOf(entity);
        const where = `catalog entity ${ref}`;
        try {
          const details = await catalogEntityToClusterDetails(
            entity,
            source.options,
          );
          if ('ignored' in details) {
            throw new InputError(details.ignored);
          }
          const entry = toEntry(details, where, this.strategyFor, {
            catalog: true,
          });
          const prometheusUrl =
            entity.metadata.annotations?.[ANNOTATION_PROMETHEUS_URL];
          if (prometheusUrl) {
            try {
              await validateClusterApiServerUrl(prometheusUrl, source.options);
              entry.cluster.prometheusUrl = prometheusUrl;
            } catch (error) {
              logger.warn(
                `Ignoring ${ANNOTATION_PROMETHEUS_URL} of ${ref}: ${
                  (error as Error).message
                } (list the host in dangerouslyAllowClusterUrls of the catalog locator to allow it)`,
              );
            }
          }
          entries.push(entry);
        } catch (error) {
          const message = `Ignoring kubernetes-cluster Resource '${ref}' of the catalog locator (${
            source.at
          }): ${(error as Error).message}`;
          if (!this.warnedIgnored.has(message)) {
            this.warnedIgnored.add(message);
            logger.warn(message);
          }
        }
      }
      source.entries = entries;
    }
    this.merge();
  }

  /** All clusters in locator order; on duplicate names the first wins. */
  private merge() {
    const byName = new Map<string, Entry>();
    const all: Entry[] = [];
    for (const source of this.sources) {
      for (const entry of source.entries) {
        const name = entry.cluster.name;
        if (byName.has(name)) {
          if (!this.warnedDuplicates.has(name)) {
            this.warnedDuplicates.add(name);
            this.deps.logger.warn(
              `Duplicate cluster name '${name}' in kubernetes.clusterLocatorMethods; the mesh plugin uses the first one, rename the other (a catalog cluster is named by its entity's metadata.name)`,
            );
          }
          continue;
        }
        byName.set(name, entry);
        all.push(entry);
      }
    }
    this.byName = byName;
    this.all = all;
  }
}

/** A cluster as the mesh plugin sees it; throws if it cannot be used. */
function toEntry(
  details: ClusterDetails,
  where: string,
  strategyFor: (provider: string) => AuthenticationStrategy | undefined,
  options: { catalog?: boolean } = {},
): Entry {
  const provider = details.authMetadata[
    ANNOTATION_KUBERNETES_AUTH_PROVIDER
  ] as string;
  const strategy = strategyFor(provider);
  if (!strategy) {
    const supported = [...SERVER_SIDE_PROVIDERS, ...USER_PROVIDERS].filter(
      p => !options.catalog || p !== 'serviceAccount',
    );
    throw new InputError(
      options.catalog
        ? `it uses authProvider '${provider}', which the mesh plugin does not support; set the ${ANNOTATION_KUBERNETES_AUTH_PROVIDER} annotation to one of ${supported.join(
            ', ',
          )}`
        : `Cluster '${
            details.name
          }' (${where}) uses authProvider '${provider}', which the mesh plugin does not support; use one of ${supported.join(
            ', ',
          )}`,
    );
  }
  const errors = strategy.validateCluster(details.authMetadata);
  if (errors.length) {
    const message = errors.map(e => e.message).join(', ');
    throw new InputError(
      options.catalog
        ? `it is invalid: ${message}`
        : `Invalid cluster '${details.name}' (${where}): ${message}`,
    );
  }
  const authMode: MeshClusterAuthMode = USER_PROVIDERS.has(provider)
    ? 'user'
    : 'server';
  return {
    details,
    cluster: {
      name: details.name,
      ...(details.title && { title: details.title }),
      url: details.url,
      authProvider: provider,
      authMode,
      skipTLSVerify: details.skipTLSVerify ?? false,
      ...(details.caData && { caData: details.caData }),
      ...(details.caFile && { caFile: details.caFile }),
      ...(details.dashboardUrl && { dashboardUrl: details.dashboardUrl }),
      ...(details.dashboardApp && { dashboardApp: details.dashboardApp }),
    },
  };
}

function humanDurationMs(d: ReturnType<typeof readDurationFromConfig>) {
  const day = 86_400_000;
  return (
    (d.years ?? 0) * 365 * day +
    (d.months ?? 0) * 30 * day +
    (d.weeks ?? 0) * 7 * day +
    (d.days ?? 0) * day +
    (d.hours ?? 0) * 3_600_000 +
    (d.minutes ?? 0) * 60_000 +
    (d.seconds ?? 0) * 1000 +
    (d.milliseconds ?? 0)
  );
}

/** `mesh.catalogClusterRefreshInterval`: a duration, or milliseconds. */
function readRefreshInterval(config: Config): number | undefined {
  const key = 'mesh.catalogClusterRefreshInterval';
  if (!config.has(key)) {
    return undefined;
  }
  let ms: number;
  try {
    const value = config.get(key);
    ms =
      typeof value === 'number'
        ? value
        : humanDurationMs(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new InputError(
      `Invalid ${key}: ${
        (error as Error).message
      }; use a duration such as '30s' or { seconds: 30 }, or a number of milliseconds`,
    );
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InputError(`Invalid ${key}: ${ms} ms is not a duration`);
  }
  return ms;
}

function readConfigCluster(c: Config, where: string): ClusterDetails {
  const name = c.getString('name');
  const url = c.getString('url');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error('not http(s)');
    }
  } catch {
    throw new InputError(
      `Cluster '${name}' has an invalid url '${url}' at ${where}.url; expected the API server's http(s) URL, e.g. https://10.0.0.1:6443`,
    );
  }
  const authMetadataBlock =
    c.getOptional<Record<string, string>>('authMetadata');
  const authProvider =
    authMetadataBlock?.[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ??
    c.getOptionalString('authProvider');
  if (!authProvider) {
    throw new InputError(
      `Cluster '${name}' has no auth provider at ${where}; set ${where}.authProvider (e.g. serviceAccount)`,
    );
  }
  const serviceAccountToken = c.getOptionalString('serviceAccountToken');
  const assumeRole = c.getOptionalString('assumeRole');
  const externalId = c.getOptionalString('externalId');
  const oidcTokenProvider = c.getOptionalString('oidcTokenProvider');
  const title = c.getOptionalString('title');
  return {
    name,
    ...(title && { title }),
    url,
    skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
    skipMetricsLookup: c.getOptionalBoolean('skipMetricsLookup') ?? false,
    caData: c.getOptionalString('caData'),
    caFile: c.getOptionalString('caFile'),
    dashboardUrl: c.getOptionalString('dashboardUrl'),
    dashboardApp: c.getOptionalString('dashboardApp'),
    authMetadata: {
      [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: authProvider,
      ...(serviceAccountToken && { serviceAccountToken }),
      ...(assumeRole && {
        [ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE]: assumeRole,
      }),
      ...(externalId && {
        [ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID]: externalId,
      }),
      ...(oidcTokenProvider && {
        [ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER]: oidcTokenProvider,
      }),
      ...authMetadataBlock,
    },
  };
}

/** Builds a single-context KubeConfig for a cluster and credential. @public */
export function buildKubeConfig(
  cluster: Pick<
    MeshCluster,
    'name' | 'url' | 'skipTLSVerify' | 'caData' | 'caFile'
  >,
  credential: KubernetesCredential,
): KubeConfig {
  const kc = new KubeConfig();
  const user: {
    name: string;
    token?: string;
    certData?: string;
    keyData?: string;
  } = { name: 'backstage' };
  if (credential.type === 'bearer token') {
    user.token = credential.token;
  } else if (credential.type === 'x509 client certificate') {
    user.certData = credential.cert;
    user.keyData = credential.key;
  }
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        // A plain http:// URL has no TLS to verify; client-node refuses
        // http:// unless told so, as `kubectl proxy` and local API servers need.
        skipTLSVerify:
          cluster.skipTLSVerify ||
          cluster.url.toLowerCase().startsWith('http:'),
        ...(cluster.caData && { caData: cluster.caData }),
        ...(cluster.caFile && { caFile: cluster.caFile }),
      },
    ],
    users: [user],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: user.name }],
    currentContext: cluster.name,
  });
  return kc;
}
