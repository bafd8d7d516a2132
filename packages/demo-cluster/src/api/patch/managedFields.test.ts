import {
  fieldSet,
  fromFieldsV1,
  recordUpdate,
  serverSideApply,
  toFieldsV1,
} from './managedFields';

const shape = { kind: 'Deployment', builtin: true };
const now = '2025-01-01T00:00:00Z';

const config = (
  replicas: number,
  image: string,
  extra: Record<string, string> = {},
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'n', labels: { app: 'd', ...extra } },
  spec: {
    replicas,
    template: {
      spec: {
        containers: [{ name: 'app', image, ports: [{ containerPort: 80 }] }],
      },
    },
  },
});

describe('managed fields', () => {
  it('round-trips field sets through fieldsV1 with keyed list items', () => {
    const set = fieldSet(shape, config(1, 'a:1'), 'main');
    const v1 = toFieldsV1(set);
    expect(v1).toMatchObject({
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': {
                '.': {},
                'f:image': {},
                'f:ports': {
                  'k:{"containerPort":80,"protocol":"TCP"}': {
                    '.': {},
                    'f:containerPort': {},
                  },
                },
              },
            },
          },
        },
      },
    });
    expect(fromFieldsV1(v1)).toEqual(set);
  });

  it('reports conflicts with other managers unless forced, and shares equal values', () => {
    const created = serverSideApply({
      shape,
      live: undefined,
      config: config(2, 'a:1'),
      manager: 'ci',
      apiVersion: 'apps/v1',
      force: false,
      scope: 'main',
      now,
    }).object;
    // Another manager scales with an ordinary update.
    const scaled: any = { ...created, spec: { ...created.spec, replicas: 5 } };
    scaled.metadata = {
      ...scaled.metadata,
      managedFields: recordUpdate({
        shape,
        old: created,
        next: scaled,
        manager: 'kubectl',
        apiVersion: 'apps/v1',
        scope: 'main',
        now,
      }),
    };

    const again = serverSideApply({
      shape,
      live: scaled,
      config: config(2, 'a:2'),
      manager: 'ci',
      apiVersion: 'apps/v1',
      force: false,
      scope: 'main',
      now,
    });
    expect(again.conflicts).toEqual([
      { manager: 'kubectl', apiVersion: 'apps/v1', field: '.spec.replicas' },
    ]);

    const same = serverSideApply({
      shape,
      live: scaled,
      config: config(5, 'a:2'),
      manager: 'ci',
      apiVersion: 'apps/v1',
      force: false,
      scope: 'main',
      now,
    });
    expect(same.conflicts).toEqual([]);
    expect(same.object.spec.template.spec.containers[0].image).toBe('a:2');

    const forced = serverSideApply({
      shape,
      live: scaled,
      config: config(2, 'a:2'),
      manager: 'ci',
      apiVersion: 'apps/v1',
      force: true,
      scope: 'main',
      now,
    });
    expect(forced.object.spec.replicas).toBe(2);
    expect(
      forced.object.metadata.managedFields.map((e: any) => e.manager),
    ).toEqual(['ci']);
  });

  it('removes fields a manager stops applying, unless someone else owns them', () => {
    const created = serverSideApply({
      shape,
      live: undefined,
      config: config(1, 'a:1', { team: 'x', tier: 'web' }),
      manager: 'ci',
      apiVersion: 'apps/v1',
      force: false,
      scope: 'main',
      now,
    }).object;
    const labelled = serverSideApply({
      shape,
      live: created,
      config: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', labels: { tier: 'web' } },
      },
      manager: 'other',
      apiVersion: 'apps/v1',
      force: false,
      scope: 'main',
      now,
    }).object;
    const slimmer = serverSideApply({
      shape,
      live: labelled,
      config: config(1, 'a:1'),
      manager: 'ci',
      apiVersion: 'apps/v1',
      force: false,
      scope: 'main',
      now,
    }).object;
    expect(slimmer.metadata.labels).toEqual({ app: 'd', tier: 'web' });
  });
});
