import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  MeshSamplePermissionPolicy,
  readAdminGroups,
} from './permissionPolicy';

/**
 * Installs the sample portal's permission policy (see permissionPolicy.ts)
 * in the permission backend, instead of allow-all.
 */
export const permissionModuleMeshSamplePolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'mesh-sample-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new MeshSamplePermissionPolicy({
            adminGroups: readAdminGroups(config),
            userInfo,
          }),
        );
      },
    });
  },
});
