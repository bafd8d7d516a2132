import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { isMeshAvailable } from '@mesh-chain/plugin-mesh-common';
import { meshApiRef, MeshClient } from './api';

/** @alpha */
export const meshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: meshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MeshClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The "Service Mesh" tab, at `<entity page>/mesh`, on entities with the
 * Kubernetes annotations.
 *
 * @alpha
 */
export const meshEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/mesh',
    title: 'Service Mesh',
    filter: isMeshAvailable,
    loader: () =>
      import('./components/MeshContent').then(m => <m.MeshContent />),
  },
});

/**
 * The overview card, on entities with the Kubernetes annotations.
 *
 * @alpha
 */
export const meshEntityCard = EntityCardBlueprint.make({
  params: {
    filter: isMeshAvailable,
    loader: () => import('./components/MeshCard').then(m => <m.MeshCard />),
  },
});

/**
 * The `MeshChainCheck` field of a template's form: what the Service Mesh
 * tab will report about the chain the template creates, for the values
 * entered so far; an error keeps the form from going on. Use
 * `ui:field: MeshChainCheck` in the template.
 *
 * @alpha
 */
export const meshChainCheckFormField = FormFieldBlueprint.make({
  name: 'mesh-chain-check',
  params: {
    field: () =>
      import('./components/MeshChainCheckField/field').then(
        m => m.meshChainCheckFormField,
      ),
  },
});

/**
 * The mesh plugin for the new frontend system: the API, the "Service Mesh"
 * entity tab, the overview card and the template form's `MeshChainCheck`
 * field.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mesh',
  title: 'Service Mesh',
  extensions: [
    meshApi,
    meshEntityContent,
    meshEntityCard,
    meshChainCheckFormField,
  ],
});
