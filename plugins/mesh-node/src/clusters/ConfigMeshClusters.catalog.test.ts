import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigMeshClusters } from './ConfigMeshClusters';
import { CatalogEntity, validateClusterApiServerUrl } from './catalogClusters';

/** A `kubernetes-cluster` Resource, as the stock catalog locator reads it. */
function clusterEntity(
  name: string,
  annotations: Record<string, string>,
  extra: { title?: string; kind?: string; type?: string } = {},
): CatalogEntity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: extra.kind ?? 'Resource',
    metadata: {
      name,
      namespace: 'default',
      ...(extra.title && { title: extra.title }),
      annotations: {
        'kubernetes.io/api-server': `https://35.1.2.3/${name}`,
        'kubernetes.io/api-server-certificate-authority': 'Y2E=',
        'kubernetes.io/auth-provider': 'oidc',
        'kubernetes.io/oidc-token-provider': 'okta',
        ...annotations,
      },
    },
    spec: { type: extra.type ?? 'kubernetes-cluster', owner: 'team-a' },
  };
}

function setup(options: {
  locators: object[];
  catalog: Pick<CatalogService, 'getEntities'>;
  refreshMs?: number;
  readTimeoutMs?: number;
}) {
  const logger = mockServices.logger.mock();
  const clusters = ConfigMeshClusters.fromConfig(
    new ConfigReader({
      kubernetes: { clusterLocatorMethods: options.locators },
    }),
    {
      logger,
      auth: mockServices.auth(),
      catalog: options.catalog as CatalogService,
      catalogRefreshIntervalMs: options.refreshMs ?? 60_000,
      ...(options.readTimeoutMs && {
        catalogReadTimeoutMs: options.readTimeoutMs,
      }),
    },
  );
  const warnings = () =>
    logger.warn.mock.calls.map(call => String(call[0])).join('\n');
  return { clusters, logger, warnings };
}

const configLocator = {
  type: 'config',
  clusters: [
    {
      name: 'prod',
      url: 'https://10.0.0.1:6443',
      authProvider: 'serviceAccount',
      serviceAccountToken: 'secret',
    },
  ],
};

