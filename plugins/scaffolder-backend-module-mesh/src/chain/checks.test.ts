import { z } from '../lib/zod';
import { checkChain, gatewayHostAdmits, resolveServiceHost } from './checks';
import { renderChain } from './render';
import { chainSpecSchema } from './spec';

function chain(input: Record<string, unknown> = {}) {
  const spec = chainSpecSchema(z).parse({
    name: 'checkout',
    namespace: 'shop',
    image: 'ghcr.io/acme/checkout:1.4.2',
    containerPort: 8080,
    hosts: ['checkout.example.com'],
    resources: { requests: { cpu: '100m' } },
    versions: [
      { name: 'v1', weight: 90 },
      { name: 'v2', weight: 10 },
    ],
    ...input,
  });
  // A deep copy the tests can break.
  return JSON.parse(JSON.stringify(renderChain(spec).objects)) as any[];
}

const get = (objects: any[], kind: string, name = 'checkout') =>
  objects.find(o => o.kind === kind && o.metadata.name === name);

describe('checkChain', () => {
  it('finds nothing wrong with a rendered chain', () => {
    expect(checkChain(chain())).toEqual({ findings: [], external: [] });
    expect(
      checkChain(
        chain({
          autoscaling: { enabled: true, cpuUtilization: 50 },
          meshRouting: true,
          createNamespace: true,
          tls: { credentialName: 'tls' },
        }),
      ),
    ).toEqual({ findings: [], external: [] });
  });

  it.each<[string, (objects: any[]) => void, string, RegExp]>([
    [
      'a subset whose labels match no pods (IST0173)',
      o => (get(o, 'DestinationRule').spec.subsets[1].labels.version = 'v3'),
      'DestinationRule shop/checkout',
      /subset v2 selects no pods of Service shop\/checkout/,
    ],
    [
      'a route to an undefined subset (IST0101)',
      o =>
        (get(o, 'VirtualService').spec.http[0].route[1].destination.subset =
          'canary'),
      'VirtualService shop/checkout',
      /subset canary is not defined by a DestinationRule/,
    ],
    [
      'a destination port the Service does not have',
      o =>
        (get(
          o,
          'VirtualService',
        ).spec.http[0].route[0].destination.port.number = 8080),
      'VirtualService shop/checkout',
      /8080 is not a port of Service shop\/checkout \(80\)/,
    ],
    [
      'weights that do not add up',
      o => (get(o, 'VirtualService').spec.http[0].route[0].weight = 50),
      'VirtualService shop/checkout',
      /weights add up to 60/,
    ],
    [
      'a VirtualService host the Gateway does not serve (IST0132)',
      o => get(o, 'VirtualService').spec.hosts.push('other.example.com'),
      'VirtualService shop/checkout',
      /other.example.com is not a host of Gateway shop\/checkout-gateway/,
    ],
    [
      'a gateway reference without namespace',
      o => (get(o, 'VirtualService').spec.gateways = ['checkout-gateway']),
      'VirtualService shop/checkout',
      /'checkout-gateway' is ambiguous; write the Gateway as namespace\/name/,
    ],
    [
      "a Service port named against Istio's convention (IST0118)",
      o => {
        const port = get(o, 'Service').spec.ports[0];
        port.name = 'web';
        delete port.appProtocol;
      },
      'Service shop/checkout',
      /'web' does not tell Istio the protocol/,
    ],
    [
      'a targetPort no container exposes (KIA0701)',
      o => (get(o, 'Service').spec.ports[0].targetPort = 9090),
      'Service shop/checkout',
      /9090 is not a container port of the selected pods/,
    ],
    [
      'a Deployment selector that misses its pods',
      o => (get(o, 'Deployment').spec.selector.matchLabels.version = 'x'),
      'Deployment shop/checkout',
      /does not match the pod template labels/,
    ],
    [
      'a duplicate object',
      o => o.push(JSON.parse(JSON.stringify(get(o, 'Service')))),
      'Service shop/checkout',
      /appears twice/,
    ],
    [
      'an object without the kubernetes-id label',
      o =>
        delete get(o, 'DestinationRule').metadata.labels[
          'backstage.io/kubernetes-id'
        ],
      'DestinationRule shop/checkout',
      /is missing, unlike the other objects \(checkout\)/,
    ],
  ])('flags %s', (_what, breakIt, object, message) => {
    const objects = chain();
    breakIt(objects);
    expect(checkChain(objects).findings).toContainEqual(
      expect.objectContaining({
        object,
        message: expect.stringMatching(message),
      }),
    );
  });

  it('flags both halves of an HPA fight: replicas set and requests missing', () => {
    const objects = chain({
      autoscaling: { enabled: true, memoryUtilization: 70 },
      resources: { requests: { memory: '64Mi' } },
    });
    const deployment = get(objects, 'Deployment');
    deployment.spec.replicas = 3;
    delete deployment.spec.template.spec.containers[0].resources;
    const messages = checkChain(objects).findings.map(
      f => `${f.path}: ${f.message}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^spec.replicas: is set while HorizontalPodAutoscaler shop\/checkout scales this Deployment/,
        ),
        expect.stringMatching(
          /^spec.template.spec.containers\[0\].resources.requests.memory: is missing/,
        ),
      ]),
    );
  });

  it('returns references outside the manifests for the cluster to confirm', () => {
    const objects = chain({
      gateway: { mode: 'existing', ref: 'istio-system/public' },
    });
    get(objects, 'DestinationRule').spec.host =
      'payments.finance.svc.cluster.local';
    expect(checkChain(objects).external).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        namespace: 'finance',
        name: 'payments',
        referencedBy: 'DestinationRule shop/checkout spec.host',
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        namespace: 'istio-system',
        name: 'public',
        referencedBy: 'VirtualService shop/checkout spec.gateways[0]',
        hosts: ['checkout.example.com'],
        fromNamespace: 'shop',
      },
    ]);
  });
});

describe('resolveServiceHost', () => {
  it('resolves hosts as Istio does', () => {
    expect(resolveServiceHost('a', 'ns', 'cluster.local')).toEqual({
      name: 'a',
      namespace: 'ns',
    });
    expect(resolveServiceHost('a.b', 'ns', 'cluster.local')).toEqual({
      name: 'a',
      namespace: 'b',
    });
    expect(resolveServiceHost('a.b.svc', 'ns', 'cluster.local')).toEqual({
      name: 'a',
      namespace: 'b',
    });
    expect(
      resolveServiceHost('a.b.svc.cluster.local', 'ns', 'cluster.local'),
    ).toEqual({ name: 'a', namespace: 'b' });
    expect(
      resolveServiceHost('api.example.com', 'ns', 'cluster.local'),
    ).toBeUndefined();
  });
});

describe('gatewayHostAdmits', () => {
  it.each<[string, string, string, string, boolean]>([
    ['shop.example.com', 'gw', 'shop.example.com', 'app', true],
    ['*.example.com', 'gw', 'shop.example.com', 'app', true],
    ['*.example.com', 'gw', 'example.com', 'app', false],
    ['*.example.com', 'gw', '*.example.com', 'app', true],
    ['*', 'gw', 'anything.io', 'app', true],
    ['app/shop.example.com', 'gw', 'shop.example.com', 'app', true],
    ['other/shop.example.com', 'gw', 'shop.example.com', 'app', false],
    ['./shop.example.com', 'gw', 'shop.example.com', 'app', false],
    ['./shop.example.com', 'app', 'shop.example.com', 'app', true],
    ['*/*.example.com', 'gw', 'a.example.com', 'app', true],
    ['shop.example.com', 'gw', 'other.example.com', 'app', false],
  ])(
    '%s (gateway in %s) admits %s from %s: %s',
    (server, gwNs, host, vsNs, expected) => {
      expect(gatewayHostAdmits(server, gwNs, host, vsNs)).toBe(expected);
    },
  );
});
