import { ApiError } from './errors';
import { ObjectApi, PATCH_TYPES, WriteContext } from './ObjectApi';
import { RESOURCE_TYPES, ResourceType } from './resources';
import { loadSchemas } from './schemas';
import { ServiceAllocator } from './ServiceAllocator';
import { scenarioObjects } from '../scenarios';
import { Store } from '../store/Store';
import type { KubeObject } from '../types';

/*
 * Malformed objects of every kind the scenarios hold, written every way a
 * client can write them: each field in turn replaced by a value of another
 * shape (an object for a list, a list for an object, a string for either,
 * an object for a plain value) or by null. Whatever the field, the answer is
 * success or a client error (400 or 422), never a 500 from code that
 * trusted the shape.
 */

const ctx: WriteContext = {
  caller: { user: 'test', groups: ['system:masters'] },
  fieldValidation: 'Strict',
  warnings: [],
};

type Path = Array<string | number>;

/** Every place of an object, with the value there. */
function places(value: unknown, path: Path = []): Array<[Path, unknown]> {
  const out: Array<[Path, unknown]> = path.length ? [[path, value]] : [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...places(v, [...path, i])));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(...places(v, [...path, k]));
    }
  }
  return out;
}

function wrongShapes(value: unknown): unknown[] {
  if (Array.isArray(value)) return [{}, 'x', null];
  if (value && typeof value === 'object') return [[], 'x', null];
  return [{}, [1], null];
}

function withValue(obj: KubeObject, path: Path, value: unknown): KubeObject {
  const copy = JSON.parse(JSON.stringify(obj));
  let at = copy;
  for (const p of path.slice(0, -1)) at = at[p];
  at[path[path.length - 1]] = value;
  return copy;
}

/** Runs one write: what is wrong if it threw anything but a client error. */
function serverError(what: string, write: () => unknown): string[] {
  try {
    write();
  } catch (error) {
    if (!(error instanceof ApiError)) {
      return [`${what}: ${(error as Error).stack}`];
    }
    if (error.code >= 500) {
      return [`${what}: ${error.code} ${error.message}`];
    }
  }
  return [];
}

/** Every way to write `bad` over `sample` (dry runs). */
function writes(
  api: ObjectApi,
  t: ResourceType,
  sample: KubeObject,
  bad: KubeObject,
  patch: string,
): Array<[string, () => unknown]> {
  const { namespace, name } = sample.metadata;
  const dry = { ...ctx, dryRun: true };
  return [
    [
      'create',
      () =>
        api.create(
          t,
          namespace,
          { ...bad, metadata: { ...bad.metadata, name: 'malformed' } },
          dry,
        ),
    ],
    ['update', () => api.update(t, namespace, name, bad, dry)],
    [
      'merge patch',
      () => api.patch(t, namespace, name, PATCH_TYPES.merge, patch, dry),
    ],
    ...(t.builtin
      ? ([
          [
            'strategic merge patch',
            () =>
              api.patch(t, namespace, name, PATCH_TYPES.strategic, patch, dry),
          ],
        ] as Array<[string, () => unknown]>)
      : []),
    [
      'server-side apply',
      () =>
        api.patch(t, namespace, name, PATCH_TYPES.apply, JSON.stringify(bad), {
          ...dry,
          fieldManager: 'test',
          force: true,
        }),
    ],
  ];
}

describe('malformed objects', () => {
  const env = {} as { api: ObjectApi };
  const typeOf = (o: KubeObject) =>
    RESOURCE_TYPES.find(
      t =>
        t.kind === o.kind &&
        t.versions.some(
          v => (t.group ? `${t.group}/${v}` : v) === o.apiVersion,
        ),
    )!;

  beforeAll(async () => {
    env.api = new ObjectApi(
      new Store(),
      await loadSchemas(),
      new ServiceAllocator(),
    );
  });

  // One object of every kind the scenarios write, and of the kinds the
  // controllers write, created for real first.
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'ghcr.io/acme/web:1',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [{ name: 'MODE', value: 'x' }],
          resources: { requests: { cpu: '100m' } },
          readinessProbe: { httpGet: { path: '/', port: 'http' } },
        },
      ],
    },
  };
  const objects: KubeObject[] = [
    ...scenarioObjects('dev'),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: template.spec,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'shop' },
      data: { 'a.conf': 'b' },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '10.244.0.9' }], ports: [{ port: 80 }] }],
    },
  ];
  const samples = new Map<string, KubeObject>();
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    if (!samples.has(key) || o.kind === 'Namespace') samples.set(key, o);
  }

  beforeAll(() => {
    for (const o of objects) {
      const t = typeOf(o);
      if (env.api.store.get(t, o.metadata.namespace ?? '', o.metadata.name)) {
        continue;
      }
      env.api.create(t, o.metadata.namespace, o, { ...ctx, seed: true });
    }
  });

  it.each([...samples.values()].filter(o => o.kind !== 'Namespace'))(
    'answers a client error for every misshapen or null field of a $kind ($apiVersion)',
    (sample: KubeObject) => {
      const t: ResourceType = typeOf(sample);
      const problems: string[] = [];
      for (const [path, value] of places(sample)) {
        if (path[0] === 'apiVersion' || path[0] === 'kind') continue;
        for (const wrong of wrongShapes(value)) {
          const bad = withValue(sample, path, wrong);
          const top = path[0] as string;
          const patch = JSON.stringify({ [top]: (bad as any)[top] });
          const what = `${path.join('.')} = ${JSON.stringify(wrong)}`;
          for (const [verb, write] of writes(env.api, t, sample, bad, patch)) {
            problems.push(...serverError(`${verb} ${what}`, write));
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it.each([
    ['http: {}', { hosts: ['a'], http: {} }],
    ['http: [{ route: "x" }]', { hosts: ['a'], http: [{ route: 'x' }] }],
    ['http: ["x"]', { hosts: ['a'], http: ['x'] }],
    [
      'tcp: [{ route: [{ destination: 1 }] }]',
      { hosts: ['a'], tcp: [{ route: [{ destination: 1 }] }] },
    ],
  ])('answers 422 naming the field for a VirtualService with %s', (_, spec) => {
    const t = typeOf({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
    } as KubeObject);
    let error: unknown;
    try {
      env.api.create(
        t,
        'shop',
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'bad', namespace: 'shop' },
          spec,
        },
        { ...ctx, dryRun: true },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(422);
    expect((error as ApiError).details?.causes?.[0]?.field).toMatch(
      /^spec\.(http|tcp)/,
    );
  });
});
