import type { ClusterError } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import { WatchedKind, watchedKindOf } from '../kube/watchedKinds';
import type { ClusterSnapshot } from './ClusterSnapshot';

const ALL = '';

/**
 * A snapshot over objects held in memory, indexed by kind and namespace:
 * for objects loaded from files and in tests (the backend's watch cache
 * keeps its own store). Objects of other kinds are left out; Istio objects
 * are accepted in any version the CRDs serve.
 *
 * @public
 */
export class MemorySnapshot implements ClusterSnapshot {
  static fromObjects(
    objects: KubeObject[],
    options: Partial<
      Pick<
        ClusterSnapshot,
        'clusterName' | 'source' | 'observedAt' | 'istio' | 'gatewayApi'
      >
    > & { warnings?: ClusterError[] } = {},
  ): MemorySnapshot {
    const byKind = new Map<WatchedKind, Map<string, Map<string, KubeObject>>>();
    for (const obj of objects) {
      const kind = watchedKindOf(obj);
      if (!kind) {
        continue;
      }
      let namespaces = byKind.get(kind);
      if (!namespaces) {
        namespaces = new Map();
        byKind.set(kind, namespaces);
      }
      const ns = obj.metadata.namespace ?? ALL;
      let names = namespaces.get(ns);
      if (!names) {
        names = new Map();
        namespaces.set(ns, names);
      }
      names.set(obj.metadata.name, obj);
    }
    return new MemorySnapshot(byKind, {
      clusterName: options.clusterName ?? 'test',
      source: options.source ?? 'direct',
      observedAt: options.observedAt ?? new Date().toISOString(),
      istio: options.istio ?? true,
      gatewayApi: options.gatewayApi ?? true,
      warnings: options.warnings ?? [],
    });
  }

  readonly clusterName: string;
  readonly source: 'cache' | 'direct';
  readonly observedAt: string;
  readonly istio: boolean;
  readonly gatewayApi: boolean;
  readonly warnings: ClusterError[];
  readonly revision = 1;
  private readonly listCache = new Map<string, KubeObject[]>();

  private constructor(
    private readonly byKind: Map<
      WatchedKind,
      Map<string, Map<string, KubeObject>>
    >,
    meta: Pick<
      ClusterSnapshot,
      'clusterName' | 'source' | 'observedAt' | 'istio' | 'gatewayApi'
    > & { warnings: ClusterError[] },
  ) {
    this.clusterName = meta.clusterName;
    this.source = meta.source;
    this.observedAt = meta.observedAt;
    this.istio = meta.istio;
    this.gatewayApi = meta.gatewayApi;
    this.warnings = meta.warnings;
  }

  kindRevision(_kind: WatchedKind): number {
    return 1;
  }

  list(kind: WatchedKind, namespace?: string): readonly KubeObject[] {
    const key = `${kind}/${namespace ?? '*'}`;
    let result = this.listCache.get(key);
    if (!result) {
      const namespaces = this.byKind.get(kind);
      if (!namespaces) {
        result = [];
      } else if (namespace !== undefined) {
        result = [...(namespaces.get(namespace)?.values() ?? [])];
      } else {
        result = [...namespaces.values()].flatMap(m => [...m.values()]);
      }
      this.listCache.set(key, result);
    }
    return result;
  }

  get(
    kind: WatchedKind,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    return this.byKind.get(kind)?.get(namespace)?.get(name);
  }

  namespaces(kind: WatchedKind): readonly string[] {
    return [...(this.byKind.get(kind)?.keys() ?? [])].filter(n => n !== ALL);
  }
}
