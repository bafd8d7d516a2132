/*
 * Chain answers compressed once and sent again while they stay the same:
 * the pages that open one entity within a moment of each other (or all
 * refetch it after one signal) cost one serialization and one compression,
 * not one each. Only answers that are the same for every caller allowed to
 * read them are kept (see `sharedAnswer`), for `maxAgeMs` at most, so the
 * timestamps they carry (`generatedAt`, `observedAt`) are never older than
 * that.
 */
import type { MeshChainResponse } from '@mesh-chain/plugin-mesh-common';
import { brotliCompressSync, constants, gzipSync } from 'zlib';
import { ExpiringEntries } from '../ExpiringEntries';

/** The encodings answers are kept in, in the order they are preferred. */
export const ANSWER_ENCODINGS = ['br', 'gzip'] as const;

/** A `Content-Encoding` an answer is kept in. */
export type AnswerEncoding = (typeof ANSWER_ENCODINGS)[number];

/** How long an encoded answer is sent again, at most (ms). */
export const ENCODED_ANSWER_MAX_AGE_MS = 2_000;

/** Options of {@link EncodedAnswers}. */
export interface EncodedAnswersOptions {
  /** How long an answer is sent again (ms). */
  maxAgeMs?: number;
  /** Answers kept at most (the least recently used go first). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Whether an answer is the same for every caller that may read the entity:
 * every cluster served from a watch cache (read with the backend's own
 * credential), none read with the caller's.
 */
export function sharedAnswer(response: MeshChainResponse): boolean {
  return (
    response.status === 'configured' &&
    response.clusters.length > 0 &&
    response.clusters.every(chain => chain.source === 'cache')
  );
}

/** Compresses a JSON text as the `compression` middleware would. */
export function encodeAnswer(json: string, encoding: AnswerEncoding): Buffer {
  const input = Buffer.from(json);
  if (encoding === 'gzip') {
    return gzipSync(input);
  }
  return brotliCompressSync(input, {
    params: {
      // The middleware's quality: the bytes a browser receives stay as they were.
      [constants.BROTLI_PARAM_QUALITY]: 4,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
    },
  });
}

/**
 * Encoded chain answers by answer key (entity, target, query) and encoding,
 * each valid for one revision and `maxAgeMs`.
 */
export class EncodedAnswers {
  private readonly entries: ExpiringEntries<{
    revision: string;
    bytes: Buffer;
  }>;

  constructor(options: EncodedAnswersOptions = {}) {
    this.entries = new ExpiringEntries({
      ttlMs: options.maxAgeMs ?? ENCODED_ANSWER_MAX_AGE_MS,
      maxEntries: options.maxEntries ?? 1000,
      now: options.now,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The answer `key` at `revision` in `encoding`: the bytes kept from the
   * last `maxAgeMs`, or `render()`'s JSON compressed now (and kept).
   */
  encoded(
    key: string,
    revision: string,
    encoding: AnswerEncoding,
    render: () => string,
  ): Buffer {
    const entryKey = `${encoding}\u0000${key}`;
    const hit = this.entries.get(entryKey);
    if (hit && hit.revision === revision) {
      return hit.bytes;
    }
    const bytes = encodeAnswer(render(), encoding);
    this.entries.set(entryKey, { revision, bytes });
    return bytes;
  }
}
