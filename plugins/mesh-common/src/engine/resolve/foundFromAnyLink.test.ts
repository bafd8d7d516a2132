import type { ResourceBase } from '../../types';
import type { ResolvedClusterChain } from './ChainContext';
import type { KubeObject } from '../kube/KubeObject';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import { loadFixtureObjects } from '../__testUtils__/fixtures';
import {
  resolveChainFromObjects,
  resolveClusterChain,
} from './resolveClusterChain';

/*
 * The helloworld sample as the Istio docs write it: labels only on the pod
 * template, networking.istio.io/v1alpha3. The component's selector is a
 * label Istio's sidecar injector puts on pods only, so it matches pods and
 * nothing else; the engine finds the rest by following references.
 */

const options = { clusterDomain: 'cluster.local' };
const ONLY_PODS = 'service.istio.io/canonical-name=helloworld';

const docs = () => loadFixtureObjects('istio-system', 'helloworld-docs');

/** The same objects, every one labelled for the component, Istio at v1. */
function labelled(): KubeObject[] {
  return docs().map(o =>
    o.metadata.namespace === 'sample'
      ? {
          ...o,
          apiVersion: o.apiVersion.replace(
            /^networking\.istio\.io\/.*/,
            'networking.istio.io/v1',
          ),
          metadata: {
            ...o.metadata,
            labels: {
              ...o.metadata.labels,
              'backstage.io/kubernetes-id': 'helloworld',
            },
          },
        }
      : o,
  );
}

function resolve(objects: KubeObject[], labelSelector: string) {
  return resolveClusterChain(
    MemorySnapshot.fromObjects(objects, { clusterName: 'dev' }),
    { labelSelector },
    options,
  );
}

const names = (list: Array<{ ref: { name: string } }>) =>
  list.map(x => x.ref.name).sort();

function members(chain: ResolvedClusterChain) {
  return {
    gateways: names(chain.gateways),
    virtualServices: names(chain.virtualServices),
    destinationRules: names(chain.destinationRules),
    services: names(chain.services),
    deployments: names(chain.deployments),
    hpas: names(chain.hpas),
    pods: names(chain.pods),
  };
}

const WHOLE = {
  gateways: ['helloworld-gateway'],
  virtualServices: ['helloworld'],
  destinationRules: ['helloworld'],
  services: ['helloworld'],
  deployments: ['helloworld-v1', 'helloworld-v2'],
  hpas: ['helloworld-v1'],
  pods: [
    'helloworld-v1-5d9c7f8b6-q8m3z',
    'helloworld-v1-5d9c7f8b6-x2k4p',
    'helloworld-v2-7b4c6d9f5-r5t7w',
  ],
};

