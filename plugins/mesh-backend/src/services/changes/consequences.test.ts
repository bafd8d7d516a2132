import type { Diagnostic, RouteInfo } from '@mesh-chain/plugin-mesh-common';
import { diagnosticsDelta, objectDiff, sampleRequest } from './consequences';

const ref = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  namespace: 'shop',
  name: 'checkout',
};

function diagnostic(code: string, message: string, path?: string): Diagnostic {
  return {
    code,
    severity: 'error',
    title: code,
    message,
    fix: '',
    resources: [ref],
    ...(path && { path }),
  };
}

describe('diagnosticsDelta', () => {
  it('tells introduced, fixed and remaining diagnostics apart by code, resource and field', () => {
    const delta = diagnosticsDelta(
      [
        diagnostic('MESH-1002', 'sends 10% to a missing Service', 'a'),
        diagnostic('MESH-1003', 'no subset v3', 'b'),
      ],
      [
        diagnostic('MESH-1002', 'sends 50% to a missing Service', 'a'),
        diagnostic('MESH-3002', 'subset selects no pods', 'c'),
      ],
    );
    expect(delta.introduced.map(d => d.code)).toEqual(['MESH-3002']);
    expect(delta.fixed.map(d => d.code)).toEqual(['MESH-1003']);
    // As it reads after the change.
    expect(delta.remaining.map(d => d.message)).toEqual([
      'sends 50% to a missing Service',
    ]);
  });
});

function route(overrides: Partial<RouteInfo>): RouteInfo {
  return {
    id: 'dev/shop/checkout/http/0',
    source: ref,
    protocol: 'http',
    index: 0,
    hosts: ['checkout.example.com'],
    gateways: ['istio-system/public'],
    externalUrls: [],
    match: [],
    destinations: [],
    ...overrides,
  };
}

describe('sampleRequest', () => {
  it('makes up a request the route serves, from its external URL and match', () => {
    expect(
      sampleRequest(
        route({
          externalUrls: ['https://checkout.example.com/api'],
          match: [
            {
              uri: { prefix: '/api' },
              method: { exact: 'POST' },
              headers: {
                'x-canary': { exact: 'yes' },
                'x-re': { regex: '.*' },
              },
            },
          ],
        }),
      ),
    ).toEqual({
      url: 'https://checkout.example.com/api',
      from: 'gateway',
      method: 'POST',
      headers: { 'x-canary': 'yes' },
    });
  });

  it('makes one up inside the mesh for mesh-only routes, and none for TCP', () => {
    expect(
      sampleRequest(
        route({
          hosts: ['checkout'],
          gateways: ['mesh'],
          match: [{ uri: { exact: '/health' } }],
        }),
      ),
    ).toEqual({
      url: 'http://checkout/health',
      from: 'mesh',
      sourceNamespace: 'shop',
    });
    expect(sampleRequest(route({ protocol: 'tcp' }))).toBeUndefined();
  });
});

describe('objectDiff', () => {
  it('is a unified diff of what a person reads: no bookkeeping, no status', () => {
    const before = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name: 'web',
        namespace: 'shop',
        resourceVersion: '1',
        managedFields: [{ manager: 'x' }],
      },
      spec: { minReplicas: 2, maxReplicas: 6 },
      status: { currentReplicas: 6 },
    };
    const after = {
      ...before,
      metadata: { ...before.metadata, resourceVersion: '2' },
      spec: { minReplicas: 2, maxReplicas: 10 },
    };
    const diff = objectDiff(before, after);
    expect(diff.split('\n').slice(0, 2)).toEqual([
      '--- HorizontalPodAutoscaler shop/web\tbefore',
      '+++ HorizontalPodAutoscaler shop/web\tafter',
    ]);
    expect(diff).toContain('-  maxReplicas: 6\n+  maxReplicas: 10');
    expect(diff).not.toMatch(/resourceVersion|managedFields|currentReplicas/);
  });
});
