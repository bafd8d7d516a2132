/*
 * A request as the server reads it: its path and query, the resource path
 * it names, and its body (JSON or YAML, at most 3 MiB).
 */
import type { IncomingMessage } from 'http';
import YAML from 'yaml';
import {
  ApiError,
  badRequest,
  tooLarge,
  unsupportedMediaType,
} from '../api/errors';
import { jsonDuplicateFields } from '../api/fieldValidation';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The parts of a request's URL the server routes by. */
export interface KubeRequest {
  req: IncomingMessage;
  method: string;
  /** The path without trailing slashes (`/` for the root). */
  path: string;
  /** The decoded path segments. */
  segments: string[];
  query: URLSearchParams;
  /** `?watch=true` (or `1`). */
  isWatch: boolean;
}

/** Reads the URL and method of a request. */
export function parseRequest(req: IncomingMessage): KubeRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const query = url.searchParams;
  return {
    req,
    method: req.method ?? 'GET',
    path,
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    query,
    isWatch: query.get('watch') === 'true' || query.get('watch') === '1',
  };
}

/** The request body as bytes; a body over 3 MiB is a 413. */
export function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return readBodyBytes(req).then(b => b.toString('utf8'));
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0].trim();
}

/** A JSON or YAML body (undefined when empty); anything else is a 4xx. */
export function parseBody(
  raw: string,
  contentType: string | undefined,
): unknown {
  if (!raw.trim()) return undefined;
  const type = mediaType(contentType);
  try {
    if (type === 'application/yaml' || type === 'application/x-yaml') {
      return YAML.parse(raw);
    }
    if (type.includes('protobuf') || type.includes('cbor')) {
      throw unsupportedMediaType(
        'the demo cluster reads request bodies as JSON or YAML only, not protobuf (which kubectl\'s typed "create <kind>" commands send); use `kubectl create -f` or `kubectl apply -f` with a manifest instead - accepted media types include: application/json, application/yaml',
      );
    }
    return JSON.parse(raw);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw badRequest(
      `the request body is not valid ${type}: ${(error as Error).message}`,
    );
  }
}

/** Duplicate fields of a JSON body (YAML bodies refuse duplicate keys). */
export function duplicatesOf(
  raw: string,
  contentType: string | undefined,
): string[] {
  return mediaType(contentType) === 'application/json' && raw.trim()
    ? jsonDuplicateFields(raw)
    : [];
}

/** `?dryRun=All` (the only value the API server accepts). */
export function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  if (!values.length) return false;
  for (const v of values) {
    if (v !== 'All') {
      throw badRequest(
        `dryRun: Unsupported value: "${v}": supported values: "All"`,
      );
    }
  }
  return true;
}