describe('a chain found from any link', () => {
  it('resolves whole from a selector that matches only its pods', () => {
    const chain = resolve(docs(), ONLY_PODS);
    expect(members(chain)).toEqual(WHOLE);
    expect(chain.routes.map(r => r.externalUrls)).toEqual([
      ['http://hello.example.com/hello'],
    ]);
    expect(
      chain.destinationRules[0].subsets.map(s => [s.name, s.podCount]),
    ).toEqual([
      ['v1', 2],
      ['v2', 1],
    ]);
    expect(chain.links.filter(l => l.broken)).toEqual([]);
  });

  it('says how each resource was found', () => {
    const chain = resolve(docs(), ONLY_PODS);
    const how = (r: ResourceBase) =>
      r.foundBy === 'label'
        ? 'label'
        : `${r.foundFrom?.relation} ${r.foundFrom?.ref.kind} ${r.foundFrom?.ref.name}`;
    expect(chain.pods.map(how)).toEqual(['label', 'label', 'label']);
    expect(chain.deployments.map(how)).toEqual([
      'owns Pod helloworld-v1-5d9c7f8b6-x2k4p',
      'owns Pod helloworld-v2-7b4c6d9f5-r5t7w',
    ]);
    expect(chain.hpas.map(how)).toEqual(['scales Deployment helloworld-v1']);
    expect(chain.services.map(how)).toEqual([
      'selects Pod helloworld-v1-5d9c7f8b6-x2k4p',
    ]);
    expect(chain.virtualServices.map(how)).toEqual([
      'routes to Service helloworld',
    ]);
    expect(chain.destinationRules.map(how)).toEqual([
      'policy for Service helloworld',
    ]);
    expect(chain.gateways.map(how)).toEqual([
      'binds VirtualService helloworld',
    ]);
  });

  it('diagnoses the same as the version where every object is labelled', () => {
    const fromPods = resolve(docs(), ONLY_PODS);
    const fromLabels = resolve(
      labelled(),
      'backstage.io/kubernetes-id=helloworld',
    );
    expect(members(fromLabels)).toEqual(WHOLE);
    expect(fromLabels.services[0].foundBy).toBe('label');
    const summary = (c: ResolvedClusterChain) =>
      c.diagnostics.map(d => [d.code, d.message, d.path]);
    expect(summary(fromPods)).toEqual(summary(fromLabels));
    expect(summary(fromPods)).toEqual([
      [
        'MESH-6003',
        'HorizontalPodAutoscaler sample/helloworld-v1 targets 50% cpu utilization, but container helloworld of Deployment sample/helloworld-v1 requests no cpu.',
        'spec.metrics[0]',
      ],
    ]);
  });

  it.each(['v1alpha3', 'v1beta1', 'v1'])(
    'reads Istio objects written as networking.istio.io/%s',
    version => {
      const objects = docs().map(o =>
        o.apiVersion.startsWith('networking.istio.io/')
          ? { ...o, apiVersion: `networking.istio.io/${version}` }
          : o,
      );
      const chain = resolve(objects, ONLY_PODS);
      expect(members(chain)).toEqual(WHOLE);
      expect(chain.virtualServices[0].ref.apiVersion).toBe(
        `networking.istio.io/${version}`,
      );
    },
  );

  it.each([
    ['the Service', 'Service'],
    ['a Deployment', 'Deployment'],
    ['the HPA', 'HorizontalPodAutoscaler'],
    ['the VirtualService', 'VirtualService'],
  ])('resolves whole from a selector that matches only %s', (_name, kind) => {
    const objects = docs().map(o =>
      o.kind === kind && o.metadata.name.startsWith('helloworld')
        ? {
            ...o,
            metadata: { ...o.metadata, labels: { team: 'hello' } },
          }
        : o,
    );
    const chain = resolve(objects, 'team=hello');
    // From one Deployment or its HPA, the other version is reached through
    // the Service that selects both.
    expect(members(chain)).toEqual(WHOLE);
  });

  it('includes a shared Gateway but not the other routes it serves', () => {
    const objects = [
      ...docs(),
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'goodbye', namespace: 'other' },
        spec: {
          hosts: ['goodbye.example.com'],
          gateways: ['sample/helloworld-gateway'],
          http: [{ route: [{ destination: { host: 'goodbye' } }] }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'goodbye', namespace: 'other' },
        spec: { selector: { app: 'goodbye' }, ports: [{ port: 80 }] },
      },
    ];
    const chain = resolve(objects, ONLY_PODS);
    expect(members(chain)).toEqual(WHOLE);
  });

  it('resolves whole from any one object, a DestinationRule included', () => {
    const objects = docs();
    const snapshot = MemorySnapshot.fromObjects(objects, {
      clusterName: 'dev',
    });
    for (const kind of ['DestinationRule', 'VirtualService', 'Service']) {
      const start = objects.find(
        o => o.kind === kind && o.metadata.namespace === 'sample',
      )!;
      const chain = resolveChainFromObjects(
        snapshot,
        [
          {
            apiVersion: start.apiVersion,
            kind,
            namespace: 'sample',
            name: start.metadata.name,
          },
        ],
        options,
      );
      expect({ kind, ...members(chain) }).toEqual({ kind, ...WHOLE });
    }
  });

  it('finds nothing when the selector matches nothing', () => {
    const chain = resolve(docs(), 'service.istio.io/canonical-name=nope');
    expect(Object.values(members(chain)).flat()).toEqual([]);
  });
});
