/*
 * A runnable backend for developing the mesh plugin on its own:
 * `yarn start` in plugins/mesh-backend. It starts an in-process demo cluster
 * seeded with every scenario, points the plugin at it, and mocks auth,
 * permissions and the catalog (one Component per scenario). The backend
 * listens where app-config.yaml says (7007): stop script/server first, or
 * add `--config` with another `backend.listen.port`.
 *
 *   curl localhost:7007/api/mesh/clusters
 *   curl localhost:7007/api/mesh/entities/component/default/storefront
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SCENARIOS, startDemoCluster } from '@mesh-chain/demo-cluster';

async function main() {
  const demo = await startDemoCluster({ name: 'demo', scenario: 'dev' });
  // Environment config wins over app-config.yaml: the demo cluster replaces
  // the configured clusters.
  process.env.APP_CONFIG_kubernetes_clusterLocatorMethods = JSON.stringify([
    {
      type: 'config',
      clusters: [
        {
          name: 'demo',
          title: 'In-process demo cluster',
          url: demo.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: demo.tokens.viewer, // read-only, as in production
          caData: demo.caData,
        },
      ],
    },
  ]);

  const backend = createBackend();
  // Every request is a signed-in user; every permission is granted.
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  backend.add(
    mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
  );
  backend.add(
    catalogServiceMock.factory({
      entities: SCENARIOS.map(s => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: s.component,
          description: s.description,
          annotations: { 'backstage.io/kubernetes-id': s.component },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'guests' },
      })),
    }),
  );
  backend.add(import('../src'));
  await backend.start();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => demo.stop().finally(() => process.exit(0)));
  }
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
