import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  ChainEngine,
  defaultChainEngine,
} from '@mesh-chain/plugin-mesh-common';

/**
 * The chain logic the mesh backend uses. Overridable (e.g. in tests) with
 * `createServiceFactory({ service: meshChainEngineServiceRef, ... })`.
 *
 * @alpha
 */
export const meshChainEngineServiceRef = createServiceRef<ChainEngine>({
  id: 'mesh.chain-engine',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {},
      factory: () => defaultChainEngine,
    }),
});
