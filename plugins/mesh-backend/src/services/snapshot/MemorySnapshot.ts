import type { ClusterError } from '@mesh-chain/plugin-mesh-common';
import {
  ClusterSnapshot,
  KubeObject,
  WATCHED_KINDS,
  WatchedKind,
} from './types';

const ALL = '';

/** Finds the WatchedKind of an object from its apiVersion and kind. */
export function watchedKindOf(obj: {
  apiVersion: string;
  kind: string;
}): WatchedKind | undefined {
  const [group, version] = obj.apiVersion.includes('/')
    ? obj.apiVersion.split('/')
    : ['', obj.apiVersion];
  for (const [id, info] of Object.entries(WATCHED_KINDS)) {
    // Istio serves v1, v1beta1 and v1alpha3 of the same objects.
    const sameVersion =
      info.version === version ||
      (info.group === 'networking.istio.io' && group === info.group);
    if (info.group === group && info.kind === obj.kind && sameVersion) {
      return id as WatchedKind;
    }
  }
  return undefined;
}

/**
 * A snapshot over objects held in memory, indexed by kind and namespace.
 * Used for direct reads and in tests; the watch cache keeps its own indexes.
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
