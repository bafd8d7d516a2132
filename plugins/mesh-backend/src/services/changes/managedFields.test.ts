import type { KubeObject } from '@mesh-chain/plugin-mesh-common';
import {
  appliedBy,
  displayField,
  fieldsHold,
  mergeConfigurations,
} from './managedFields';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    labels: { app: 'web' },
    managedFields: [
      {
        manager: 'backstage-mesh-changes',
        operation: 'Apply',
        fieldsV1: {
          'f:spec': {
            'f:replicas': {},
            'f:template': {
              'f:metadata': {
                'f:annotations': {
                  'f:kubectl.kubernetes.io/restartedAt': {},
                },
              },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"app"}': { '.': {}, 'f:image': {} },
                },
              },
            },
          },
        },
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        subresource: 'status',
        fieldsV1: { 'f:status': { 'f:replicas': {} } },
      },
    ],
  },
  spec: {
    replicas: 4,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: {
        labels: { app: 'web' },
        annotations: {
          'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
          other: 'x',
        },
      },
      spec: {
        containers: [
          { name: 'app', image: 'web:2', ports: [{ containerPort: 80 }] },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
};

describe('appliedBy', () => {
  it('is what a manager applied, with the values the object holds now', () => {
    expect(appliedBy(deployment, 'backstage-mesh-changes')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        replicas: 4,
        template: {
          metadata: {
            annotations: {
              'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z',
            },
          },
          // List items by their key, with the fields the manager set.
          spec: { containers: [{ name: 'app', image: 'web:2' }] },
        },
      },
    });
  });

  it('is only the identity for a manager that applied nothing', () => {
    expect(appliedBy(deployment, 'kubectl')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
    });
  });
});

describe('fieldsHold', () => {
  const fields = deployment.metadata.managedFields as any[];
  it('finds a field, or fields inside it, in a FieldsV1 set', () => {
    expect(fieldsHold(fields[0].fieldsV1, ['spec', 'replicas'])).toBe(true);
    expect(fieldsHold(fields[0].fieldsV1, ['spec', 'template'])).toBe(true);
    expect(fieldsHold(fields[0].fieldsV1, ['spec', 'selector'])).toBe(false);
    expect(fieldsHold(fields[1].fieldsV1, ['spec', 'replicas'])).toBe(false);
  });
});

describe('mergeConfigurations', () => {
  it('merges objects key by key and replaces lists whole', () => {
    expect(
      mergeConfigurations(
        { spec: { a: 1, list: [1, 2], keep: { x: 1 } } },
        { spec: { b: 2, list: [3], keep: { y: 2 } } },
      ),
    ).toEqual({ spec: { a: 1, b: 2, list: [3], keep: { x: 1, y: 2 } } });
  });
});

describe('displayField', () => {
  it('writes keys that are not identifiers in brackets', () => {
    expect(displayField(['spec', 'http'])).toBe('spec.http');
    expect(
      displayField([
        'spec',
        'template',
        'metadata',
        'annotations',
        'kubectl.kubernetes.io/restartedAt',
      ]),
    ).toBe(
      'spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt]',
    );
  });
});
