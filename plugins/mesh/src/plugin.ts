import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import type { JSX } from 'react';
import { meshApiRef, MeshClient } from './api';
import type { EntityMeshCardProps } from './components/MeshCard';
import { meshChainCheckFieldOptions } from './components/MeshChainCheckField';
import { rootRouteRef } from './routes';

/**
 * The mesh plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const meshPlugin = createPlugin({
  id: 'mesh',
  apis: [
    createApiFactory({
      api: meshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MeshClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * The "Service Mesh" tab of an entity page (legacy frontend system). Mount
 * it under `EntityLayout.Route path="/mesh"` and guard it with
 * `isMeshAvailable`.
 *
 * @public
 */
export const EntityMeshContent: () => JSX.Element = meshPlugin.provide(
  createRoutableExtension({
    name: 'EntityMeshContent',
    component: () =>
      import('./components/MeshContent').then(m => m.MeshContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The overview card of an entity page (legacy frontend system). Its link
 * points at `<entity page>/mesh`; pass `tabPath` if the tab lives elsewhere.
 *
 * @public
 */
export const EntityMeshCard: (props: EntityMeshCardProps) => JSX.Element =
  meshPlugin.provide(
    createComponentExtension({
      name: 'EntityMeshCard',
      component: {
        lazy: () => import('./components/MeshCard').then(m => m.MeshCard),
      },
    }),
  );

/**
 * The `MeshChainCheck` field of a template's form (legacy frontend system):
 * what the Service Mesh tab will report about the chain the template
 * creates, for the values entered so far; an error keeps the form from
 * going on. Place it inside `<ScaffolderFieldExtensions>` of the
 * `ScaffolderPage` and use `ui:field: MeshChainCheck` in the template.
 *
 * @public
 */
export const MeshChainCheckFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension(meshChainCheckFieldOptions),
);
