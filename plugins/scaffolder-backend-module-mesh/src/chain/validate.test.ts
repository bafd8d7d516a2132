import { z } from '../lib/zod';
import { renderChain } from './render';
import { chainSpecSchema } from './spec';
import { validateManifests } from './validate';

function objects() {
  const spec = chainSpecSchema(z).parse({
    name: 'checkout',
    namespace: 'shop',
    image: 'ghcr.io/acme/checkout:1.4.2',
    containerPort: 8080,
    hosts: ['checkout.example.com'],
    createNamespace: true,
    resources: { requests: { cpu: '100m' } },
    autoscaling: { enabled: true, cpuUtilization: 70 },
  });
  return JSON.parse(JSON.stringify(renderChain(spec).objects)) as any[];
}

const sourced = (list: any[]) =>
  list.map((object, i) => ({ object, source: `file-${i}.yaml` }));

describe('validateManifests', () => {
  it('accepts the rendered chain under the upstream schemas', () => {
    expect(validateManifests(sourced(objects()))).toEqual([]);
  });

  it.each<[string, (o: any[]) => void, object]>([
    [
      'a string where Kubernetes wants an integer',
      o =>
        (o.find(
          x => x.kind === 'Deployment',
        ).spec.template.spec.containers[0].ports[0].containerPort = '8080'),
      {
        object: 'Deployment shop/checkout',
        path: 'spec.template.spec.containers[0].ports[0].containerPort',
        message: 'must be integer',
      },
    ],
    [
      'a Deployment without a selector',
      o => delete o.find(x => x.kind === 'Deployment').spec.selector,
      {
        object: 'Deployment shop/checkout',
        path: 'spec',
        message: 'must have required property selector',
      },
    ],
    [
      'a VirtualService weight that is not a number',
      o =>
        (o.find(x => x.kind === 'VirtualService').spec.http[0].route[0].weight =
          'half'),
      {
        object: 'VirtualService shop/checkout',
        path: 'spec.http[0].route[0].weight',
        message: 'must be integer',
      },
    ],
    [
      'an Istio field of the wrong type',
      o =>
        (o.find(x => x.kind === 'DestinationRule').spec.trafficPolicy = {
          outlierDetection: { maxEjectionPercent: 'half' },
        }),
      {
        object: 'DestinationRule shop/checkout',
        path: 'spec.trafficPolicy.outlierDetection.maxEjectionPercent',
        message: 'must be integer',
      },
    ],
    [
      'an HPA without maxReplicas',
      o =>
        delete o.find(x => x.kind === 'HorizontalPodAutoscaler').spec
          .maxReplicas,
      {
        object: 'HorizontalPodAutoscaler shop/checkout',
        path: 'spec',
        message: 'must have required property maxReplicas',
      },
    ],
    [
      'a namespace on a Namespace',
      o => (o.find(x => x.kind === 'Namespace').metadata.namespace = 'default'),
      {
        object: 'Namespace default/shop',
        path: 'metadata.namespace',
        message: 'Namespace is cluster-scoped; remove metadata.namespace',
      },
    ],
    [
      'an invalid object name',
      o => (o.find(x => x.kind === 'Service').metadata.name = 'Checkout'),
      {
        object: 'Service shop/Checkout',
        path: 'metadata.name',
        message: expect.stringMatching(/lower case/),
      },
    ],
    [
      'a kind the actions do not apply',
      o =>
        o.push({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'admin' },
        }),
      {
        object: 'ClusterRole admin',
        message: expect.stringMatching(
          /not a kind the mesh actions validate and apply; supported: v1\/Namespace/,
        ),
      },
    ],
  ])('rejects %s', (_what, breakIt, expected) => {
    const list = objects();
    breakIt(list);
    expect(validateManifests(sourced(list))).toContainEqual(
      expect.objectContaining(expected),
    );
  });
});
