import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { ConfigMeshClusters } from './ConfigMeshClusters';
import { MeshClustersService } from './types';

/**
 * The clusters the mesh plugin and its modules work with, read from the
 * stock Kubernetes plugin's configuration.
 *
 * @public
 */
export const meshClustersServiceRef = createServiceRef<MeshClustersService>({
  id: 'mesh.clusters',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { config: coreServices.rootConfig, logger: coreServices.logger },
      factory: ({ config, logger }) =>
        ConfigMeshClusters.fromConfig(config, { logger }),
    }),
});
