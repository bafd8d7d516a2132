import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  scaffolderActionsExtensionPoint,
  scaffolderServiceRef,
} from '@backstage/plugin-scaffolder-node';
import { meshClustersServiceRef } from '@mesh-chain/plugin-mesh-node';
import { createApplyChainAction } from './actions/applyChain';
import { createRegisterLocalAction } from './actions/registerLocal';
import { createRenderChainAction } from './actions/renderChain';
import { createCheckRouter } from './check/checkRouter';

/**
 * The mesh scaffolder actions: `mesh:chain:render`, `mesh:chain:apply` and
 * `mesh:catalog:register-local`; and the template check
 * (`POST /api/scaffolder/mesh/check`).
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
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        scaffolderService: scaffolderServiceRef,
      },
      async init({ scaffolder, config, logger, clusters, catalog, ...http }) {
        scaffolder.addActions(
          createRenderChainAction(),
          createApplyChainAction({ clusters, config, logger }),
          createRegisterLocalAction({ catalog, config }),
        );
        // POST /api/scaffolder/mesh/check, for the template's review page.
        http.httpRouter.use(
          await createCheckRouter({
            ...http,
            scaffolder: http.scaffolderService,
            catalog,
            clusters,
            config,
            logger,
          }),
        );
      },
    });
  },
});
