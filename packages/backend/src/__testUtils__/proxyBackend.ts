/*
 * A backend with the permission backend, the sample policy as index.ts
 * installs it, and the stock Kubernetes backend, for permissionPolicy.test.ts.
 * It runs in a process of its own (`node --import tsx`): the Kubernetes
 * proxy loads @kubernetes/client-node with a dynamic import(), which Jest
 * cannot run without --experimental-vm-modules.
 *
 * Reads MESH_PROXY_TEST (JSON: the cluster, and each user's ownership
 * claims), prints `READY <port>` once listening, stops on SIGTERM.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import type { AddressInfo } from 'net';
import { permissionModuleMeshSamplePolicy } from '../permissionPolicyModule';

interface ProxyTestOptions {
  cluster: { url: string; token: string; caData?: string };
  claims: Record<string, string[]>;
}

async function main() {
  const options: ProxyTestOptions = JSON.parse(process.env.MESH_PROXY_TEST!);
  const backend = await startTestBackend({
    features: [
      permissionPlugin,
      permissionModuleMeshSamplePolicy,
      kubernetesPlugin,
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials: any) {
            const ref = credentials.principal.userEntityRef as string;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: options.claims[ref] ?? [ref],
            };
          },
        }),
      }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          kubernetes: {
            serviceLocatorMethod: { type: 'multiTenant' },
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [
                  {
                    name: 'dev',
                    url: options.cluster.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: options.cluster.token,
                    caData: options.cluster.caData,
                  },
                ],
              },
            ],
          },
        },
      }),
    ],
  });
  process.on('SIGTERM', () => {
    backend.stop().finally(() => process.exit(0));
  });
  process.stdout.write(
    `READY ${(backend.server.address() as AddressInfo).port}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
