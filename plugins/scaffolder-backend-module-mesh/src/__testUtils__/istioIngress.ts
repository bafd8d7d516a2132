import type { KubeObject } from '../lib/models';

/**
 * What a cluster with Istio holds in istio-system: the ingress gateway's
 * Deployment, ReplicaSet, a ready pod and Service (ports 80 and 443), and
 * the shared Gateway `istio-system/public-gateway` for `*.example.com`.
 */
export function istioIngressObjects(): KubeObject[] {
  const namespace = 'istio-system';
  const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  const name = 'istio-ingressgateway';
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [] } },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-1`,
        namespace,
        labels,
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: 'd' },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-1-a`,
        namespace,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `${name}-1`,
            uid: 'r',
          },
        ],
      },
      spec: { containers: [{ name: 'istio-proxy', image: 'istio/proxyv2' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: {
        type: 'LoadBalancer',
        selector: labels,
        ports: [
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public-gateway', namespace },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: ['*.example.com'],
          },
        ],
      },
    },
  ];
}
