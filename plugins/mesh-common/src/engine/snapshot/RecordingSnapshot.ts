/*
 * A snapshot that records what is read through it.
 */
import type { KubeObject } from '../kube/KubeObject';
import type { WatchedKind } from '../kube/watchedKinds';
import { ReadRecord } from '../reads/ReadRecord';
import type { ClusterSnapshot } from './ClusterSnapshot';
import { DerivedSnapshot } from './DerivedSnapshot';

/**
 * Wraps any snapshot and records every read made through it in `record`:
 * the `get` and `list` calls on it, and the label selections and index
 * look-ups the engine makes over it (ChainReads records those here). The
 * engine's indexes stay cached on the wrapped snapshot, so wrapping costs
 * no index rebuild.
 *
 * @public
 */
export class RecordingSnapshot extends DerivedSnapshot {
  readonly record = new ReadRecord();

  constructor(readonly inner: ClusterSnapshot) {
    super(inner);
  }

  list(kind: WatchedKind, namespace?: string): readonly KubeObject[] {
    this.record.add({ read: 'list', kind, namespace });
    return this.inner.list(kind, namespace);
  }

  get(
    kind: WatchedKind,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    this.record.add({ read: 'get', kind, namespace, name });
    return this.inner.get(kind, namespace, name);
  }

  namespaces(kind: WatchedKind): readonly string[] {
    this.record.add({ read: 'list', kind });
    return this.inner.namespaces(kind);
  }
}
