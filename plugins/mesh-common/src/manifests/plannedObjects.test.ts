import type { KubeObject } from '../engine/kube/KubeObject';
import { compareDiagnostics } from './compareDiagnostics';
import { PLANNED_FROM_ANNOTATION, plannedObjects } from './plannedObjects';

const deployment = (labels: Record<string, string>, replicas?: number) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      ...(replicas !== undefined && { replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'web', image: 'web:1' }] },
      },
    },
  } as KubeObject);

describe('plannedObjects', () => {
  it('rolls a new Deployment out: a ReplicaSet and ready pods from its template', () => {
    const planned = plannedObjects([deployment({ app: 'web', v: '1' }, 2)]);
    const pods = planned.filter(o => o.kind === 'Pod');
    expect(pods.map(p => p.metadata.name)).toEqual([
      'web-planned-1',
      'web-planned-2',
    ]);
    expect(pods[0].metadata.labels).toEqual({ app: 'web', v: '1' });
    expect(pods[0].metadata.annotations?.[PLANNED_FROM_ANNOTATION]).toBe(
      'Deployment web',
    );
    expect(pods[0].status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
    ]);
    const rs = planned.find(o => o.kind === 'ReplicaSet')!;
    expect(pods[0].metadata.ownerReferences?.[0].name).toBe(rs.metadata.name);
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
    });
    const dep = planned.find(o => o.kind === 'Deployment')!;
    expect(dep.status).toMatchObject({ readyReplicas: 2, replicas: 2 });
    // One replica when spec.replicas is not set.
    expect(
      plannedObjects([deployment({ app: 'web' })]).filter(
        o => o.kind === 'Pod',
      ),
    ).toHaveLength(1);
  });

  it('keeps the running pods of a Deployment it replaces, under the new template labels', () => {
    const live = plannedObjects([deployment({ app: 'web', v: '1' }, 1)]).map(
      o =>
        o.kind === 'Pod'
          ? {
              ...o,
              metadata: {
                ...o.metadata,
                labels: { ...o.metadata.labels, 'pod-template-hash': 'abc' },
              },
            }
          : o,
    );
    const planned = plannedObjects(
      [deployment({ app: 'web', v: '2' }, 3)],
      live,
    );
    const pods = planned.filter(o => o.kind === 'Pod');
    expect(pods.map(p => p.metadata.name)).toEqual(['web-planned-1']);
    expect(pods[0].metadata.labels).toEqual({
      'pod-template-hash': 'abc',
      app: 'web',
      v: '2',
    });
    // The live status stays: the plan does not invent replicas.
    const dep = planned.find(o => o.kind === 'Deployment')!;
    expect(dep.spec.replicas).toBe(3);
    expect(dep.status.readyReplicas).toBe(1);
  });

  it('replaces a live object of another version of the same API, keeping its identity', () => {
    const live: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'web',
        namespace: 'shop',
        uid: 'u-1',
        creationTimestamp: '2026-01-01T00:00:00Z',
      },
      spec: { hosts: ['old.example.com'] },
    };
    const manifest: KubeObject = {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { hosts: ['new.example.com'] },
    };
    expect(plannedObjects([manifest], [live])).toEqual([
      {
        ...manifest,
        metadata: {
          ...manifest.metadata,
          uid: 'u-1',
          creationTimestamp: '2026-01-01T00:00:00Z',
        },
      },
    ]);
  });
});

describe('compareDiagnostics', () => {
  const d = (code: string, name: string, message = 'm', path?: string) => ({
    code,
    severity: 'error' as const,
    title: code,
    message,
    fix: '',
    resources: [{ apiVersion: 'v1', kind: 'Service', namespace: 'a', name }],
    ...(path && { path }),
  });

  it('compares by code, object and field, not by message', () => {
    const before = [d('MESH-4001', 'x', '2 pods'), d('MESH-4002', 'y')];
    const after = [
      d('MESH-4001', 'x', '3 pods'),
      d('MESH-4002', 'y', 'm', 'spec.ports[0]'),
    ];
    const c = compareDiagnostics(before, after);
    expect(c.unchanged).toEqual([after[0]]);
    expect(c.introduced).toEqual([after[1]]);
    expect(c.fixed).toEqual([before[1]]);
  });
});
