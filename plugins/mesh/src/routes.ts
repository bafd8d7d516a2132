import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the legacy `EntityMeshContent` is mounted. */
export const rootRouteRef = createRouteRef({ id: 'mesh' });
