import { jsonMergePatch, jsonPatch, strategicMergePatch } from './patches';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
};

describe('strategic merge patch', () => {
  it('merges containers and env by name, deletes with null and $patch', () => {
    const out: any = strategicMergePatch('Deployment', deployment, {
      metadata: { labels: { b: null, c: '3' }, finalizers: ['y'] },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:2',
                env: [
                  { name: 'B', $patch: 'delete' },
                  { name: 'C', value: '3' },
                ],
              },
              { name: 'sidecar', $patch: 'delete' },
            ],
          },
        },
      },
    });
    expect(out.metadata.labels).toEqual({ a: '1', c: '3' });
    expect(out.metadata.finalizers).toEqual(['x', 'y']);
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: 'app',
        image: 'app:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'C', value: '3' },
        ],
      },
    ]);
    expect(deployment.spec.template.spec.containers).toHaveLength(2);
  });

  it('honours $setElementOrder, $retainKeys, $deleteFromPrimitiveList and list replacement', () => {
    const out: any = strategicMergePatch('Deployment', deployment, {
      metadata: {
        $deleteFromPrimitiveList: undefined,
        '$deleteFromPrimitiveList/finalizers': ['x'],
      },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [
              { name: 'sidecar' },
              { name: 'app' },
            ],
            containers: [{ name: 'sidecar', image: 'proxy:2' }],
          },
        },
        strategy: {
          $retainKeys: ['type'],
          type: 'Recreate',
          rollingUpdate: { maxSurge: 1 },
        },
      },
    });
    expect(out.metadata.finalizers).toEqual([]);
    expect(
      out.spec.template.spec.containers.map((c: any) => [c.name, c.image]),
    ).toEqual([
      ['sidecar', 'proxy:2'],
      ['app', 'app:1'],
    ]);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    const replaced: any = strategicMergePatch('Deployment', deployment, {
      spec: {
        template: {
          spec: {
            containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }],
          },
        },
      },
    });
    expect(replaced.spec.template.spec.containers).toEqual([
      { name: 'only', image: 'x' },
    ]);
  });
});

describe('JSON merge patch and JSON patch', () => {
  it('merge patch replaces lists and deletes with null', () => {
    const out: any = jsonMergePatch(deployment, {
      metadata: { labels: { a: null } },
      spec: { template: { spec: { containers: [] } } },
    });
    expect(out.metadata.labels).toEqual({ b: '2' });
    expect(out.spec.template.spec.containers).toEqual([]);
  });

  it('JSON patch adds, replaces, removes, tests and fails clearly', () => {
    const out: any = jsonPatch(deployment, [
      { op: 'test', path: '/metadata/name', value: 'd' },
      {
        op: 'replace',
        path: '/spec/template/spec/containers/0/image',
        value: 'app:3',
      },
      { op: 'add', path: '/metadata/labels/new~1label', value: 'x' },
      { op: 'remove', path: '/metadata/finalizers' },
      {
        op: 'add',
        path: '/spec/template/spec/containers/-',
        value: { name: 'third', image: 't' },
      },
    ]);
    expect(out.spec.template.spec.containers.map((c: any) => c.image)).toEqual([
      'app:3',
      'proxy:1',
      't',
    ]);
    expect(out.metadata.labels['new/label']).toBe('x');
    expect(out.metadata.finalizers).toBeUndefined();
    expect(() =>
      jsonPatch(deployment, [
        { op: 'test', path: '/metadata/name', value: 'other' },
      ]),
    ).toThrow(/test failed/);
    expect(() =>
      jsonPatch(deployment, [{ op: 'remove', path: '/spec/nope' }]),
    ).toThrow(/nonexistent key/);
  });
});
