import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'The smallest chain: one Deployment, a ClusterIP Service, a new Gateway for one host and a VirtualService routing everything to the service.',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'mesh:chain:render',
          name: 'Render the service chain',
          input: {
            name: 'checkout',
            namespace: 'shop',
            image: 'ghcr.io/acme/checkout:1.4.2',
            containerPort: 8080,
            hosts: ['checkout.example.com'],
          },
        },
      ],
    }),
  },
  {
    description:
      'Attach to a shared Gateway (istio-system/public-gateway) with two path routes: /api/catalog rewritten to / with a timeout and retries, and the exact path /catalog.',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'mesh:chain:render',
          name: 'Render the service chain',
          input: {
            name: 'catalog-api',
            namespace: 'shop',
            image:
              'registry.example.com:5000/shop/catalog-api@sha256:4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
            containerPort: 9090,
            replicas: 3,
            healthCheckPath: '/healthz',
            gateway: { mode: 'existing', ref: 'istio-system/public-gateway' },
            hosts: ['shop.example.com'],
            routes: [
              {
                path: '/api/catalog',
                rewrite: '/',
                timeout: '5s',
                retries: {
                  attempts: 3,
                  perTryTimeout: '2s',
                  retryOn: '5xx,connect-failure,reset',
                },
              },
              { path: '/catalog', match: 'exact' },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'A canary: 90% to v1 and 10% to v2 (each with its own Deployment, HPA and subset), HTTPS with a redirect, session affinity on a cookie, circuit breaking, and CPU/memory autoscaling with scaling behavior.',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'mesh:chain:render',
          name: 'Render the service chain',
          input: {
            name: 'payments',
            namespace: 'finance',
            partOf: 'webshop',
            image: 'ghcr.io/acme/payments:2.0.0',
            containerPort: 8443,
            protocol: 'http2',
            resources: {
              requests: { cpu: '250m', memory: '256Mi' },
              limits: { cpu: '1', memory: '512Mi' },
            },
            versions: [
              { name: 'v1', weight: 90 },
              {
                name: 'v2',
                image: 'ghcr.io/acme/payments:2.1.0-rc1',
                weight: 10,
              },
            ],
            hosts: ['payments.example.com'],
            tls: { credentialName: 'payments-tls', httpsRedirect: true },
            trafficPolicy: {
              loadBalancer: {
                consistentHash: {
                  httpCookie: { name: 'session', ttl: '3600s' },
                },
              },
              connectionPool: {
                maxConnections: 100,
                http1MaxPendingRequests: 50,
                maxRequestsPerConnection: 10,
              },
              outlierDetection: {
                consecutive5xxErrors: 5,
                interval: '10s',
                baseEjectionTime: '30s',
                maxEjectionPercent: 50,
              },
            },
            autoscaling: {
              enabled: true,
              minReplicas: 2,
              maxReplicas: 10,
              cpuUtilization: 70,
              memoryUtilization: 80,
              behavior: {
                scaleUp: {
                  policies: [
                    { type: 'Percent', value: 100, periodSeconds: 60 },
                  ],
                },
                scaleDown: {
                  stabilizationWindowSeconds: 300,
                  policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
                },
              },
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Create the namespace (labelled for sidecar injection), expose the Service on a node port as well, route in-mesh calls through the same rules, and write the manifests to deploy/.',
    example: yaml.stringify({
      steps: [
        {
          id: 'render',
          action: 'mesh:chain:render',
          name: 'Render the service chain',
          input: {
            name: 'inventory',
            namespace: 'warehouse',
            createNamespace: true,
            image: 'inventory:0.3.1',
            containerPort: 8080,
            service: { type: 'NodePort', port: 80, nodePort: 30080 },
            hosts: ['inventory.internal.example.com'],
            meshRouting: true,
            trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
            targetPath: 'deploy',
          },
        },
      ],
    }),
  },
];
