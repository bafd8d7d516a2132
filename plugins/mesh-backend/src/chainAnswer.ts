/*
 * How a chain answer is sent: a weak ETag of its revision (a `304` when
 * the caller already holds it), and the JSON compressed once per answer
 * and revision when it is the same for every caller (EncodedAnswers);
 * otherwise serialized for this request and left to the root router's
 * `compression` middleware.
 */
import type { MeshChainResponse } from '@mesh-chain/plugin-mesh-common';
import type { Request, Response } from 'express';
import {
  ANSWER_ENCODINGS,
  AnswerEncoding,
  EncodedAnswers,
  sharedAnswer,
} from './services/chains/EncodedAnswers';

/**
 * The encoding to send: brotli, then gzip, whichever the client accepts
 * first in that order (as the `compression` middleware prefers them);
 * none when it accepts neither.
 */
export function chooseEncoding(req: Request): AnswerEncoding | undefined {
  return ANSWER_ENCODINGS.find(
    encoding => req.acceptsEncodings(encoding) === encoding,
  );
}

/**
 * What makes two answers with the same revision the same bytes (timestamps
 * aside): the entity and its selector, the clusters asked and how they are
 * named, and the live-update window. The revision covers each cluster's part.
 */
function answerKey(body: MeshChainResponse): string {
  return JSON.stringify([
    body.entityRef,
    body.selector,
    body.namespace,
    body.liveForMs,
    body.clusters.map(chain => chain.cluster),
  ]);
}

/** Sends a chain answer (its ETag and cache headers already set). */
export function sendChainAnswer(
  req: Request,
  res: Response,
  body: MeshChainResponse,
  options: {
    encoded: EncodedAnswers;
    serialize: (body: MeshChainResponse) => string;
  },
): void {
  res.type('application/json');
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const encoding = chooseEncoding(req);
  if (!encoding || !sharedAnswer(body)) {
    const json = options.serialize(body);
    res.setHeader('content-length', Buffer.byteLength(json));
    res.end(json);
    return;
  }
  const bytes = options.encoded.encoded(
    answerKey(body),
    body.revision,
    encoding,
    () => options.serialize(body),
  );
  res.vary('Accept-Encoding');
  res.setHeader('content-encoding', encoding);
  res.setHeader('content-length', bytes.length);
  res.end(bytes);
}
