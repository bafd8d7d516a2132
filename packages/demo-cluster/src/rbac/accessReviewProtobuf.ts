/*
 * `kubectl auth can-i` posts its SelfSubjectAccessReview as protobuf
 * (Content-Type application/vnd.kubernetes.protobuf; it accepts a JSON
 * answer). The simulator otherwise reads JSON and YAML only, so this reads
 * just that one message: the `k8s\0` envelope (runtime.Unknown), then the
 * review's spec (k8s.io/api/authorization/v1 generated.proto field numbers).
 */
import { unsupportedMediaType } from '../api/errors';
import type { KubeObject } from '../types';

/** The fields of one protobuf message: number to raw bytes (or varint). */
function fields(buf: Buffer): Map<number, Buffer | number> {
  const out = new Map<number, Buffer | number>();
  let i = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length || shift > 35) {
        throw unsupportedMediaType('malformed protobuf body');
      }
      const b = buf[i++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const wire = key & 7;
    const no = Math.floor(key / 8);
    if (wire === 0) {
      out.set(no, varint());
    } else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) {
        throw unsupportedMediaType('malformed protobuf body');
      }
      out.set(no, buf.subarray(i, i + len));
      i += len;
    } else {
      throw unsupportedMediaType(
        `unsupported protobuf wire type ${wire} in the request body`,
      );
    }
  }
  return out;
}

function message(
  value: Buffer | number | undefined,
): Map<number, Buffer | number> {
  return Buffer.isBuffer(value) ? fields(value) : new Map();
}

function text(value: Buffer | number | undefined): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : '';
}

const MAGIC = Buffer.from('k8s\0', 'latin1');

/**
 * Decodes a protobuf SelfSubjectAccessReview into its JSON form (spec only;
 * that is all the API server reads of it).
 */
export function decodeAccessReview(body: Buffer): KubeObject {
  if (!body.subarray(0, 4).equals(MAGIC)) {
    throw unsupportedMediaType(
      'the protobuf body does not start with the Kubernetes envelope (k8s\\0)',
    );
  }
  const unknown = fields(body.subarray(4));
  const typeMeta = message(unknown.get(1));
  const kind = text(typeMeta.get(2));
  if (kind !== 'SelfSubjectAccessReview') {
    throw unsupportedMediaType(
      `the demo cluster reads protobuf only for SelfSubjectAccessReview, not ${
        kind || 'this body'
      }; send JSON or YAML`,
    );
  }
  const review = message(unknown.get(2));
  const spec = message(review.get(2));
  const resource = spec.get(1);
  const nonResource = spec.get(2);
  const r = message(resource);
  const n = message(nonResource);
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {} as KubeObject['metadata'],
    spec: {
      ...(resource !== undefined && {
        resourceAttributes: {
          namespace: text(r.get(1)),
          verb: text(r.get(2)),
          group: text(r.get(3)),
          version: text(r.get(4)),
          resource: text(r.get(5)),
          subresource: text(r.get(6)),
          name: text(r.get(7)),
        },
      }),
      ...(nonResource !== undefined && {
        nonResourceAttributes: { path: text(n.get(1)), verb: text(n.get(2)) },
      }),
    },
  };
}
