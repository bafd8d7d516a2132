import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { ConfigMeshClusters } from './ConfigMeshClusters';
import { MeshClustersService } from './types';

/**
 * The clusters the mesh plugin and its modules work with, read like the
 * stock Kubernetes plugin does from `kubernetes.clusterLocatorMethods`
 * (`config`, `localKubectlProxy` and `catalog`).
 *
 * @public
 */
export const meshClustersServiceRef = createServiceRef<MeshClustersService>({
  id: 'mesh.clusters',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      factory: ({ config, logger, auth, catalog }) =>
        ConfigMeshClusters.fromConfig(config, { logger, auth, catalog }),
    }),
});
