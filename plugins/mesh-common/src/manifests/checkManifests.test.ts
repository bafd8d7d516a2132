import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../engine/kube/KubeObject';
import { simulateRoute } from '../routing/simulate';
import { checkManifests, LiveObjects, plannedChain } from './checkManifests';
import { plannedObjects } from './plannedObjects';

const objects = (yaml: string): KubeObject[] =>
  parseAllDocuments(yaml).map(d => d.toJS());

/** A component `web` in namespace `shop`: two versions behind one Service. */
const CHAIN = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: public, namespace: shop }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 80, name: http, protocol: HTTP }
      hosts: [web.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec:
  hosts: [web.example.com]
  gateways: [public]
  http:
    - match: [{ headers: { x-beta: { exact: "1" } } }]
      route: [{ destination: { host: web.shop.svc.cluster.local, subset: v2 } }]
    - route: [{ destination: { host: web.shop.svc.cluster.local, subset: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: web, namespace: shop }
spec:
  host: web.shop.svc.cluster.local
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web-v1, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: web, version: v1 } }
  template:
    metadata: { labels: { app: web, version: v1 } }
    spec: { containers: [{ name: web, image: web:1, ports: [{ containerPort: 8080 }] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web-v2, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: web, version: v2 } }
  template:
    metadata: { labels: { app: web, version: v2 } }
    spec: { containers: [{ name: web, image: web:2, ports: [{ containerPort: 8080 }] }] }
`;

/** A cluster running CHAIN (its pods as a rollout leaves them) and the ingress gateway. */
function liveCluster(extra: KubeObject[] = []): LiveObjects {
  const ingress = objects(`
apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-1
  namespace: istio-system
  labels: { istio: ingressgateway }
status:
  phase: Running
  conditions: [{ type: Ready, status: "True" }]
`);
  return {
    clusterName: 'live',
    objects: plannedObjects([...objects(CHAIN), ...extra]).concat(ingress),
    istio: true,
    gatewayApi: true,
    warnings: [],
  };
}

const codes = (ds: Array<{ code: string }> | undefined) =>
  (ds ?? []).map(d => d.code);

describe('checkManifests, manifests alone', () => {
  it('finds nothing wrong with a healthy chain, and says which codes it cannot judge', () => {
    const result = checkManifests({ manifests: objects(CHAIN) });
    expect(result.diagnostics).toEqual([]);
    // The ingress gateway's pods are not among the manifests.
    expect(result.leftOut).toEqual(['MESH-2001']);
    expect(result.resources.map(r => `${r.kind}/${r.name}`)).toEqual(
      expect.arrayContaining([
        'Gateway/public',
        'VirtualService/web',
        'Service/web',
        'Deployment/web-v1',
        'Pod/web-v1-planned-1',
      ]),
    );
  });

  it('judges subsets and Services by the pods the Deployments templates describe', () => {
    const manifests = objects(CHAIN).filter(o => o.metadata.name !== 'web-v2');
    const result = checkManifests({ manifests });
    expect(codes(result.diagnostics)).toEqual(['MESH-3002']);
    expect(result.diagnostics[0].message).toContain('Subset "v2"');
    expect(result.diagnostics[0].path).toBe('spec.subsets[1].labels');
  });

  it('checks only the chains in the namespaces asked for, or one component', () => {
    const broken = objects(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: other, namespace: elsewhere }
spec:
  hosts: [other.elsewhere.svc.cluster.local]
  http: [{ route: [{ destination: { host: missing.elsewhere.svc.cluster.local } }] }]
`);
    const manifests = [...objects(CHAIN), ...broken];
    expect(codes(checkManifests({ manifests }).diagnostics)).toEqual([
      'MESH-1002',
    ]);
    expect(
      checkManifests({ manifests, namespaces: ['shop'] }).diagnostics,
    ).toEqual([]);
    expect(
      checkManifests({
        manifests,
        target: { labelSelector: 'app=web', namespace: 'shop' },
      }).diagnostics,
    ).toEqual([]);
  });
});

