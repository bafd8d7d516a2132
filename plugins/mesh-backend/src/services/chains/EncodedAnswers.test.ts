import type {
  ClusterChain,
  MeshChainResponse,
} from '@mesh-chain/plugin-mesh-common';
import { brotliDecompressSync, gunzipSync } from 'zlib';
import { EncodedAnswers, sharedAnswer } from './EncodedAnswers';

const JSON_TEXT = JSON.stringify({ chain: 'x'.repeat(2000) });

function answers(maxEntries = 10) {
  let now = 1_000;
  const encoded = new EncodedAnswers({
    maxAgeMs: 2_000,
    maxEntries,
    now: () => now,
  });
  let renders = 0;
  const render = (text = JSON_TEXT) => {
    renders += 1;
    return text;
  };
  return {
    encoded,
    render,
    renders: () => renders,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('EncodedAnswers', () => {
  it('compresses an answer in the encoding asked for, once while its revision stays', () => {
    const { encoded, render, renders, advance } = answers();
    const br = encoded.encoded('a', 'r1', 'br', render);
    expect(brotliDecompressSync(br).toString()).toBe(JSON_TEXT);
    advance(1_999);
    expect(encoded.encoded('a', 'r1', 'br', render)).toBe(br);
    expect(renders()).toBe(1);

    const gzip = encoded.encoded('a', 'r1', 'gzip', render);
    expect(gunzipSync(gzip).toString()).toBe(JSON_TEXT);
    expect(renders()).toBe(2);
  });

  it('renders again when the revision changes, and when the answer is too old', () => {
    const { encoded, render, renders, advance } = answers();
    encoded.encoded('a', 'r1', 'br', render);
    const changed = encoded.encoded('a', 'r2', 'br', () => render('{"b":2}'));
    expect(brotliDecompressSync(changed).toString()).toBe('{"b":2}');
    expect(renders()).toBe(2);

    advance(2_000);
    encoded.encoded('a', 'r2', 'br', render);
    expect(renders()).toBe(3);
  });

  it('keeps answers apart by key', () => {
    const { encoded, render } = answers();
    encoded.encoded('a', 'r1', 'br', () => render('{"a":1}'));
    const b = encoded.encoded('b', 'r1', 'br', () => render('{"b":1}'));
    expect(brotliDecompressSync(b).toString()).toBe('{"b":1}');
  });

  it('holds at most maxEntries answers, and none that expired', () => {
    const { encoded, render, advance } = answers(2);
    encoded.encoded('a', 'r', 'br', render);
    encoded.encoded('b', 'r', 'br', render);
    encoded.encoded('c', 'r', 'br', render);
    expect(encoded.size).toBe(2);
    advance(2_500);
    encoded.encoded('d', 'r', 'br', render);
    expect(encoded.size).toBe(1);
  });
});

describe('sharedAnswer', () => {
  const chain = (source: 'cache' | 'direct') =>
    ({ cluster: { name: source }, source } as ClusterChain);
  const response = (clusters: ClusterChain[]) =>
    ({
      entityRef: 'component:default/a',
      status: 'configured',
      clusters,
      revision: 'r',
      generatedAt: '',
    } as MeshChainResponse);

  it('is an answer served from watch caches only', () => {
    expect(sharedAnswer(response([chain('cache'), chain('cache')]))).toBe(true);
  });

  it("is never an answer read with the caller's credential", () => {
    expect(sharedAnswer(response([chain('cache'), chain('direct')]))).toBe(
      false,
    );
    expect(sharedAnswer(response([]))).toBe(false);
  });
});
