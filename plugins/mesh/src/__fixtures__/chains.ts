/*
 * The chains of the tests and the dev page: generated from the demo
 * cluster's scenarios through the real chain engine into chains.json (see
 * scripts/fixtures; `yarn generate:fixtures` writes it again). Each accessor
 * returns a fresh copy, so a test may change what it gets.
 */
import type { Entity } from '@backstage/catalog-model';
import {
  EMPTY_RESOLVED_CHAIN,
  type ClusterChain,
  type MeshChainResponse,
  type RouteSimulationResponse,
} from '@mesh-chain/plugin-mesh-common';
import type { ChainFixtures } from '../../scripts/fixtures/generateChainFixtures';
import generated from './chains.json';

const fixtures = generated as unknown as ChainFixtures;

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

function known<T>(what: string, all: Record<string, T>, key: string): T {
  const found = all[key];
  if (!found) {
    throw new Error(
      `No ${what} fixture ${key}; there are: ${Object.keys(all).join(', ')}`,
    );
  }
  return copy(found);
}

/**
 * A generated chain by `<fixture cluster>/<component>`: `dev/checkout` (the
 * canary as the demo seeds it), `routes/checkout` (three routes),
 * `crashloop/checkout`, `metrics/storefront`, `edge/storefront` (no Istio),
 * `prod/storefront`, `dev/recommendations` (missing Gateway), ...
 */
export function chain(key: string): ClusterChain {
  return known('chain', fixtures.chains, key);
}

/** The catalog entity of a demo component (`checkout`, `storefront`, ...). */
export function componentEntity(component: string): Entity {
  return known('entity', fixtures.entities, component);
}

/** A component without the Kubernetes annotations. */
export const unannotatedEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'legacy-batch', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'guests' },
};

/** `component:default/<name>` of a demo component. */
export function entityRef(component: string): string {
  return `component:default/${component}`;
}

const NOW = '2026-11-25T10:15:00.000Z';

/** What the backend answers for a component in these clusters. */
export function chainResponse(
  component: string,
  clusters: ClusterChain[],
  revision = '1',
): MeshChainResponse {
  return {
    entityRef: entityRef(component),
    status: 'configured',
    selector: `backstage.io/kubernetes-id=${component}`,
    clusters,
    revision,
    generatedAt: NOW,
  };
}

/** A cluster that answered, with nothing of the component in it. */
export function emptyCluster(name = 'prod'): ClusterChain {
  return {
    ...EMPTY_RESOLVED_CHAIN,
    istio: true,
    cluster: { name, title: `Demo cluster (${name})` },
    warnings: [],
    status: { state: 'current' },
    source: 'cache',
    observedAt: NOW,
  };
}

/** A cluster that could not be read at all. */
export function unreachableCluster(name = 'prod'): ClusterChain {
  const message = 'connect ECONNREFUSED 127.0.0.1:6552';
  return {
    ...EMPTY_RESOLVED_CHAIN,
    cluster: { name, title: `Demo cluster (${name})` },
    error: { reason: 'unreachable', message },
    warnings: [],
    status: { state: 'error', reason: 'unreachable', message },
    source: 'direct',
    observedAt: NOW,
  };
}

/** A generated trace (`dev/checkout`, `routes/checkout`) as the backend answers it. */
export function simulationResponse(key: string): RouteSimulationResponse {
  const trace = known('trace', fixtures.traces, key);
  const component = key.split('/')[1];
  return {
    entityRef: entityRef(component),
    request: trace.request,
    results: [trace.result],
  };
}
