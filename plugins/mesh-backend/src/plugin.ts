import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  kubernetesClustersReadPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { meshPermissions } from '@mesh-chain/plugin-mesh-common';
import { meshClustersServiceRef } from '@mesh-chain/plugin-mesh-node';
import { registerChangeActions } from './actions/changeActions';
import { registerMeshActions } from './actions/getChainAction';
import { readMeshSettings } from './config';
import { createRouter } from './router';
import { ClusterDataService } from './services/cluster/ClusterDataService';
import { readChangeSettings } from './services/changes/changeSettings';
import { ChangeService } from './services/changes/ChangeService';
import { meshChainEngineServiceRef } from './services/engine';
import { LiveUpdates } from './services/live/LiveUpdates';
import { MeshAccess } from './services/MeshAccess';
import {
  readTelemetrySettings,
  TelemetryService,
  TrafficChainService,
} from './services/telemetry';

/**
 * The mesh backend plugin: the Istio / Kubernetes resource chain of catalog
 * components, with diagnostics, route simulation and live updates, for the
 * clusters configured for the stock Kubernetes plugin.
 *
 * @public
 */
export const meshPlugin = createBackendPlugin({
  pluginId: 'mesh',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        rootLifecycle: coreServices.rootLifecycle,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        clusters: meshClustersServiceRef,
        engine: meshChainEngineServiceRef,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        auditor,
        lifecycle,
        rootLifecycle,
        catalog,
        signals,
        events,
        actionsRegistry,
        clusters,
        engine,
      }) {
        const settings = readMeshSettings(config);
        const data = new ClusterDataService(
          clusters,
          settings.cache,
          logger,
          undefined,
          settings.clusterRefreshMs,
        );
        const telemetry = new TelemetryService(
          readTelemetrySettings(config),
          settings.live.interestWindowMs,
          logger,
        );
        const chains = new TrafficChainService(
          data,
          engine,
          settings,
          logger,
          telemetry,
        );
        const live = new LiveUpdates({
          chains,
          data,
          telemetry,
          signals,
          events,
          logger,
          settings: settings.live,
        });
        const access = new MeshAccess(catalog, permissions);
        const changes = new ChangeService({
          settings: readChangeSettings(config),
          clusterDomain: settings.clusterDomain,
          requestTimeoutMs: settings.requestTimeoutMs,
          clusters,
          data,
          clustersFor: (target, only) => chains.clustersFor(target, only),
          engine,
          access,
          permissions,
          auditor,
          logger,
        });

        // Reading is guarded by the Kubernetes plugin's permissions,
        // changing by the mesh plugin's own (on the catalog entity).
        permissionsRegistry.addPermissions([
          kubernetesResourcesReadPermission,
          kubernetesClustersReadPermission,
          ...meshPermissions,
        ]);
        registerMeshActions(actionsRegistry, { access, chains });
        registerChangeActions(actionsRegistry, { changes });
        httpRouter.use(
          await createRouter({
            httpAuth,
            logger,
            access,
            chains,
            data,
            live,
            telemetry,
            changes,
          }),
        );

        // Caches start eagerly: by the time someone opens a page the
        // clusters are listed and watched, and the first view is warm.
        lifecycle.addStartupHook(async () => {
          await live.start();
          await data.start();
          const names = (await data.listClusters()).map(
            c =>
              `${c.name} (${
                c.authMode === 'server'
                  ? 'watched'
                  : "read per request with the user's credential"
              })`,
          );
          logger.info(
            `mesh: ${
              names.length
                ? names.join(', ')
                : 'no clusters configured under kubernetes.clusterLocatorMethods'
            }`,
          );
        });
        // Before the events bus shuts down: the other replicas take over
        // publishing this one's live updates at once.
        rootLifecycle.addBeforeShutdownHook(() => live.leave());
        lifecycle.addShutdownHook(async () => {
          await live.stop();
          telemetry.stop();
          await data.stop();
        });
      },
    });
  },
});
