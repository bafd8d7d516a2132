import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConfigMeshClusters } from './ConfigMeshClusters';
import { readClusterCredential } from './credentials';

const at = 'mesh.scaffolder.targets[0].credentials';

function clusters() {
  return ConfigMeshClusters.fromConfig(
    new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'dev',
                url: 'https://10.0.0.1:6443',
                authProvider: 'serviceAccount',
                serviceAccountToken: 'viewer-token',
                caData: 'Y2E=',
              },
            ],
          },
        ],
      },
    }),
    { logger: mockServices.logger.mock() },
  );
}

describe('readClusterCredential', () => {
  it('reads a credential configured like a cluster, serviceAccount by default', () => {
    expect(
      readClusterCredential(
        new ConfigReader({ serviceAccountToken: 'writer-token' }),
        at,
      ),
    ).toEqual({
      authProvider: 'serviceAccount',
      authMetadata: { serviceAccountToken: 'writer-token' },
    });
    expect(
      readClusterCredential(
        new ConfigReader({
          authProvider: 'aws',
          assumeRole: 'arn:aws:iam::1:role/deployer',
          externalId: 'x',
        }),
        at,
      ),
    ).toEqual({
      authProvider: 'aws',
      authMetadata: {
        'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/deployer',
        'kubernetes.io/aws-external-id': 'x',
      },
    });
  });

  it('names the field and the fix', () => {
    expect(() => readClusterCredential(new ConfigReader({}), at)).toThrow(
      `${at}.serviceAccountToken is missing; set the token of the service account this credential is`,
    );
    expect(() =>
      readClusterCredential(new ConfigReader({ authProvider: 'oidc' }), at),
    ).toThrow(
      `${at}.authProvider 'oidc' cannot be used here; use one whose credential the backend holds: serviceAccount, aws, googleServiceAccount, azure`,
    );
  });
});

describe('getKubeConfig with a separate credential', () => {
  it('keeps the cluster (URL, CA) and authenticates with the credential', async () => {
    const service = clusters();
    const own = await service.getKubeConfig('dev');
    expect(own.getCurrentUser()?.token).toBe('viewer-token');
    const writer = await service.getKubeConfig('dev', {
      credential: {
        authProvider: 'serviceAccount',
        authMetadata: { serviceAccountToken: 'writer-token' },
      },
    });
    expect(writer.getCurrentUser()?.token).toBe('writer-token');
    expect(writer.getCurrentCluster()).toMatchObject({
      server: 'https://10.0.0.1:6443',
      caData: 'Y2E=',
    });
  });

  it('never falls back to the cluster or pod token', async () => {
    await expect(
      clusters().getKubeConfig('dev', {
        credential: { authProvider: 'serviceAccount', authMetadata: {} },
      }),
    ).rejects.toThrow(
      "A separate serviceAccount credential for cluster 'dev' needs its serviceAccountToken",
    );
    await expect(
      clusters().getKubeConfig('dev', {
        credential: { authProvider: 'localKubectlProxy', authMetadata: {} },
      }),
    ).rejects.toThrow(/cannot use authProvider 'localKubectlProxy'/);
  });
});
