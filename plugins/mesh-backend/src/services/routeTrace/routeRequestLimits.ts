/*
 * Size limits of a route simulation request, so that a hostile caller cannot
 * make one request cost much: the URL and the headers are matched against
 * every route of the chain. The values follow Envoy's defaults where Envoy
 * has one (at most 100 headers, 60 KiB of headers in all); they are
 * documented in the README and in the OpenAPI spec.
 */
import { InputError } from '@backstage/errors';
import express, { RequestHandler } from 'express';
import type { RefinementCtx } from 'zod';

/** The limits of `POST /entities/{kind}/{namespace}/{name}/route`. */
export const ROUTE_REQUEST_LIMITS = {
  /** The JSON body, in bytes (checked by `express.json`, answered 413). */
  bodyBytes: 128 * 1024,
  /** `url`, in UTF-8 bytes. */
  urlBytes: 16 * 1024,
  /** Number of entries of `headers` (Envoy's `max_headers_count`). */
  headerCount: 100,
  /** One header name, in UTF-8 bytes. */
  headerNameBytes: 256,
  /** One header value, in UTF-8 bytes. */
  headerValueBytes: 8 * 1024,
  /** All header names and values together (Envoy's `max_request_headers_kb`). */
  headersBytes: 60 * 1024,
} as const;

function size(bytes: number): string {
  return bytes % 1024 === 0
    ? `${bytes / 1024} KiB`
    : `${bytes.toLocaleString('en-US')} bytes`;
}

function tooLong(what: string, bytes: number, limit: number): string {
  return `is ${bytes.toLocaleString(
    'en-US',
  )} bytes long; the limit ${what} is ${size(limit)} (${limit.toLocaleString(
    'en-US',
  )} bytes)`;
}

/**
 * Adds an issue for each limit a route simulation request exceeds, naming
 * the field and the limit. Meant for zod's `superRefine` on the request
 * body.
 */
export function checkRouteRequestLimits(
  body: { url: string; headers?: Record<string, string> },
  ctx: RefinementCtx,
): void {
  const L = ROUTE_REQUEST_LIMITS;
  // zod may refine a body whose types it already found wrong.
  const urlBytes =
    typeof body.url === 'string' ? Buffer.byteLength(body.url) : 0;
  if (urlBytes > L.urlBytes) {
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: tooLong('for a URL', urlBytes, L.urlBytes),
    });
  }
  const headers = Object.entries(
    typeof body.headers === 'object' && body.headers !== null
      ? body.headers
      : {},
  ).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  if (headers.length > L.headerCount) {
    ctx.addIssue({
      code: 'custom',
      path: ['headers'],
      message: `has ${headers.length} headers; the limit is ${L.headerCount} headers`,
    });
  }
  let total = 0;
  for (const [name, value] of headers) {
    const nameBytes = Buffer.byteLength(name);
    const valueBytes = Buffer.byteLength(value);
    total += nameBytes + valueBytes;
    if (nameBytes > L.headerNameBytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['headers'],
        message: `has a header name ('${name.slice(0, 40)}…') that ${tooLong(
          'for a header name',
          nameBytes,
          L.headerNameBytes,
        )}`,
      });
    }
    if (valueBytes > L.headerValueBytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['headers', name.slice(0, L.headerNameBytes)],
        message: tooLong('for a header value', valueBytes, L.headerValueBytes),
      });
    }
  }
  if (total > L.headersBytes) {
    ctx.addIssue({
      code: 'custom',
      path: ['headers'],
      message: `are ${total.toLocaleString(
        'en-US',
      )} bytes in all (names and values); the limit for all headers together is ${size(
        L.headersBytes,
      )} (${L.headersBytes.toLocaleString('en-US')} bytes)`,
    });
  }
}

const parseJson = express.json({ limit: ROUTE_REQUEST_LIMITS.bodyBytes });

/**
 * Parses a JSON body of at most `ROUTE_REQUEST_LIMITS.bodyBytes`; a larger
 * one is an `InputError` (400) that names the limit.
 */
export const parseJsonBody: RequestHandler = (req, res, next) =>
  parseJson(req, res, (error?: any) => {
    if (error?.type === 'entity.too.large') {
      next(
        new InputError(
          `The request body is ${Number(error.length).toLocaleString(
            'en-US',
          )} bytes; the limit is ${size(
            ROUTE_REQUEST_LIMITS.bodyBytes,
          )} (${ROUTE_REQUEST_LIMITS.bodyBytes.toLocaleString('en-US')} bytes)`,
        ),
      );
      return;
    }
    next(error);
  });
