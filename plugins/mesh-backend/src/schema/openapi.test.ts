import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import {
  defaultChainEngine,
  MemorySnapshot,
} from '@mesh-chain/plugin-mesh-common';
import { meshObjects } from '../__fixtures__/objects';
import { spec } from './openapi.generated';

describe('openapi spec', () => {
  it('is generated from openapi.yaml (run `yarn generate:openapi` after editing it)', () => {
    const yaml = YAML.parse(
      fs.readFileSync(path.resolve(__dirname, 'openapi.yaml'), 'utf8'),
    );
    expect(spec).toEqual(yaml);
  });

  it('documents every route the router serves', () => {
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/changes/targets',
      '/clusters',
      '/entities/{kind}/{namespace}/{name}',
      '/entities/{kind}/{namespace}/{name}/changes/apply',
      '/entities/{kind}/{namespace}/{name}/changes/preview',
      '/entities/{kind}/{namespace}/{name}/object',
      '/entities/{kind}/{namespace}/{name}/route',
      '/entities/{kind}/{namespace}/{name}/traffic',
    ]);
  });
});

describe('the Resource schema', () => {
  const chain = defaultChainEngine.resolve(
    MemorySnapshot.fromObjects(meshObjects()),
    // Matches only the pods: everything else is found by reference.
    { labelSelector: 'version=v1' },
    { clusterDomain: 'cluster.local' },
  );
  const resources = [
    ...chain.gateways,
    ...chain.virtualServices,
    ...chain.destinationRules,
    ...chain.services,
    ...chain.deployments,
    ...chain.hpas,
    ...chain.pods,
  ];
  const schemas = spec.components.schemas;

  it('documents how the engine says it found each resource', () => {
    expect(resources.map(r => r.foundBy)).toContain('label');
    expect(resources.map(r => r.foundBy)).toContain('reference');
    for (const r of resources) {
      expect(schemas.Resource.properties.foundBy.enum).toContain(r.foundBy);
      for (const key of Object.keys(r.foundFrom ?? {})) {
        expect(Object.keys(schemas.FoundFrom.properties)).toContain(key);
      }
    }
    expect(schemas.ClusterChain.properties.pods.items.$ref).toBe(
      '#/components/schemas/Resource',
    );
  });

  it('lists every field a resource of the answer has', () => {
    const documented = Object.keys(schemas.Resource.properties);
    const fields = [...new Set(resources.flatMap(r => Object.keys(r)))];
    expect(fields.filter(f => !documented.includes(f))).toEqual([]);
  });
});
