/*
 * The backend of the mesh-chain demo portal: a stock Backstage backend (new
 * backend system) with the mesh plugin, its scaffolder module and everything a
 * real portal runs beside them.
 */

import { createBackend } from '@backstage/backend-defaults';
import { permissionModuleMeshSamplePolicy } from './permissionPolicyModule';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Auth: the providers configured under auth.providers are offered. Guest
// sign-in is for development only (app-config.yaml; the guest provider
// refuses to work outside NODE_ENV=development); app-config.production.yaml
// signs in with GitHub, resolved to a User of the catalog.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

// Catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Scaffolder, with the standard GitHub publish actions and the mesh actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(import('@mesh-chain/plugin-scaffolder-backend-module-mesh'));

// Events: lets catalog and signals share events across backend replicas
backend.add(import('@backstage/plugin-events-backend'));

// Permissions: the sample policy (src/permissionPolicy.ts), not allow-all.
// Everyone signed in reads and runs templates; the Kubernetes proxy and
// whatever the policy does not name are for mesh.permissions.adminGroups.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleMeshSamplePolicy);

// Search (in-memory Lunr engine) with the catalog collator
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// Kubernetes (the stock plugin; the mesh plugin reads the same configuration)
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@mesh-chain/plugin-mesh-backend'));

// User settings, notifications and signals (signals push mesh updates)
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// MCP actions: exposes registered actions (including the mesh chain lookup)
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
