/*
 * The only way the engine reads a snapshot: get, list, select by labels and
 * index look-ups, each recorded when the snapshot is a RecordingSnapshot.
 */
import type { KubeObject } from '../kube/KubeObject';
import type { LabelSelector } from '../kube/labelSelector';
import type { WatchedKind } from '../kube/watchedKinds';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import { RecordingSnapshot } from '../snapshot/RecordingSnapshot';
import { ChainIndex } from './ChainIndex';
import { LookupName, LOOKUPS } from './lookups';
import type { ReadRecord } from './ReadRecord';

/**
 * Reads of one snapshot for one resolution. Reads are answered from the
 * indexes of the underlying snapshot (shared by every resolution over it)
 * and, when the snapshot given is a {@link RecordingSnapshot}, recorded in
 * its `record`.
 *
 * @public
 */
export class ChainReads {
  /** Reads over a snapshot (recorded when it is a RecordingSnapshot). */
  static over(snapshot: ClusterSnapshot, clusterDomain: string): ChainReads {
    const record =
      snapshot instanceof RecordingSnapshot ? snapshot.record : undefined;
    const base =
      snapshot instanceof RecordingSnapshot ? snapshot.inner : snapshot;
    return new ChainReads(ChainIndex.for(base, clusterDomain), record);
  }

  private constructor(
    private readonly index: ChainIndex,
    private readonly record: ReadRecord | undefined,
  ) {}

  get clusterDomain(): string {
    return this.index.clusterDomain;
  }

  /** Whether the Istio networking CRDs are served. */
  get istio(): boolean {
    return this.index.snapshot.istio;
  }

  /** Whether the Gateway API CRDs are served. */
  get gatewayApi(): boolean {
    return this.index.snapshot.gatewayApi;
  }

  get clusterName(): string {
    return this.index.snapshot.clusterName;
  }

  /** One object by namespace and name. */
  get(
    kind: WatchedKind,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    this.record?.add({ read: 'get', kind, namespace, name });
    return this.index.snapshot.get(kind, namespace, name);
  }

  /** Every object of a kind, in one namespace or (undefined) all. */
  list(kind: WatchedKind, namespace?: string): readonly KubeObject[] {
    this.record?.add({ read: 'list', kind, namespace });
    return this.index.snapshot.list(kind, namespace);
  }

  /** Objects of a kind whose labels satisfy a selector. */
  select(
    kind: WatchedKind,
    selector: LabelSelector,
    namespace?: string,
  ): KubeObject[] {
    this.record?.add({ read: 'select', kind, namespace, selector });
    return this.index.select(kind, selector, namespace);
  }

  /** Objects an index look-up finds under a key (see `LOOKUPS`). */
  lookup(name: LookupName, key: string): KubeObject[] {
    this.record?.add({
      read: 'lookup',
      kind: LOOKUPS[name].kind,
      lookup: name,
      key,
      clusterDomain: this.index.clusterDomain,
    });
    return this.index.lookup(name, key);
  }
}
