import { loadFixture } from '../__testUtils__/fixtures';
import type { KubeObject } from '../kube/KubeObject';
import { resolveClusterChain } from '../resolve/resolveClusterChain';
import { OverlaySnapshot } from './OverlaySnapshot';

const target = { labelSelector: 'backstage.io/kubernetes-id=reviews' };
const options = { clusterDomain: 'cluster.local' };

function canaryRoute(
  base: ReturnType<typeof loadFixture>,
  route: object[],
): KubeObject {
  const vs = base.get('virtualservices', 'bookinfo', 'reviews')!;
  const http = vs.spec.http.map((r: any) =>
    r.name === 'canary' ? { ...r, route } : r,
  );
  return { ...vs, spec: { ...vs.spec, http } };
}

describe('OverlaySnapshot', () => {
  const base = loadFixture('canary');

  it('lets the engine resolve the cluster as it would be after a change', () => {
    const overlay = OverlaySnapshot.over(base, [
      canaryRoute(base, [
        { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
        { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
      ]),
    ]);
    const after = resolveClusterChain(overlay, target, options);
    const canary = after.routes.find(r => r.name === 'canary')!;
    expect(canary.destinations.map(d => [d.subset, d.weight])).toEqual([
      ['v1', 50],
      ['v3', 50],
    ]);
    expect(after.diagnostics.map(d => d.code)).toContain('MESH-1003');
  });

  it('leaves the snapshot it overlays as it was', () => {
    OverlaySnapshot.over(base, [
      canaryRoute(base, [
        { destination: { host: 'reviews', subset: 'v3' }, weight: 100 },
      ]),
    ]);
    const before = resolveClusterChain(base, target, options);
    expect(before.diagnostics).toEqual([]);
    expect(
      before.routes
        .find(r => r.name === 'canary')!
        .destinations.map(d => d.weight),
    ).toEqual([90, 10]);
  });

  it('answers get, list and namespaces with the replacement in place', () => {
    const replacement = canaryRoute(base, []);
    const added: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'extra', namespace: 'elsewhere' },
      spec: { hosts: ['extra'] },
    };
    const overlay = OverlaySnapshot.over(base, [replacement, added]);
    expect(overlay.get('virtualservices', 'bookinfo', 'reviews')).toBe(
      replacement,
    );
    expect(overlay.list('virtualservices', 'bookinfo')).toContain(replacement);
    expect(overlay.list('virtualservices', 'bookinfo')).not.toContain(
      base.get('virtualservices', 'bookinfo', 'reviews'),
    );
    expect(overlay.list('virtualservices')).toHaveLength(
      base.list('virtualservices').length + 1,
    );
    expect(overlay.namespaces('virtualservices')).toEqual(
      expect.arrayContaining(['bookinfo', 'elsewhere']),
    );
    // Kinds without replacements are the base's own lists.
    expect(overlay.list('pods')).toBe(base.list('pods'));
  });
});
