/*
 * What the server writes back: JSON bodies with the API server's headers,
 * Status errors, objects and lists in the negotiated form (JSON, Table or
 * PartialObjectMetadata), and `Warning` headers.
 */
import type { ServerResponse } from 'http';
import type { ApiError } from '../api/errors';
import type { ResourceType } from '../api/resources';
import { IncludeObject, toTable } from '../api/table';
import type { KubeObject } from '../types';
import type { StatsRecorder } from './stats';

const MAX_WARNING_BYTES = 4096;

/** The form of an object or list the client asked for (`Accept`). */
export type Format =
  | { kind: 'json' }
  | { kind: 'table'; include: IncludeObject }
  | { kind: 'partial' };

/** The form the `Accept` header asks for, the first one the server offers. */
export function negotiate(
  accept: string | undefined,
  query: URLSearchParams,
): Format {
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map(s => s.trim());
    const p = Object.fromEntries(
      params.map(x => x.split('=').map(s => s.trim()) as [string, string]),
    );
    if (type !== 'application/json' && type !== '*/*') continue;
    if (p.as === 'Table' && p.g === 'meta.k8s.io') {
      const include = (query.get('includeObject') ??
        'Metadata') as IncludeObject;
      return { kind: 'table', include };
    }
    if (
      (p.as === 'PartialObjectMetadata' ||
        p.as === 'PartialObjectMetadataList') &&
      p.g === 'meta.k8s.io'
    ) {
      return { kind: 'partial' };
    }
    if (!p.as) return { kind: 'json' };
  }
  return { kind: 'json' };
}

/** A list as the ObjectApi returns it. */
export interface ListBody {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Writes responses; objects are serialized once per stored version. */
export class Responses {
  private readonly json = new WeakMap<KubeObject, string>();

  constructor(private readonly stats: StatsRecorder) {}

  /** A whole response (just ends it if headers went out already). */
  send(
    res: ServerResponse,
    code: number,
    body: string | Buffer,
    type = 'application/json',
  ) {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(code, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-cache, private',
    });
    res.end(body);
  }

  /** A Status error, counted by code. */
  fail(res: ServerResponse, error: ApiError) {
    this.stats.error(error.code);
    this.send(res, error.code, JSON.stringify(error.toStatus()));
  }

  /** One object in the negotiated format. */
  object(
    res: ServerResponse,
    code: number,
    obj: KubeObject,
    type: ResourceType,
    apiVersion: string,
    format: Format,
  ) {
    if (obj.kind !== type.kind) {
      // Scale and other subresource kinds are sent as they are.
      this.send(res, code, JSON.stringify(obj));
      return;
    }
    if (format.kind === 'table') {
      const table = toTable(type, [obj], {
        include: format.include,
        apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
      });
      this.send(res, code, JSON.stringify(table));
      return;
    }
    if (format.kind === 'partial') {
      this.send(
        res,
        code,
        JSON.stringify({
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: obj.metadata,
        }),
      );
      return;
    }
    this.send(res, code, this.objectJson(obj, apiVersion));
  }

  /** A list in the negotiated format. */
  list(
    res: ServerResponse,
    type: ResourceType,
    apiVersion: string,
    result: ListBody,
    format: Format,
  ) {
    const metadata = {
      resourceVersion: result.resourceVersion,
      ...(result.continue && { continue: result.continue }),
      ...(result.remainingItemCount !== undefined && {
        remainingItemCount: result.remainingItemCount,
      }),
    };
    if (format.kind === 'table') {
      this.send(
        res,
        200,
        JSON.stringify(
          toTable(type, result.items, {
            ...metadata,
            include: format.include,
            apiVersion,
          }),
        ),
      );
      return;
    }
    if (format.kind === 'partial') {
      this.send(
        res,
        200,
        JSON.stringify({
          kind: 'PartialObjectMetadataList',
          apiVersion: 'meta.k8s.io/v1',
          metadata,
          items: result.items.map(o => ({
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: o.metadata,
          })),
        }),
      );
      return;
    }
    const head = `{"kind":"${
      type.kind
    }List","apiVersion":"${apiVersion}","metadata":${JSON.stringify(
      metadata,
    )},"items":[`;
    const items = result.items.map(o => this.objectJson(o, apiVersion));
    const body = `${head}${items.join(',')}]}`;
    this.send(res, 200, body);
  }

  /**
   * One `Warning: 299 - "..."` header per warning, as the API server sends
   * them (kubectl prints each as `Warning: ...`): ASCII only, and like the
   * API server's recorder at most about 4 KiB in all (long warnings are
   * cut to 256 characters, and what does not fit is dropped).
   */
  warn(res: ServerResponse, warnings: string[] | undefined) {
    if (!warnings?.length) return;
    const total = warnings.reduce((n, w) => n + w.length, 0);
    const values: string[] = [];
    let size = 0;
    for (const w of warnings) {
      const text = total > MAX_WARNING_BYTES ? w.slice(0, 256) : w;
      const value = `299 - ${JSON.stringify(text).replace(
        /[^\x20-\x7e]/g,
        c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )}`;
      if (size + value.length > MAX_WARNING_BYTES) break;
      size += value.length;
      values.push(value);
    }
    res.setHeader('Warning', values);
  }

  /** JSON of an object at a version, cached for the storage version. */
  private objectJson(o: KubeObject, apiVersion: string): string {
    if (o.apiVersion !== apiVersion)
      return JSON.stringify({ ...o, apiVersion });
    let s = this.json.get(o);
    if (!s) {
      s = JSON.stringify(o);
      this.json.set(o, s);
    }
    return s;
  }
}
