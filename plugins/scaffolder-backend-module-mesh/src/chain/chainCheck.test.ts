import { getDiagnosticDefinition } from '@mesh-chain/plugin-mesh-common';
import { FakeCluster } from '../__testUtils__/FakeCluster';
import { istioIngressObjects } from '../__testUtils__/istioIngress';
import { z } from '../lib/zod';
import {
  blockingFindings,
  ChainCheckResult,
  checkChainInCluster,
  checkChainManifests,
  formatFindings,
} from './chainCheck';
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

/** The chain's findings against a cluster that runs Istio's ingress gateway. */
function inCluster(objects: any[]) {
  return checkChainInCluster(
    objects,
    new FakeCluster().seed(istioIngressObjects()),
  );
}

const summary = (r: ChainCheckResult) =>
  r.findings.map(f => `${f.code ?? f.title} ${f.object} ${f.path ?? ''}`);

describe('checkChainManifests and checkChainInCluster', () => {
  it('find nothing wrong with a rendered chain', async () => {
    expect(checkChainManifests(chain())).toEqual({
      findings: [],
      checkedAgainst: 'manifests',
      components: ['backstage.io/kubernetes-id=checkout in shop'],
    });
    const full = chain({
      autoscaling: { enabled: true, cpuUtilization: 50 },
      meshRouting: true,
      createNamespace: true,
      tls: { credentialName: 'tls' },
    });
    expect(checkChainManifests(full).findings).toEqual([]);
    expect((await inCluster(full)).findings).toEqual([]);
    expect((await inCluster(chain())).checkedAgainst).toBe('cluster');
  });

  it.each<[string, (objects: any[]) => void, string]>([
    [
      'a destination port the Service does not have',
      o =>
        (get(
          o,
          'VirtualService',
        ).spec.http[0].route[0].destination.port.number = 8080),
      'MESH-1005 VirtualService shop/checkout spec.http[0].route[0].destination.port.number',
    ],
    [
      'weights that do not add up',
      o => (get(o, 'VirtualService').spec.http[0].route[0].weight = 50),
      'MESH-1008 VirtualService shop/checkout spec.http[0].route',
    ],
    [
      'VirtualService hosts the new Gateway does not serve',
      o => (get(o, 'VirtualService').spec.hosts = ['other.example.com']),
      'MESH-1006 VirtualService shop/checkout spec.hosts',
    ],
    [
      "a Service port named against Istio's convention",
      o => {
        const port = get(o, 'Service').spec.ports[0];
        port.name = 'web';
        delete port.appProtocol;
      },
      'MESH-4003 Service shop/checkout spec.ports[0].name',
    ],
    [
      'a targetPort no container exposes',
      o => (get(o, 'Service').spec.ports[0].targetPort = 9090),
      'MESH-4002 Service shop/checkout spec.ports[0].targetPort',
    ],
    [
      'a named targetPort no container declares',
      o => (get(o, 'Service').spec.ports[0].targetPort = 'grpc'),
      'MESH-4007 Service shop/checkout spec.ports[0].targetPort',
    ],
    [
      'an object without the kubernetes-id label',
      o =>
        delete get(o, 'DestinationRule').metadata.labels[
          'backstage.io/kubernetes-id'
        ],
      'backstage.io/kubernetes-id differs DestinationRule shop/checkout metadata.labels.backstage.io/kubernetes-id',
    ],
  ])('report %s from the manifests alone', (_what, breakIt, expected) => {
    const objects = chain();
    breakIt(objects);
    expect(summary(checkChainManifests(objects))).toContain(expected);
  });

  it.each<[string, (objects: any[]) => void, string]>([
    [
      'a subset whose labels match no pods',
      o => (get(o, 'DestinationRule').spec.subsets[1].labels.version = 'v3'),
      'MESH-3002 DestinationRule shop/checkout spec.subsets[1].labels',
    ],
    [
      'a route to an undefined subset',
      o =>
        (get(o, 'VirtualService').spec.http[0].route[1].destination.subset =
          'canary'),
      'MESH-1003 VirtualService shop/checkout spec.http[0].route[1].destination.subset',
    ],
    [
      'a Service that selects none of the pods',
      o => (get(o, 'Service').spec.selector = { app: 'checkot' }),
      'MESH-4001 Service shop/checkout spec.selector',
    ],
    [
      'a shared Gateway that does not exist',
      o => (get(o, 'VirtualService').spec.gateways = ['istio-system/public']),
      'MESH-1001 VirtualService shop/checkout spec.gateways[0]',
    ],
    [
      'a DestinationRule for a Service that does not exist',
      o =>
        (get(o, 'DestinationRule').spec.host =
          'payments.finance.svc.cluster.local'),
      'MESH-3001 DestinationRule shop/checkout spec.host',
    ],
  ])(
    'report %s with the cluster, and not from the manifests alone',
    async (_what, breakIt, expected) => {
      const objects = chain();
      breakIt(objects);
      expect(summary(await inCluster(objects))).toContain(expected);
      expect(summary(checkChainManifests(objects))).not.toContain(expected);
    },
  );

  it('refuse both halves of an HPA fight: replicas set next to the autoscaler, requests missing', () => {
    const objects = chain({
      autoscaling: { enabled: true, memoryUtilization: 70 },
      resources: { requests: { memory: '64Mi' } },
    });
    const deployment = get(objects, 'Deployment');
    deployment.spec.replicas = 3;
    delete deployment.spec.template.spec.containers[0].resources;
    const result = checkChainManifests(objects);
    expect(summary({ ...result, findings: blockingFindings(result) })).toEqual(
      expect.arrayContaining([
        'spec.replicas next to an autoscaler Deployment shop/checkout spec.replicas',
        'MESH-6003 HorizontalPodAutoscaler shop/checkout spec.metrics[0]',
      ]),
    );
  });

  it('carry the codes, titles and fixes the tab shows, and say which finding refuses a run', async () => {
    const objects = chain();
    get(objects, 'VirtualService').spec.gateways = ['istio-system/public'];
    const result = await inCluster(objects);
    const [finding] = result.findings;
    const definition = getDiagnosticDefinition('MESH-1001');
    expect(finding).toMatchObject({
      code: 'MESH-1001',
      severity: definition.severity,
      title: definition.title,
      fix: expect.stringContaining('public-gateway'),
      involvesManifests: true,
    });
    expect(formatFindings(blockingFindings(result))).toBe(
      `  - MESH-1001 ${definition.title}: VirtualService shop/checkout spec.gateways[0]: ${finding.message} Fix: ${finding.fix}`,
    );
  });

  it('do not refuse a run for what only objects already in the cluster have wrong', async () => {
    const cluster = new FakeCluster().seed(
      istioIngressObjects().map(o =>
        o.kind === 'Pod'
          ? { ...o, status: { phase: 'Running', conditions: [] } }
          : o,
      ),
    );
    const objects = chain({
      gateway: { mode: 'existing', ref: 'istio-system/public-gateway' },
    });
    const result = await checkChainInCluster(objects, cluster);
    expect(summary(result)).toEqual([
      'MESH-2004 Gateway istio-system/public-gateway ',
    ]);
    expect(result.findings[0].involvesManifests).toBe(false);
    expect(blockingFindings(result)).toEqual([]);
  });
});
