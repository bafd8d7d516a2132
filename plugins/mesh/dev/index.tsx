/*
 * A standalone page for working on the plugin without a backend or a
 * cluster: `yarn start` in plugins/mesh. The API answers from the fixtures,
 * and a fake signal channel pushes a change every few seconds on the "Live"
 * page, so the live behaviour can be watched too.
 */
import { createDevApp } from '@backstage/dev-utils';
import { createApiFactory } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { Entity } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import {
  meshSignalChannel,
  objectKey,
  type ClusterChain,
  type MeshChainResponse,
} from '@mesh-chain/plugin-mesh-common';
import { meshApiRef, meshPlugin, type MeshApi } from '../src';
import { MeshContent } from '../src/components/MeshContent';
import { MeshCard } from '../src/components/MeshCard';
import {
  chain,
  chainResponse,
  componentEntity,
  simulationResponse,
  unannotatedEntity,
  unreachableCluster,
} from '../src/__fixtures__/chains';

let tick = 0;

/** Each page's clusters, from the chains generated from the demo scenarios. */
const scenarios: Record<string, () => ClusterChain[]> = {
  checkout: () => [chain('routes/checkout')],
  broken: () => [chain('crashloop/checkout')],
  'missing-gateway': () => [chain('dev/recommendations')],
  clusters: () => [
    chain('dev/storefront'),
    chain('prod/storefront'),
    unreachableCluster('staging'),
  ],
  'no-istio': () => [chain('edge/storefront')],
  'found-by-reference': () => [chain('podlabels/storefront')],
  live: () => {
    const c = chain('dev/storefront');
    const d = c.deployments[0];
    const n = 2 + (tick % 4);
    d.replicas = {
      ...d.replicas,
      desired: n,
      current: n,
      updated: n,
      ready: n,
      available: n,
    };
    c.hpas[0].currentReplicas = n;
    c.hpas[0].desiredReplicas = n;
    return [c];
  },
};

function entityFor(scenario: string): Entity {
  const entity = componentEntity('checkout');
  return { ...entity, metadata: { ...entity.metadata, name: scenario } };
}

const fixtureApi: MeshApi = {
  async getClusters() {
    return [];
  },
  async getChain(ref): Promise<MeshChainResponse> {
    await new Promise(r => setTimeout(r, 400));
    const clusters = (scenarios[ref.name] ?? scenarios.checkout)();
    return chainResponse(ref.name, clusters, String(tick));
  },
  async getObject(ref, { cluster, key }) {
    const inCluster = (scenarios[ref.name] ?? scenarios.checkout)().find(
      c => c.cluster.name === cluster,
    );
    const resource = [
      ...(inCluster?.gateways ?? []),
      ...(inCluster?.virtualServices ?? []),
      ...(inCluster?.destinationRules ?? []),
      ...(inCluster?.services ?? []),
      ...(inCluster?.deployments ?? []),
      ...(inCluster?.hpas ?? []),
      ...(inCluster?.pods ?? []),
    ].find(r => objectKey(r.ref) === key);
    if (!resource) {
      throw new Error(`${key} is not part of the chain`);
    }
    const { kind, apiVersion, name, namespace } = resource.ref;
    return {
      entityRef: `component:default/${ref.name}`,
      cluster,
      ref: resource.ref,
      object: {
        apiVersion,
        kind,
        metadata: { name, namespace, labels: resource.labels },
      },
    };
  },
  async simulateRoute() {
    await new Promise(r => setTimeout(r, 300));
    return simulationResponse('routes/checkout');
  },
  async getChangeTargets() {
    // The fixtures are not a cluster: no changes here.
    return { fieldManager: 'backstage-mesh-changes', targets: [] };
  },
  async previewChange() {
    throw new Error('The fixture chains cannot be changed');
  },
  async applyChange() {
    throw new Error('The fixture chains cannot be changed');
  },
  async checkTemplate() {
    throw new Error('The fixtures hold no templates to check');
  },
};

const liveSignals: SignalApi = {
  subscribe(channel, onMessage) {
    if (channel !== meshSignalChannel('component:default/live')) {
      return { unsubscribe() {} };
    }
    const timer = setInterval(() => {
      tick++;
      onMessage({ revision: String(tick) } as any);
    }, 6000);
    return { unsubscribe: () => clearInterval(timer) };
  },
};

function page(scenario: string, withCard = false) {
  const entity = entityFor(scenario);
  return (
    <EntityProvider entity={entity}>
      <div style={{ padding: 24 }}>
        {withCard ? (
          <Grid container spacing={3}>
            <Grid item xs={12} md={6}>
              <MeshCard />
            </Grid>
          </Grid>
        ) : (
          <MeshContent />
        )}
      </div>
    </EntityProvider>
  );
}

createDevApp()
  .registerPlugin(meshPlugin)
  .registerApi(createApiFactory(meshApiRef, fixtureApi))
  .registerApi(createApiFactory(signalApiRef, liveSignals))
  .addPage({ title: 'Canary', path: '/checkout', element: page('checkout') })
  .addPage({ title: 'Broken', path: '/broken', element: page('broken') })
  .addPage({
    title: 'Missing Gateway',
    path: '/missing-gateway',
    element: page('missing-gateway'),
  })
  .addPage({ title: 'Clusters', path: '/clusters', element: page('clusters') })
  .addPage({ title: 'No Istio', path: '/no-istio', element: page('no-istio') })
  .addPage({
    title: 'Found by reference',
    path: '/found-by-reference',
    element: page('found-by-reference'),
  })
  .addPage({ title: 'Live', path: '/live', element: page('live') })
  .addPage({ title: 'Card', path: '/card', element: page('clusters', true) })
  .addPage({
    title: 'No annotation',
    path: '/unannotated',
    element: (
      <EntityProvider entity={unannotatedEntity}>
        <MeshContent />
      </EntityProvider>
    ),
  })
  .render();
