import {
  BackendFeature,
  coreServices,
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { meshPlugin } from '../plugin';
import { waitFor } from './waitFor';

/** A catalog component with the stock Kubernetes plugin's annotations. */
export function component(
  name: string,
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': name,
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

/** A `kubernetes.clusterLocatorMethods[0].clusters` entry. */
export function serviceAccountCluster(
  name: string,
  url: string,
  token: string,
) {
  return {
    name,
    title: `Cluster ${name}`,
    url,
    authProvider: 'serviceAccount',
    serviceAccountToken: token,
  };
}

/** The mesh plugin in a test backend, with a mock catalog, signals and actions. */
export async function startMeshBackend(options: {
  clusters: object[];
  entities: Entity[];
  /** Locators after the `config` one, e.g. `{ type: 'catalog' }`. */
  moreLocators?: object[];
  /** Replaces the mock catalog holding `entities`. */
  catalog?: ServiceFactory;
  mesh?: JsonObject;
  extraFeatures?: Array<ServiceFactory | BackendFeature>;
  captureSignals?: boolean;
  /**
   * The events bus of the backend. The test backend's default gives each
   * plugin its own; a real backend shares one (and events-backend joins the
   * replicas'), so one is shared here, or given to share it between backends.
   */
  events?: DefaultEventsService;
}): Promise<{
  backend: TestBackend;
  signals: SignalPayload[];
  actions: ReturnType<typeof actionsRegistryServiceMock>;
}> {
  const signals: SignalPayload[] = [];
  const actions = actionsRegistryServiceMock();
  const bus =
    options.events ??
    DefaultEventsService.create({ logger: mockServices.logger.mock() });
  const features: Array<ServiceFactory | BackendFeature> = [
    meshPlugin,
    mockServices.rootConfig.factory({
      data: {
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'config', clusters: options.clusters },
            ...(options.moreLocators ?? []),
          ],
        },
        mesh: {
          requestTimeout: '1500ms',
          live: { debounce: '100ms' },
          cache: { maxBackoff: '200ms' },
          ...options.mesh,
        },
      },
    }),
    options.catalog ??
      catalogServiceMock.factory({ entities: options.entities }),
    createServiceFactory({
      service: actionsRegistryServiceRef,
      deps: {},
      factory: () => actions,
    }),
    createServiceFactory({
      service: eventsServiceRef,
      deps: { pluginMetadata: coreServices.pluginMetadata },
      factory: ({ pluginMetadata }) => bus.forPlugin(pluginMetadata.getId()),
    }),
    ...(options.extraFeatures ?? []),
  ];
  if (options.captureSignals !== false) {
    features.push(
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          async publish(signal) {
            signals.push(signal as SignalPayload);
          },
        }),
      }),
    );
  }
  const backend = await startTestBackend({ features });
  return { backend, signals, actions };
}

/**
 * Waits until the watch cache of every server-credential cluster has
 * finished its first sync into the given state (`ready` by default), so
 * that tests do not race the start-up of the backend.
 */
export async function waitForCaches(
  backend: TestBackend,
  expected: Record<string, string> = {},
  timeoutMs = 30_000,
) {
  await waitFor(
    async () => {
      const res = await request(backend.server).get('/api/mesh/clusters');
      return res.body.clusters?.every(
        (c: any) =>
          c.authMode !== 'server' ||
          c.cache?.state === (expected[c.name] ?? 'ready'),
      );
    },
    { timeoutMs, intervalMs: 50, what: 'the mesh caches to sync' },
  );
}
