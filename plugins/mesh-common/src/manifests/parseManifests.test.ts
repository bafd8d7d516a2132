import { collectManifests } from './collectManifests';
import { formatManifestProblem, parseManifests } from './parseManifests';

const service = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${extra}`;

describe('parseManifests', () => {
  it('reads every document with its number and line, skipping empty ones', () => {
    const text = [
      '# leading comment',
      service('a'),
      '---',
      '---',
      service('b', 'spec:\n  ports:\n    - port: 80\n      targetPort: 8080\n'),
    ].join('\n');
    const { objects, problems } = parseManifests(text, 'k8s/app.yaml');
    expect(problems).toEqual([]);
    expect(
      objects.map(o => [
        o.object.metadata.name,
        o.source.document,
        o.source.line,
      ]),
    ).toEqual([
      ['a', 1, 2],
      ['b', 3, 9],
    ]);
    // Field paths of diagnostics land on their line.
    expect(objects[1].lineOf('spec.ports[0].targetPort')).toBe(16);
    expect(objects[1].lineOf('spec.ports[3]')).toBe(14);
    expect(objects[1].lineOf('status.loadBalancer')).toBe(9);
    expect(objects[1].lineOf()).toBe(9);
  });

  it('reads JSON, kind: List and typed lists, items on their own lines', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } },
          { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' } },
        ],
      },
      null,
      2,
    );
    const list = parseManifests(json, 'list.json');
    expect(list.problems).toEqual([]);
    expect(list.objects.map(o => [o.object.metadata.name, o.source])).toEqual([
      ['a', { file: 'list.json', document: 1, line: 5, item: 0 }],
      ['b', { file: 'list.json', document: 1, line: 12, item: 1 }],
    ]);

    const typed = parseManifests(
      'apiVersion: apps/v1\nkind: DeploymentList\nitems:\n  - metadata:\n      name: web\n',
      'typed.yaml',
    );
    expect(typed.objects[0].object).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
    });
  });

  it('names the document and line of invalid YAML and of non-objects, and reads the rest', () => {
    const text = [
      service('a'),
      '---',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  labels:\n    x: 1\n    x: 2',
      '---',
      '- just\n- a list',
      '---',
      'apiVersion: v1\nkind: Service\nmetadata: {}',
    ].join('\n');
    const { objects, problems } = parseManifests(text, 'app.yaml');
    expect(objects.map(o => o.object.metadata.name)).toEqual(['a']);
    expect(problems.map(formatManifestProblem)).toEqual([
      'app.yaml: document 2 (line 13): not valid YAML: Map keys must be unique',
      'app.yaml: document 3 (line 15): is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)',
      'app.yaml: document 4 (line 18): has no metadata.name; every Kubernetes object needs apiVersion, kind and metadata.name',
    ]);
  });

  it('leaves Kustomizations out with a notice', () => {
    const { objects, problems } = parseManifests(
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [app.yaml]\n',
      'kustomization.yaml',
    );
    expect(objects).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'notice',
        message: expect.stringContaining('kustomize build DIR'),
      }),
    ]);
  });
});

describe('collectManifests', () => {
  it('puts namespace-less objects in the default namespace and keeps the last of duplicates', () => {
    const set = collectManifests(
      [
        parseManifests(service('a', 'spec:\n  type: ClusterIP\n'), 'one.yaml'),
        parseManifests(
          `${service(
            'a',
            'spec:\n  type: NodePort\n',
          )}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n`,
          'two.yaml',
        ),
      ],
      { defaultNamespace: 'shop' },
    );
    expect(
      set.objects.map(o => [
        o.object.kind,
        o.object.metadata.namespace,
        o.object.spec?.type,
        o.source.file,
      ]),
    ).toEqual([
      ['Service', 'shop', 'NodePort', 'two.yaml'],
      ['Namespace', undefined, undefined, 'two.yaml'],
    ]);
    expect(set.problems).toEqual([
      expect.objectContaining({
        severity: 'notice',
        file: 'two.yaml',
        message: expect.stringContaining(
          'Service shop/a is also declared in one.yaml (document 1)',
        ),
      }),
    ]);
  });
});