describe('ConfigMeshClusters with the catalog locator', () => {
  it('lists kubernetes-cluster Resources of the catalog, in locator order, like the stock plugin', async () => {
    const catalog = catalogServiceMock({
      entities: [
        clusterEntity(
          'eks',
          {
            'kubernetes.io/dashboard-url': 'https://dash.example.com',
            'kubernetes.io/dashboard-app': 'standard',
            'kubernetes.io/skip-tls-verify': 'true',
          },
          { title: 'EKS' },
        ),
        // Not clusters for the stock locator: another kind, another type, no
        // auth provider annotation.
        clusterEntity('component', {}, { kind: 'Component' }),
        clusterEntity('database', {}, { type: 'database' }),
        (() => {
          const e = clusterEntity('no-auth', {});
          delete e.metadata.annotations!['kubernetes.io/auth-provider'];
          return e;
        })(),
      ],
    });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const { clusters } = setup({
      locators: [{ type: 'catalog' }, configLocator],
      catalog,
    });

    expect(await clusters.listClusters()).toEqual([
      {
        name: 'eks',
        title: 'EKS',
        url: 'https://35.1.2.3/eks',
        authProvider: 'oidc',
        authMode: 'user',
        // The annotation is ignored unless the locator allows it.
        skipTLSVerify: false,
        caData: 'Y2E=',
        dashboardUrl: 'https://dash.example.com',
        dashboardApp: 'standard',
      },
      expect.objectContaining({ name: 'prod', authMode: 'server' }),
    ]);
    // Read with the plugin's own credentials.
    expect(getEntities).toHaveBeenCalledWith(
      expect.objectContaining({ filter: [expect.any(Object)] }),
      {
        credentials: expect.objectContaining({
          principal: expect.objectContaining({ type: 'service' }),
        }),
      },
    );

    // The oidc-token-provider annotation reaches the auth strategy: the
    // user's token of that provider is used.
    const kc = await clusters.getKubeConfig('eks', {
      userAuth: { oidc: { okta: 'user-token' } },
    });
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://35.1.2.3/eks',
      caData: 'Y2E=',
      skipTLSVerify: false,
    });
    expect(kc.getCurrentUser()?.token).toBe('user-token');
    expect(await clusters.getCluster('eks')).toMatchObject({ title: 'EKS' });
  });

  it('skips TLS verification only when the locator allows it', async () => {
    const catalog = catalogServiceMock({
      entities: [
        clusterEntity('skip', { 'kubernetes.io/skip-tls-verify': 'true' }),
        clusterEntity('verify', {}),
      ],
    });
    const { clusters } = setup({
      locators: [{ type: 'catalog', dangerouslyAllowSkipTLSVerify: true }],
      catalog,
    });
    expect(
      (await clusters.listClusters()).map(c => [c.name, c.skipTLSVerify]),
    ).toEqual([
      ['skip', true],
      ['verify', false],
    ]);
  });

  it('passes aws annotations to the aws strategy as authMetadata', async () => {
    const catalog = catalogServiceMock({
      entities: [
        clusterEntity('aws', {
          'kubernetes.io/auth-provider': 'aws',
          'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/r',
          'kubernetes.io/aws-external-id': 'ext',
        }),
      ],
    });
    const { clusters } = setup({ locators: [{ type: 'catalog' }], catalog });
    expect(await clusters.listClusters()).toEqual([
      expect.objectContaining({
        name: 'aws',
        authProvider: 'aws',
        authMode: 'server',
      }),
    ]);
  });

  it('skips invalid entities with a warning naming the entity and the fix, and keeps the others', async () => {
    const catalog = catalogServiceMock({
      entities: [
        clusterEntity('good', {}),
        clusterEntity('unknown-provider', {
          'kubernetes.io/auth-provider': 'magic',
        }),
        clusterEntity('sa', {
          'kubernetes.io/auth-provider': 'serviceAccount',
        }),
        clusterEntity('plain-http', {
          'kubernetes.io/api-server': 'http://35.1.2.3',
        }),
        clusterEntity('private', {
          'kubernetes.io/api-server': 'https://10.1.2.3:6443',
        }),
        clusterEntity('metadata-endpoint', {
          'kubernetes.io/api-server': 'https://169.254.169.254',
        }),
        clusterEntity('allowed-local', {
          'kubernetes.io/api-server': 'http://127.0.0.1:6443',
        }),
      ],
    });
    const { clusters, warnings } = setup({
      locators: [
        { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
      ],
      catalog,
    });
    expect((await clusters.listClusters()).map(c => c.name)).toEqual([
      'good',
      'allowed-local',
    ]);
    const logged = warnings();
    expect(logged).toContain(
      "Ignoring kubernetes-cluster Resource 'resource:default/unknown-provider'",
    );
    expect(logged).toMatch(
      /unknown-provider.*authProvider 'magic'.*set the kubernetes.io\/auth-provider annotation to one of/,
    );
    expect(logged).toMatch(/resource:default\/sa.*serviceAccount/);
    expect(logged).toMatch(/plain-http.*must use the HTTPS scheme/);
    expect(logged).toMatch(/private.*non-public IP address/);
    expect(logged).toMatch(/metadata-endpoint.*non-public IP address/);
    await expect(clusters.getCluster('unknown-provider')).rejects.toThrow(
      /No cluster named/,
    );
  });

  it('reads the catalog again after the refresh interval, and keeps the last list when a read fails', async () => {
    let entities = [clusterEntity('one', {})];
    let failing = false;
    const getEntities = jest.fn(async () => {
      if (failing) {
        throw new Error('catalog is down');
      }
      return { items: entities };
    });
    const { clusters, warnings } = setup({
      locators: [configLocator, { type: 'catalog' }],
      catalog: { getEntities },
      refreshMs: 1000,
    });
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(10_000);
      expect((await clusters.listClusters()).map(c => c.name)).toEqual([
        'prod',
        'one',
      ]);
      entities = [clusterEntity('one', {}), clusterEntity('two', {})];
      // Within the interval: no new read.
      now.mockReturnValue(10_500);
      await clusters.listClusters();
      await clusters.getCluster('one');
      expect(getEntities).toHaveBeenCalledTimes(1);

      now.mockReturnValue(11_000);
      expect((await clusters.listClusters()).map(c => c.name)).toEqual([
        'prod',
        'one',
        'two',
      ]);
      expect(getEntities).toHaveBeenCalledTimes(2);

      failing = true;
      now.mockReturnValue(12_000);
      expect((await clusters.listClusters()).map(c => c.name)).toEqual([
        'prod',
        'one',
        'two',
      ]);
      expect(await clusters.getCluster('two')).toMatchObject({ name: 'two' });
      expect(warnings()).toContain(
        'Could not read the clusters of the catalog locator from the catalog; keeping the 2 catalog cluster(s) of the last read: catalog is down',
      );
      // A failed read is not retried on every call.
      expect(getEntities).toHaveBeenCalledTimes(3);

      failing = false;
      entities = [clusterEntity('two', {})];
      now.mockReturnValue(13_000);
      expect((await clusters.listClusters()).map(c => c.name)).toEqual([
        'prod',
        'two',
      ]);
      await expect(clusters.getKubeConfig('one')).rejects.toThrow(
        /No cluster named 'one'/,
      );
    } finally {
      now.mockRestore();
    }
  });

  it('keeps config clusters when the catalog fails from the start', async () => {
    const { clusters, warnings } = setup({
      locators: [configLocator, { type: 'catalog' }],
      catalog: {
        getEntities: jest.fn().mockRejectedValue(new Error('no catalog')),
      },
    });
    expect((await clusters.listClusters()).map(c => c.name)).toEqual(['prod']);
    expect(warnings()).toContain('no catalog');
  });

  it('does not hang when the catalog does not answer: config clusters come at once after the read timeout', async () => {
    const { clusters, warnings } = setup({
      locators: [configLocator, { type: 'catalog' }],
      catalog: { getEntities: jest.fn(() => new Promise<never>(() => {})) },
      readTimeoutMs: 50,
    });
    expect((await clusters.listClusters()).map(c => c.name)).toEqual(['prod']);
    expect(warnings()).toContain('the catalog did not answer within 50 ms');
  });

  it('shares one catalog read between concurrent calls', async () => {
    const getEntities = jest.fn(async () => ({
      items: [clusterEntity('one', {})],
    }));
    const { clusters } = setup({
      locators: [{ type: 'catalog' }],
      catalog: { getEntities },
    });
    await Promise.all([
      clusters.listClusters(),
      clusters.listClusters(),
      clusters.getCluster('one'),
    ]);
    expect(getEntities).toHaveBeenCalledTimes(1);
  });

  it('on duplicate names across locators the first one wins, with a warning', async () => {
    const { clusters, warnings } = setup({
      locators: [configLocator, { type: 'catalog' }],
      catalog: catalogServiceMock({
        entities: [clusterEntity('prod', {}), clusterEntity('other', {})],
      }),
    });
    const listed = await clusters.listClusters();
    expect(listed.map(c => [c.name, c.authProvider])).toEqual([
      ['prod', 'serviceAccount'],
      ['other', 'oidc'],
    ]);
    expect(warnings()).toContain("Duplicate cluster name 'prod'");
  });

  it('does not ask the catalog when no catalog locator is configured', async () => {
    const getEntities = jest.fn();
    const { clusters } = setup({
      locators: [configLocator],
      catalog: { getEntities },
    });
    await clusters.listClusters();
    expect(getEntities).not.toHaveBeenCalled();
  });
});

describe('validateClusterApiServerUrl', () => {
  it('applies the stock SSRF checks', async () => {
    await expect(
      validateClusterApiServerUrl('https://35.1.2.3'),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      validateClusterApiServerUrl('https://[2600:1f18::1]:6443'),
    ).resolves.toBeInstanceOf(URL);
    for (const bad of [
      'https://127.0.0.1',
      'https://192.168.1.1',
      'https://100.64.0.1',
      'https://[::1]',
      'https://[fd00::1]',
      'https://[::ffff:10.0.0.1]',
      'https://user:pass@35.1.2.3',
      'ftp://35.1.2.3',
      'not a url',
      'https://localhost',
    ]) {
      await expect(validateClusterApiServerUrl(bad)).rejects.toThrow(
        /Kubernetes cluster API server URL/,
      );
    }
    await expect(
      validateClusterApiServerUrl('http://kube.internal.example.com', {
        dangerouslyAllowClusterUrls: ['*.example.com'],
      }),
    ).resolves.toBeInstanceOf(URL);
  });
});
