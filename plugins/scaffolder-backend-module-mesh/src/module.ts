import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { meshClustersServiceRef } from '@mesh-chain/plugin-mesh-node';
import { createApplyChainAction } from './actions/applyChain';
import { createRegisterLocalAction } from './actions/registerLocal';
import { createRenderChainAction } from './actions/renderChain';

/**
 * The mesh scaffolder actions: `mesh:chain:render`, `mesh:chain:apply` and
 * `mesh:catalog:register-local`.
 *
 * @public
 */
export const scaffolderModuleMesh = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'mesh',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        clusters: meshClustersServiceRef,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, logger, clusters, catalog }) {
        scaffolder.addActions(
          createRenderChainAction(),
          createApplyChainAction({ clusters, config, logger }),
          createRegisterLocalAction({ catalog, config }),
        );
      },
    });
  },
});
