import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CoreV1Api } from '@kubernetes/client-node';
import http from 'http';
import { AddressInfo } from 'net';
import { ConfigMeshClusters } from './ConfigMeshClusters';

const logger = mockServices.logger.mock();

function clustersFrom(kubernetes: object) {
  return ConfigMeshClusters.fromConfig(new ConfigReader({ kubernetes }), {
    logger,
  });
}

describe('ConfigMeshClusters', () => {
  it('reads config and localKubectlProxy clusters like the stock plugin', async () => {
    const clusters = clustersFrom({
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'prod',
              title: 'Production',
              url: 'https://10.0.0.1:6443',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'secret',
              caData: 'Y2E=',
            },
            {
              name: 'eks',
              url: 'https://eks.example.com',
              authProvider: 'oidc',
              oidcTokenProvider: 'okta',
            },
          ],
        },
        { type: 'localKubectlProxy' },
      ],
    });
    const list = await clusters.listClusters();
    expect(list.map(c => [c.name, c.authProvider, c.authMode])).toEqual([
      ['prod', 'serviceAccount', 'server'],
      ['eks', 'oidc', 'user'],
      ['local', 'localKubectlProxy', 'server'],
    ]);
    expect(list[0]).toMatchObject({ title: 'Production', caData: 'Y2E=' });
    // The token never appears in what is listed.
    expect(JSON.stringify(list)).not.toContain('secret');
  });

  it('names the field and the fix for bad configuration', () => {
    expect(() =>
      clustersFrom({
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'a', url: 'not a url', authProvider: 'serviceAccount' },
            ],
          },
        ],
      }),
    ).toThrow(/clusterLocatorMethods\[0\]\.clusters\[0\]\.url/);
    expect(() =>
      clustersFrom({
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'a', url: 'https://a', authProvider: 'serviceAccount' },
              { name: 'a', url: 'https://b', authProvider: 'serviceAccount' },
            ],
          },
        ],
      }),
    ).toThrow(/Duplicate cluster name 'a'/);
    expect(() =>
      clustersFrom({
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [{ name: 'a', url: 'https://a', authProvider: 'magic' }],
          },
        ],
      }),
    ).toThrow(/authProvider 'magic'/);
  });

  it('throws NotFoundError for unknown clusters', async () => {
    const clusters = clustersFrom({ clusterLocatorMethods: [] });
    await expect(clusters.getCluster('nope')).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });

  it('builds a KubeConfig that sends the service account token over plain HTTP (no skipTLSVerify needed)', async () => {
    const seen: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'NamespaceList',
          apiVersion: 'v1',
          metadata: {},
          items: [],
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const clusters = clustersFrom({
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'dev',
                url: `http://127.0.0.1:${port}`,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'dev-token',
              },
            ],
          },
        ],
      });
      const kc = await clusters.getKubeConfig('dev');
      const list = await kc.makeApiClient(CoreV1Api).listNamespace();
      expect(list.items).toEqual([]);
      expect(seen).toEqual(['Bearer dev-token']);
    } finally {
      server.close();
    }
  });
});
