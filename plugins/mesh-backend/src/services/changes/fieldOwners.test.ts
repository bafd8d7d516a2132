import type { KubeObject } from '@mesh-chain/plugin-mesh-common';
import { fieldOwners, gitOpsTrackers } from './fieldOwners';

function virtualService(
  metadata: Partial<KubeObject['metadata']> = {},
): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'checkout', namespace: 'shop', ...metadata },
    spec: { http: [] },
  };
}

const http = { 'f:spec': { 'f:http': {} } };
const options = { fieldManager: 'backstage-mesh-changes', gitOpsBlocks: true };

describe('fieldOwners', () => {
  it('names the controller that keeps the field, and stops the change', () => {
    const owners = fieldOwners(
      virtualService({
        managedFields: [
          {
            manager: 'flagger',
            operation: 'Update',
            time: '2026-03-01T10:00:00Z',
            fieldsV1: http,
          },
        ],
      }),
      [['spec', 'http']],
      options,
    );
    expect(owners).toEqual([
      expect.objectContaining({
        manager: 'flagger',
        role: 'controller',
        description: 'Flagger (progressive delivery)',
        fields: ['spec.http'],
        time: '2026-03-01T10:00:00Z',
        blocks: true,
      }),
    ]);
  });

  it('takes over from a one-off writer, and ignores itself and status writers', () => {
    const owners = fieldOwners(
      virtualService({
        managedFields: [
          { manager: 'kubectl', operation: 'Apply', fieldsV1: http },
          {
            manager: 'backstage-mesh-changes',
            operation: 'Apply',
            fieldsV1: http,
          },
          {
            manager: 'pilot',
            operation: 'Update',
            subresource: 'status',
            fieldsV1: { 'f:status': {} },
          },
          {
            manager: 'argo-rollouts',
            operation: 'Update',
            fieldsV1: { 'f:spec': { 'f:hosts': {} } },
          },
        ],
      }),
      [['spec', 'http']],
      options,
    );
    expect(owners).toEqual([
      expect.objectContaining({
        manager: 'kubectl',
        role: 'writer',
        blocks: false,
      }),
    ]);
  });

  it('names the HPA that scales a Deployment for its replicas', () => {
    const owners = fieldOwners(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'web',
          namespace: 'shop',
          managedFields: [
            {
              manager: 'kube-controller-manager',
              operation: 'Update',
              subresource: 'scale',
              fieldsV1: { 'f:spec': { 'f:replicas': {} } },
            },
          ],
        },
      },
      [['spec', 'replicas']],
      {
        ...options,
        autoscaler: {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          namespace: 'shop',
          name: 'web',
        },
      },
    );
    expect(owners).toEqual([
      expect.objectContaining({
        manager: 'kube-controller-manager',
        role: 'autoscaler',
        blocks: true,
        description: expect.stringContaining(
          'HorizontalPodAutoscaler shop/web',
        ),
      }),
    ]);
  });
});

describe('gitOpsTrackers', () => {
  it('reads Argo CD and Flux from their tracking annotations and labels', () => {
    expect(
      gitOpsTrackers(
        virtualService({
          annotations: {
            'argocd.argoproj.io/tracking-id':
              'shop:networking.istio.io/VirtualService:shop/checkout',
          },
        }),
      ).map(t => t.description),
    ).toEqual(['Argo CD (application shop, argocd.argoproj.io/tracking-id)']);
    expect(
      gitOpsTrackers(
        virtualService({
          labels: {
            'kustomize.toolkit.fluxcd.io/name': 'apps',
            'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
          },
        }),
      ).map(t => t.description),
    ).toEqual(['Flux (Kustomization flux-system/apps)']);
    expect(
      gitOpsTrackers(
        virtualService({
          labels: { 'helm.toolkit.fluxcd.io/name': 'checkout' },
        }),
      ).map(t => t.description),
    ).toEqual(['Flux (HelmRelease checkout)']);
  });

  it('reads app.kubernetes.io/instance as Argo CD only beside a trace of Argo CD', () => {
    const helm = virtualService({
      labels: { 'app.kubernetes.io/instance': 'checkout' },
    });
    expect(gitOpsTrackers(helm)).toEqual([]);
    const argo = virtualService({
      labels: { 'app.kubernetes.io/instance': 'checkout' },
      annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' },
    });
    expect(gitOpsTrackers(argo).map(t => t.manager)).toEqual(['Argo CD']);
  });

  it('leaves out a Flux Kustomization whose reconciling is disabled', () => {
    expect(
      gitOpsTrackers(
        virtualService({
          labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' },
          annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' },
        }),
      ),
    ).toEqual([]);
  });

  it('makes a tracked object need force, except for a restart', () => {
    const tracked = virtualService({
      annotations: { 'argocd.argoproj.io/tracking-id': 'shop:x' },
    });
    expect(
      fieldOwners(tracked, [['spec', 'http']], options).map(o => o.blocks),
    ).toEqual([true]);
    expect(
      fieldOwners(tracked, [['spec', 'http']], {
        ...options,
        gitOpsBlocks: false,
      }).map(o => o.blocks),
    ).toEqual([false]);
  });
});
