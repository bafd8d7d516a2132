/*
 * One backend under test, in a process of its own so that its memory is
 * measured alone: a stock Backstage backend (`createBackend` from
 * @backstage/backend-defaults, configured from a YAML file as a portal is)
 * with an in-memory catalog holding the benchmark's entities and either
 *
 *   - stock:    @backstage/plugin-kubernetes-backend
 *   - mesh:     @mesh-chain/plugin-mesh-backend and the signals backend it
 *               pushes live updates through
 *   - baseline: neither, to show what the framework itself takes.
 *   - client-node: neither, with `@kubernetes/client-node` loaded: the
 *               Kubernetes client both plugins load, to show how much of
 *               their share is that library's.
 *
 * Callers authenticate with a static external-access token; the permission
 * framework is off (its default), the same for every variant.
 */
import { createBackend } from '@backstage/backend-defaults';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import v8 from 'v8';
import YAML from 'yaml';
import { serveCommands } from './ipc';
import {
  ISTIO_CUSTOM_RESOURCES,
  TRIMMED_OBJECT_TYPES,
  benchEntity,
} from './entities';
import type { CacheObserver } from './faults/CacheObserver';
import type { BackendStart } from './types';

/**
 * The catalog, in memory: entity lookups by reference, the only catalog
 * calls either plugin makes to serve a page view. The same for every
 * variant, so that neither pays more for the catalog than the other.
 */
function memoryCatalog(entities: Entity[]): CatalogService {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const lookup = (ref: string | Parameters<typeof stringifyEntityRef>[0]) =>
    byRef.get(
      stringifyEntityRef(typeof ref === 'string' ? parseEntityRef(ref) : ref),
    );
  const implemented: Partial<CatalogService> = {
    async getEntityByRef(ref) {
      return lookup(ref);
    },
    async getEntitiesByRefs(request) {
      return { items: request.entityRefs.map(ref => lookup(ref)) };
    },
  };
  const unsupported = [
    'getEntities',
    'queryEntities',
    'getEntityAncestors',
    'removeEntityByUid',
    'refreshEntity',
    'getEntityFacets',
    'getLocations',
    'queryLocations',
    'streamLocations',
    'getLocationById',
    'getLocationByRef',
    'addLocation',
    'removeLocationById',
    'updateLocation',
    'getLocationByEntity',
    'validateEntity',
    'analyzeLocation',
    'streamEntities',
  ];
  for (const method of unsupported) {
    (implemented as any)[method] = async () => {
      throw new Error(`The benchmark catalog does not implement ${method}`);
    };
  }
  return implemented as CatalogService;
}

function configFor(options: BackendStart) {
  return {
    backend: {
      baseUrl: `http://127.0.0.1:${options.port}`,
      listen: { host: '127.0.0.1', port: options.port },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: options.token, subject: 'mesh-bench' },
          },
        ],
      },
      database: { client: 'better-sqlite3', connection: ':memory:' },
    },
    events: { useEventBus: 'never' },
    ...(options.mesh && { mesh: options.mesh }),
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: options.clusters.map(c => ({
            name: c.name,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: c.token,
            ...(c.caData && { caData: c.caData }),
            // The mesh view shows no pod metrics; reading them costs the
            // stock plugin two more requests per namespace and cluster.
            skipMetricsLookup: !options.stockMetrics,
          })),
        },
      ],
      customResources: ISTIO_CUSTOM_RESOURCES,
      ...(options.stockLayout !== 'default' && {
        objectTypes: TRIMMED_OBJECT_TYPES,
      }),
    },
  };
}

async function main() {
  const options: BackendStart = JSON.parse(
    fs.readFileSync(process.env.MESH_BENCH_BACKEND!, 'utf8'),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-bench-'));
  const configFile = path.join(dir, 'app-config.yaml');
  fs.writeFileSync(configFile, YAML.stringify(configFor(options)));
  // Only this file: not the repository's app-config.yaml.
  process.argv.push('--config', configFile);

  const backend = createBackend();
  const catalog = memoryCatalog(options.entities.map(benchEntity));
  backend.add(
    createServiceFactory({
      service: catalogServiceRef,
      deps: {},
      factory: () => catalog,
    }),
  );
  if (options.variant === 'stock') {
    backend.add(import('@backstage/plugin-kubernetes-backend'));
  } else if (options.variant === 'mesh') {
    backend.add(import('@mesh-chain/plugin-mesh-backend'));
    backend.add(import('@backstage/plugin-signals-backend'));
  } else if (options.variant === 'client-node') {
    // Held for the life of the process, as a plugin's import would be.
    (globalThis as { meshBenchClientNode?: unknown }).meshBenchClientNode =
      await import('@kubernetes/client-node');
  }
  // Loaded only when asked for: it imports the mesh backend, which the
  // stock and baseline backends must not load.
  // (`require`, not `import()`: the CLI's transform leaves `import()` to
  // Node.js, which sees a transformed module's exports only as `default`.)
  const observer: CacheObserver | undefined = options.observeCaches
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      new (require('./faults/CacheObserver').CacheObserver)()
    : undefined;
  if (observer) {
    backend.add(observer.serviceFactory());
  }

  serveCommands({
    digest: () => observer?.digest() ?? {},
    // After a full collection when --expose-gc is on: what is retained.
    memory: () => {
      (global as { gc?: () => void }).gc?.();
      return process.memoryUsage();
    },
    /** Writes a heap snapshot to `file` (a full collection comes first). */
    heapSnapshot: (file: string) => v8.writeHeapSnapshot(file),
    async stop() {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      setImmediate(() => process.exit(0));
    },
  });
  await backend.start();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  process.stderr.write(`backend failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
