/*
 * OpenAPI documents, enough for kubectl: /openapi/v3 lists a document per
 * group version whose operations carry `x-kubernetes-group-version-kind`
 * (kubectl looks there for the patch types and query parameters a kind
 * supports; `fieldValidation` among them makes it validate on the server),
 * and /openapi/v2 is a valid but schema-less document (kubectl downloads it,
 * as protobuf, before client-side validation; without schemas it validates
 * nothing and leaves validation to the server).
 */
import { createHash } from 'crypto';
import { ResourceType, apiVersionOf } from '../api/resources';
import { KUBERNETES_VERSION } from './discovery';

function varint(value: number): number[] {
  const out: number[] = [];
  let n = value;
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function field(no: number, bytes: number[] | Buffer): number[] {
  const b = [...bytes];
  return [(no << 3) | 2, ...varint(b.length), ...b];
}

const str = (s: string) => [...Buffer.from(s, 'utf8')];

/** The gnostic `openapi_v2.Document` with swagger, info and empty paths. */
function openApiV2Protobuf(): Buffer {
  const version = `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}`;
  const info = [...field(1, str('Kubernetes')), ...field(2, str(version))];
  return Buffer.from([
    ...field(1, str('2.0')),
    ...field(2, info),
    ...field(8, []),
  ]);
}

export function openApiV2(
  _served: ResourceType[],
  accept: string | undefined,
): { body: Buffer | string; contentType: string } {
  if (accept?.includes('protobuf')) {
    return {
      body: openApiV2Protobuf(),
      contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    };
  }
  const version = `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}`;
  return {
    body: JSON.stringify({
      swagger: '2.0',
      info: { title: 'Kubernetes', version },
      paths: {},
      definitions: {},
    }),
    contentType: 'application/json',
  };
}

function gvPath(t: ResourceType, version: string) {
  return t.group ? `apis/${t.group}/${version}` : `api/${version}`;
}

function groupVersions(served: ResourceType[]): Map<string, ResourceType[]> {
  const out = new Map<string, ResourceType[]>();
  for (const t of served) {
    for (const v of t.versions) {
      const key = gvPath(t, v);
      out.set(key, [...(out.get(key) ?? []), t]);
    }
  }
  return out;
}

export function openApiV3Root(served: ResourceType[]) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, types] of groupVersions(served)) {
    const hash = createHash('sha512')
      .update(key + types.map(t => t.plural).join(','))
      .digest('hex')
      .slice(0, 128)
      .toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

const PATCH_CONTENT = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

function schemaName(t: ResourceType, version: string) {
  const group = t.group
    ? t.group.split('.').reverse().join('.')
    : 'io.k8s.api.core';
  return `${group}.${version}.${t.kind}`;
}

export function openApiV3Document(served: ResourceType[], key: string) {
  const types = groupVersions(served).get(key);
  if (!types) return undefined;
  const version = key.split('/').pop()!;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group: t.group, version, kind: t.kind };
    const name = schemaName(t, version);
    const ref = { $ref: `#/components/schemas/${name}` };
    schemas[name] = {
      type: 'object',
      description: `${t.kind} (${apiVersionOf(
        t,
        version,
      )}), served by the mesh-chain demo cluster.`,
      'x-kubernetes-group-version-kind': [gvk],
    };
    const base = t.namespaced
      ? `/${key}/namespaces/{namespace}/${t.plural}`
      : `/${key}/${t.plural}`;
    const op = (action: string, extra: Record<string, unknown> = {}) => ({
      operationId: `${action}${t.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [
        { name: 'dryRun', in: 'query', schema: { type: 'string' } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
        // kubectl validates on the server only where this is listed.
        ...(['post', 'put', 'patch'].includes(action)
          ? [
              {
                name: 'fieldValidation',
                in: 'query',
                schema: { type: 'string' },
              },
            ]
          : []),
      ],
      responses: {
        '200': { content: { 'application/json': { schema: ref } } },
      },
      ...extra,
    });
    paths[base] = {
      get: op('list'),
      post: op('post', {
        requestBody: { content: { '*/*': { schema: ref } } },
      }),
    };
    paths[`${base}/{name}`] = {
      get: op('get'),
      put: op('put', { requestBody: { content: { '*/*': { schema: ref } } } }),
      patch: {
        ...op('patch'),
        parameters: [
          ...op('patch').parameters,
          { name: 'force', in: 'query', schema: { type: 'boolean' } },
        ],
        requestBody: {
          content: Object.fromEntries(
            PATCH_CONTENT.map(c => [c, { schema: { type: 'object' } }]),
          ),
        },
      },
      delete: op('delete'),
    };
  }
  return {
    openapi: '3.0.0',
    info: {
      title: 'Kubernetes',
      version: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}`,
    },
    paths,
    components: { schemas },
  };
}
