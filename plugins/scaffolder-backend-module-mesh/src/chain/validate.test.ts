import { z } from '../lib/zod';
import { renderChain } from './render';
import { chainSpecSchema } from './spec';
import { formatProblems, validateManifests } from './validate';

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
    [
      'a misspelt Deployment field',
      o => (o.find(x => x.kind === 'Deployment').spec.replica = 2),
      {
        object: 'Deployment shop/checkout',
        source: expect.stringMatching(/^file-\d+\.yaml$/),
        path: 'spec.replica',
        message:
          "unknown field 'replica': the schema has no such field here, and the cluster refuses it (strict field validation); did you mean 'replicas'?",
      },
    ],
    [
      'a misspelt container field',
      o =>
        (o.find(
          x => x.kind === 'Deployment',
        ).spec.template.spec.containers[0].imagePullPolice = 'Always'),
      {
        path: 'spec.template.spec.containers[0].imagePullPolice',
        message: expect.stringMatching(/did you mean 'imagePullPolicy'\?$/),
      },
    ],
    [
      'an unknown VirtualService field',
      o => {
        const vs = o.find(x => x.kind === 'VirtualService');
        vs.spec.htp = vs.spec.http;
      },
      {
        object: 'VirtualService shop/checkout',
        path: 'spec.htp',
        message: expect.stringMatching(
          /unknown field 'htp'.*did you mean 'http'\?$/,
        ),
      },
    ],
    [
      'an unknown field with nothing close to it',
      o => (o.find(x => x.kind === 'Service').spec.colour = 'blue'),
      {
        path: 'spec.colour',
        message: expect.stringMatching(
          /remove it, or use one of: allocateLoadBalancerNodePorts, clusterIP, /,
        ),
      },
    ],
    [
      'a containerPort out of range',
      o =>
        (o.find(
          x => x.kind === 'Deployment',
        ).spec.template.spec.containers[0].ports[0].containerPort = 70000),
      {
        path: 'spec.template.spec.containers[0].ports[0].containerPort',
        message: '70000 is out of range; it must be a port (1-65535)',
      },
    ],
    [
      'a negative replica count',
      o => (o.find(x => x.kind === 'Deployment').spec.replicas = -1),
      {
        path: 'spec.replicas',
        message: '-1 is out of range; it must be a replica count (0 or more)',
      },
    ],
    [
      'a Service port out of range',
      o => (o.find(x => x.kind === 'Service').spec.ports[0].targetPort = 0),
      {
        path: 'spec.ports[0].targetPort',
        message: '0 is out of range; it must be a port (1-65535)',
      },
    ],
    [
      'an HPA whose minimum is above its maximum',
      o =>
        Object.assign(o.find(x => x.kind === 'HorizontalPodAutoscaler').spec, {
          minReplicas: 5,
          maxReplicas: 3,
        }),
      {
        path: 'spec.maxReplicas',
        message:
          '3 is below minReplicas 5; make maxReplicas at least minReplicas',
      },
    ],
    [
      'a route weight above 100',
      o =>
        (o.find(
          x => x.kind === 'VirtualService',
        ).spec.http[0].route[0].weight = 120),
      {
        path: 'spec.http[0].route[0].weight',
        message: '120 is out of range; it must be a weight (0-100)',
      },
    ],
  ])('rejects %s', (_what, breakIt, expected) => {
    const list = objects();
    breakIt(list);
    expect(validateManifests(sourced(list))).toContainEqual(
      expect.objectContaining(expected),
    );
  });

  it('names the document, the field and the fix in one line', () => {
    const list = objects();
    list.find(x => x.kind === 'Deployment').spec.replica = 2;
    const deployment = list.findIndex(x => x.kind === 'Deployment');
    expect(formatProblems(validateManifests(sourced(list)))).toBe(
      `  - Deployment shop/checkout (file-${deployment}.yaml): spec.replica: unknown field 'replica': the schema has no such field here, and the cluster refuses it (strict field validation); did you mean 'replicas'?`,
    );
  });

  it('takes free-form places as they are', () => {
    const list = objects();
    list.find(x => x.kind === 'VirtualService').status = {
      anything: { the: 'controller writes' },
    };
    list.find(x => x.kind === 'Deployment').metadata.annotations = {
      'example.com/any-key': 'any value',
    };
    expect(validateManifests(sourced(list))).toEqual([]);
  });
});
