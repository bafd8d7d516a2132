import { keepChainFields } from './trimObject';

describe('objects kept on shared shapes', () => {
  it('keeps every key, value and key order, as plain objects', () => {
    const raw = {
      metadata: {
        name: 'web',
        namespace: 'shop',
        labels: { version: 'v1', app: 'web', tier: 'front' },
      },
      spec: {
        hosts: ['web.example.com'],
        http: [{ route: [{ destination: { host: 'web', subset: 'v1' } }] }],
      },
    };
    const { object } = keepChainFields('virtualservices', raw, {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
    });
    expect(JSON.stringify(object)).toBe(
      JSON.stringify({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        ...raw,
      }),
    );
    expect(Object.keys(object!.metadata.labels!)).toEqual([
      'version',
      'app',
      'tier',
    ]);
    expect(Object.getPrototypeOf(object!.metadata)).toBe(Object.prototype);
    expect(object!.spec.http[0].route[0].destination.constructor).toBe(Object);
  });

  it('keeps a `__proto__` key of a hostile object as a key, never as the prototype', () => {
    const raw = JSON.parse(
      '{"metadata":{"name":"x","namespace":"n","labels":{"__proto__":"polluted","app":"a"}},"spec":{"selector":{"__proto__":{"polluted":true}}}}',
    );
    const { object } = keepChainFields('services', raw, {
      apiVersion: 'v1',
      kind: 'Service',
    });
    expect(Object.getPrototypeOf(object!.metadata.labels)).toBe(
      Object.prototype,
    );
    expect(Object.keys(object!.spec.selector)).toEqual(['__proto__']);
    expect(({} as any).polluted).toBeUndefined();
    expect(object!.spec.selector.polluted).toBeUndefined();
  });
});