describe('checkManifests against a cluster', () => {
  it('reports what the manifests introduce', () => {
    const dr = objects(CHAIN).find(o => o.kind === 'DestinationRule')!;
    dr.spec.subsets[1].labels = { version: 'v3' };
    const result = checkManifests({ manifests: [dr], live: liveCluster() });
    expect(codes(result.comparison?.introduced)).toEqual(['MESH-3002']);
    expect(result.comparison?.fixed).toEqual([]);
    expect(result.comparison?.unchanged).toEqual([]);
  });

  it('follows a DestinationRule to the routes that use its subsets', () => {
    const dr = objects(CHAIN).find(o => o.kind === 'DestinationRule')!;
    dr.spec.subsets = dr.spec.subsets.slice(0, 1);
    const result = checkManifests({ manifests: [dr], live: liveCluster() });
    expect(codes(result.comparison?.introduced)).toEqual(['MESH-1003']);
    expect(result.comparison?.introduced[0].resources[0].kind).toBe(
      'VirtualService',
    );
  });

  it('reports what the manifests fix and introduce, even when the object they add was in no live chain', () => {
    const vs = objects(CHAIN).find(o => o.kind === 'VirtualService')!;
    const brokenVs = JSON.parse(JSON.stringify(vs));
    brokenVs.spec.http[1].route[0].destination.host =
      'web-api.shop.svc.cluster.local';
    const live = liveCluster();
    const withBrokenVs = {
      ...live,
      objects: live.objects.map(o =>
        o.kind === 'VirtualService' ? brokenVs : o,
      ),
    };
    const service = objects(`
apiVersion: v1
kind: Service
metadata: { name: web-api, namespace: shop }
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: 8080 }]
`);
    const result = checkManifests({ manifests: service, live: withBrokenVs });
    expect(codes(result.comparison?.fixed)).toEqual(['MESH-1002']);
    // The route's subset v1 is defined for web, not for the new web-api.
    expect(codes(result.comparison?.introduced)).toEqual(['MESH-1003']);
  });

  it('takes what status shows from the cluster as it is: a new template fixes no failing pods', () => {
    const live = liveCluster();
    const failing = {
      ...live,
      objects: live.objects.map(o =>
        o.kind === 'Pod' && o.metadata.name.startsWith('web-v1')
          ? {
              ...o,
              status: {
                phase: 'Running',
                conditions: [{ type: 'Ready', status: 'False' }],
                containerStatuses: [
                  {
                    name: 'web',
                    ready: false,
                    state: { waiting: { reason: 'CrashLoopBackOff' } },
                  },
                ],
              },
            }
          : o,
      ),
    };
    const deployment = objects(CHAIN).find(o => o.metadata.name === 'web-v1')!;
    deployment.spec.template.spec.containers[0].image = 'web:1.0.1';
    const result = checkManifests({ manifests: [deployment], live: failing });
    expect(codes(result.comparison?.fixed)).toEqual([]);
    expect(codes(result.comparison?.introduced)).toEqual([]);
    expect(codes(result.comparison?.unchanged)).toEqual(
      expect.arrayContaining(['MESH-5003']),
    );
  });

  it('sees a template that changes labels in the pods it keeps', () => {
    const deployment = objects(CHAIN).find(o => o.metadata.name === 'web-v2')!;
    deployment.spec.template.metadata.labels.version = 'v2-beta';
    const result = checkManifests({
      manifests: [deployment],
      live: liveCluster(),
    });
    expect(codes(result.comparison?.introduced)).toEqual(['MESH-3002']);
  });
});

describe('plannedChain', () => {
  it('traces a request to the subset its headers select', () => {
    const chain = plannedChain({ manifests: objects(CHAIN) });
    const result = simulateRoute(chain, {
      url: 'http://web.example.com/',
      headers: { 'x-beta': '1' },
    });
    expect(result.reachable).toBe(true);
    expect(result.destinations).toEqual([
      expect.objectContaining({
        subset: 'v2',
        pods: ['web-v2-planned-1'],
        readyPods: 1,
      }),
    ]);
  });
});
