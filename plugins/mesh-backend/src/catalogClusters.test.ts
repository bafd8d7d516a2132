import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { TestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { MeshChainResponse } from '@mesh-chain/plugin-mesh-common';
import request from 'supertest';
import { meshObjects } from './__fixtures__/objects';
import { FakeKubeApi, startFakeKubeApi } from './__testUtils__/fakeKubeApi';
import {
  component,
  serviceAccountCluster,
  startMeshBackend,
  waitForCaches,
} from './__testUtils__/testBackend';
import { waitFor } from './__testUtils__/waitFor';

const REVIEWS = '/api/mesh/entities/component/default/reviews';

/** A cluster registered in the catalog, as the stock catalog locator reads it. */
function clusterEntity(name: string, url: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      title: `Catalog cluster ${name}`,
      annotations: {
        'kubernetes.io/api-server': url,
        'kubernetes.io/api-server-certificate-authority': 'Y2E=',
        'kubernetes.io/auth-provider': 'localKubectlProxy',
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'team-a' },
  };
}

describe('clusters of the catalog locator', () => {
  let prod: FakeKubeApi;
  let edge: FakeKubeApi;
  let backend: TestBackend;
  let entities: Entity[];

  beforeAll(async () => {
    prod = await startFakeKubeApi({
      objects: meshObjects(),
      token: 'prod-secret',
    });
    // Anonymous, like `kubectl proxy`: catalog clusters may not carry a
    // service account token.
    edge = await startFakeKubeApi({ objects: meshObjects(), token: null });
    entities = [component('reviews')];
    // The catalog as it is at the time of each call.
    const catalog = new Proxy({} as ReturnType<typeof catalogServiceMock>, {
      get(_target, prop) {
        const current = catalogServiceMock({ entities });
        const value = (current as any)[prop];
        return typeof value === 'function' ? value.bind(current) : value;
      },
    });
    ({ backend } = await startMeshBackend({
      clusters: [serviceAccountCluster('prod', prod.url, 'prod-secret')],
      moreLocators: [
        { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
      ],
      entities,
      catalog: createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      mesh: { catalogClusterRefreshInterval: 50 },
    }));
    await waitForCaches(backend);
  }, 30_000);

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([prod, edge].map(a => a?.close()));
  });

  function get(path: string) {
    return request(backend.server)
      .get(path)
      .set('authorization', mockCredentials.user.header());
  }

  async function clusterNames() {
    const res = await get('/api/mesh/clusters');
    return (res.body.clusters as Array<{ name: string }>).map(c => c.name);
  }

  it('shows a cluster added to the catalog, watches it, and stops watching it once it is removed', async () => {
    expect(await clusterNames()).toEqual(['prod']);
    expect(edge.count()).toBe(0);

    entities.push(clusterEntity('edge', edge.url));

    // Listed and watched (a cache is started for it), without a restart.
    await waitFor(
      async () => {
        const res = await get('/api/mesh/clusters');
        const listed = res.body.clusters.find((c: any) => c.name === 'edge');
        return listed?.cache?.state === 'ready' && listed;
      },
      { timeoutMs: 10_000, what: 'the catalog cluster to be watched' },
    );
    const res = await get(REVIEWS);
    expect(res.status).toBe(200);
    const chains = (res.body as MeshChainResponse).clusters;
    expect(chains.map(c => c.cluster.name)).toEqual(['prod', 'edge']);
    const edgeChain = chains.find(c => c.cluster.name === 'edge')!;
    expect(edgeChain).toMatchObject({
      cluster: { name: 'edge', title: 'Catalog cluster edge' },
      source: 'cache',
      istio: true,
    });
    expect(edgeChain.error).toBeUndefined();
    expect(edgeChain.services.map(s => s.ref.name)).toEqual(['reviews']);
    expect(edgeChain.virtualServices.map(v => v.ref.name)).toEqual(['reviews']);
    expect(edge.openWatches()).toBeGreaterThan(0);

    // Removed from the catalog: the periodic reconcile stops its cache
    // (no request to the mesh API is needed for that).
    entities.splice(
      entities.findIndex(e => e.metadata.name === 'edge'),
      1,
    );
    await waitFor(() => edge.openWatches() === 0, {
      timeoutMs: 10_000,
      what: 'the watches of the removed cluster to close',
    });
    const requestsAfterStop = edge.count();
    expect(await clusterNames()).toEqual(['prod']);
    const after = await get(REVIEWS);
    expect(
      (after.body as MeshChainResponse).clusters.map(c => c.cluster.name),
    ).toEqual(['prod']);
    // The stopped cache does not come back to the cluster.
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(edge.count()).toBe(requestsAfterStop);
    expect(edge.openWatches()).toBe(0);

    // The config cluster was watched all along.
    expect(prod.openWatches()).toBeGreaterThan(0);
  }, 30_000);
});
