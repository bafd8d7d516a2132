import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AksStrategy,
  AnonymousStrategy,
  AwsIamStrategy,
  AzureIdentityStrategy,
  GoogleServiceAccountStrategy,
  GoogleStrategy,
  OidcStrategy,
} from '@backstage/plugin-kubernetes-backend';
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
import { KubeConfig } from '@kubernetes/client-node';
import { promises as fs } from 'fs';
import {
  MeshCluster,
  MeshClusterAuthMode,
  MeshClustersService,
  MeshUserAuth,
} from './types';

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

/**
 * Reads clusters from the stock Kubernetes plugin configuration
 * (`kubernetes.clusterLocatorMethods`, types `config` and
 * `localKubectlProxy`) and builds `KubeConfig`s with the stock plugin's own
 * authentication strategies.
 *
 * @public
 */
export class ConfigMeshClusters implements MeshClustersService {
  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): ConfigMeshClusters {
    const { logger } = options;
    const strategies: Record<string, AuthenticationStrategy> = {
      serviceAccount: new ServiceAccountTokenStrategy(),
      localKubectlProxy: new AnonymousStrategy(),
      google: new GoogleStrategy(),
      oidc: new OidcStrategy(),
      aks: new AksStrategy(),
    };
    // Strategies that need cloud SDK configuration are created on demand.
    const lazy: Record<string, () => AuthenticationStrategy> = {
      aws: () => new AwsIamStrategy({ config }),
      googleServiceAccount: () => new GoogleServiceAccountStrategy({ config }),
      azure: () => new AzureIdentityStrategy(logger),
    };
    const strategyFor = (provider: string) => {
      if (!strategies[provider] && lazy[provider]) {
        strategies[provider] = lazy[provider]();
      }
      return strategies[provider];
    };

    const entries: Entry[] = [];
    const names = new Set<string>();
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    methods.forEach((method, methodIndex) => {
      const type = method.getString('type');
      const at = `kubernetes.clusterLocatorMethods[${methodIndex}]`;
      if (type === 'config') {
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
          entries.push(toEntry(details, where));
        });
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
        entries.push(toEntry(details, at));
      } else {
        logger.warn(
          `The mesh plugin does not support cluster locator type '${type}' (${at}); its clusters are not shown. Supported: config, localKubectlProxy.`,
        );
      }
    });

    function toEntry(details: ClusterDetails, where: string): Entry {
      const provider = details.authMetadata[
        ANNOTATION_KUBERNETES_AUTH_PROVIDER
      ] as string;
      const strategy = strategyFor(provider);
      if (!strategy) {
        throw new InputError(
          `Cluster '${
            details.name
          }' (${where}) uses authProvider '${provider}', which the mesh plugin does not support; use one of ${[
            ...SERVER_SIDE_PROVIDERS,
            ...USER_PROVIDERS,
          ].join(', ')}`,
        );
      }
      const errors = strategy.validateCluster(details.authMetadata);
      if (errors.length) {
        throw new InputError(
          `Invalid cluster '${details.name}' (${where}): ${errors
            .map(e => e.message)
            .join(', ')}`,
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

    return new ConfigMeshClusters(entries, strategyFor);
  }

  private readonly byName: Map<string, Entry>;

  private constructor(
    private readonly entries: Entry[],
    private readonly strategyFor: (
      provider: string,
    ) => AuthenticationStrategy | undefined,
  ) {
    this.byName = new Map(entries.map(e => [e.cluster.name, e]));
  }

  async listClusters(): Promise<MeshCluster[]> {
    return this.entries.map(e => e.cluster);
  }

  async getCluster(name: string): Promise<MeshCluster> {
    const entry = this.byName.get(name);
    if (!entry) {
      throw new NotFoundError(
        `No cluster named '${name}' is configured under kubernetes.clusterLocatorMethods`,
      );
    }
    return entry.cluster;
  }

  async getKubeConfig(
    cluster: string | MeshCluster,
    options?: { userAuth?: MeshUserAuth },
  ): Promise<KubeConfig> {
    const name = typeof cluster === 'string' ? cluster : cluster.name;
    const entry = this.byName.get(name);
    if (!entry) {
      throw new NotFoundError(
        `No cluster named '${name}' is configured under kubernetes.clusterLocatorMethods`,
      );
    }
    const strategy = this.strategyFor(entry.cluster.authProvider)!;
    const credential = await strategy.getCredential(
      entry.details,
      (options?.userAuth ?? {}) as any,
    );
    return buildKubeConfig(entry.cluster, credential);
  }
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

/** Builds a single-context KubeConfig for a cluster and credential. */
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
