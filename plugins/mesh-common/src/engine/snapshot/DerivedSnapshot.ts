/*
 * What every snapshot made from another one shares: everything but the
 * objects it answers comes from the other.
 */
import type { ClusterError } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { WatchedKind } from '../kube/watchedKinds';
import type { ClusterSnapshot } from './ClusterSnapshot';

/**
 * A snapshot made from another (`underlying`): its cluster name, source,
 * time, API availability, warnings and revisions are the other's; a
 * subclass says which objects it lists and gets.
 *
 * @public
 */
export abstract class DerivedSnapshot implements ClusterSnapshot {
  protected constructor(protected readonly underlying: ClusterSnapshot) {}

  get clusterName(): string {
    return this.underlying.clusterName;
  }
  get source(): 'cache' | 'direct' {
    return this.underlying.source;
  }
  get observedAt(): string {
    return this.underlying.observedAt;
  }
  get istio(): boolean {
    return this.underlying.istio;
  }
  get gatewayApi(): boolean {
    return this.underlying.gatewayApi;
  }
  get warnings(): ClusterError[] {
    return this.underlying.warnings;
  }
  get revision(): number {
    return this.underlying.revision;
  }

  kindRevision(kind: WatchedKind): number {
    return this.underlying.kindRevision(kind);
  }

  abstract list(kind: WatchedKind, namespace?: string): readonly KubeObject[];

  abstract get(
    kind: WatchedKind,
    namespace: string,
    name: string,
  ): KubeObject | undefined;

  abstract namespaces(kind: WatchedKind): readonly string[];
}
