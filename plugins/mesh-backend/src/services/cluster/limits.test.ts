import { displayObject } from './displayObject';
import { MAX_OBJECT_BYTES } from './limits';
import { keepChainFields } from './trimObject';

const SERVICE = { apiVersion: 'v1', kind: 'Service' };
const VS = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' };

describe('size limits of cached and shown objects', () => {
  it('cuts a long annotation value of any kind to a prefix that says how much was cut', () => {
    const { object, problem } = displayObject(
      'services',
      {
        metadata: {
          name: 'web',
          namespace: 'shop',
          annotations: { blob: 'é'.repeat(450_000), small: 'kept' },
        },
        spec: { selector: { app: 'web' } },
      },
      SERVICE,
    );
    expect(problem).toBeUndefined();
    const blob = object!.metadata.annotations!.blob;
    // 450,000 two-byte characters, 512 of them kept.
    expect(blob).toBe(`${'é'.repeat(512)}…[cut: ${(450_000 - 512) * 2} bytes]`);
    expect(object!.metadata.annotations!.small).toBe('kept');
    expect(object!.spec).toEqual({ selector: { app: 'web' } });
  });

  it('cuts long label values and keys, and long strings anywhere in spec and status', () => {
    const long = 'a'.repeat(5000);
    const { object } = keepChainFields(
      'virtualservices',
      {
        metadata: {
          name: 'web',
          namespace: 'shop',
          labels: { app: 'web', big: long, [long]: 'x' },
        },
        spec: {
          hosts: ['web', long],
          http: [{ match: [{ uri: { regex: long } }] }],
        },
        status: { message: long },
      },
      VS,
    );
    const cutLong = `${'a'.repeat(512)}…[cut: 4488 bytes]`;
    expect(object!.metadata.labels).toEqual({
      app: 'web',
      big: cutLong,
      [cutLong]: 'x',
    });
    expect(object!.spec.hosts).toEqual(['web', cutLong]);
    expect(object!.spec.http[0].match[0].uri.regex).toBe(cutLong);
    expect(object!.status.message).toBe(cutLong);
  });

  it('keeps strings up to the limit whole', () => {
    const atLimit = 'b'.repeat(4096);
    const { object } = displayObject(
      'services',
      {
        metadata: { name: 'web', annotations: { a: atLimit } },
      },
      SERVICE,
    );
    expect(object!.metadata.annotations!.a).toBe(atLimit);
  });

  it('drops the annotations of an object over the per-object budget, and says so', () => {
    const annotations: Record<string, string> = {};
    for (let i = 0; i < 200; i++) {
      annotations[`note-${i}`] = 'c'.repeat(4000);
    }
    const { object, problem } = displayObject(
      'services',
      {
        metadata: { name: 'web', namespace: 'shop', annotations },
        spec: { selector: { app: 'web' } },
      },
      SERVICE,
    );
    expect(object!.metadata.annotations).toBeUndefined();
    expect(object!.spec).toEqual({ selector: { app: 'web' } });
    expect(problem).toBe(
      'annotations dropped: the object is over the per-object budget of 256 KiB',
    );
  });

  it('drops the spec and status of an object still over the budget, keeping it indexable', () => {
    const hosts = Array.from({ length: 20_000 }, (_, i) => `host-${i}.example`);
    const { object, problem } = keepChainFields(
      'virtualservices',
      {
        metadata: { name: 'huge', namespace: 'shop', labels: { app: 'x' } },
        spec: { hosts },
      },
      VS,
    );
    expect(JSON.stringify({ hosts }).length).toBeGreaterThan(MAX_OBJECT_BYTES);
    expect(object).toMatchObject({
      metadata: { name: 'huge', namespace: 'shop', labels: { app: 'x' } },
    });
    expect(object!.spec).toBeUndefined();
    expect(problem).toMatch(
      /^spec and status dropped: the object is \d+ KiB, over the per-object budget of 256 KiB$/,
    );
  });
});
