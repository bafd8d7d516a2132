/*
 * The target cluster's objects that a check of manifests needs, read as the
 * engine asks for them rather than all at once: the scaffolder reads a
 * shared Gateway, the namespace's Services, the pods of a Service, with a
 * read credential, before anything is applied.
 */
import type { MeshEntityTarget } from '../annotations';
import type { KubeObject } from '../engine/kube/KubeObject';
import { PlannedSnapshot } from '../engine/manifests/PlannedSnapshot';
import { missingReads, ReadRequest } from '../engine/reads/readPlan';
import {
  resolveChainFromObjects,
  resolveClusterChain,
} from '../engine/resolve/resolveClusterChain';
import type { ClusterSnapshot } from '../engine/snapshot/ClusterSnapshot';
import { MemorySnapshot } from '../engine/snapshot/MemorySnapshot';
import { RecordingSnapshot } from '../engine/snapshot/RecordingSnapshot';
import type { ObjectRef } from '../types';
import type { LiveObjects } from './checkManifests';

/**
 * Reads objects from a cluster: the objects of each read, together.
 *
 * @public
 */
export type ClusterReader = (reads: ReadRequest[]) => Promise<KubeObject[]>;

/** Options of {@link readClusterForManifests}. @public */
export interface ClusterReadOptions {
  /** The component the check will resolve (as `checkManifests`' `target`). */
  target?: MeshEntityTarget;
  /** The cluster's name. */
  clusterName?: string;
  /** Kubernetes DNS domain; default `cluster.local`. */
  clusterDomain?: string;
  /** Rounds of reads at most; default 8. */
  maxRounds?: number;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/**
 * Whether a reference (a diagnostic's resource) names one of the manifests
 * (same group, kind, namespace and name; any version).
 *
 * @public
 */
export function refersToManifest(
  ref: ObjectRef,
  manifests: readonly KubeObject[],
): boolean {
  return manifests.some(
    m =>
      m.kind === ref.kind &&
      groupOf(m.apiVersion) === groupOf(ref.apiVersion) &&
      m.metadata.name === ref.name &&
      (m.metadata.namespace ?? '') === (ref.namespace ?? ''),
  );
}

function objectId(obj: KubeObject): string {
  return `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${
    obj.metadata.name
  }`;
}

function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(obj.metadata.namespace !== undefined && {
      namespace: obj.metadata.namespace,
    }),
    name: obj.metadata.name,
  };
}

/**
 * The reads the engine makes over a snapshot, before the manifests are
 * applied (the cluster as it is) and after (an {@link PlannedSnapshot}),
 * that were not made yet.
 */
function readsAsked(
  cluster: ClusterSnapshot,
  manifests: readonly KubeObject[],
  options: ClusterReadOptions,
  done: ReadRequest[],
): ReadRequest[] {
  const resolve = { clusterDomain: options.clusterDomain || 'cluster.local' };
  const asked: ReadRequest[] = [];
  for (const side of [cluster, new PlannedSnapshot(cluster, manifests)]) {
    // Follow the references first, then diagnose: a draft's diagnostics
    // would ask for what only the objects still missing explain.
    for (const diagnose of [false, true]) {
      const recording = new RecordingSnapshot(side);
      if (options.target) {
        resolveClusterChain(recording, options.target, {
          ...resolve,
          diagnose,
        });
      } else {
        resolveChainFromObjects(recording, manifests.map(refOf), {
          ...resolve,
          diagnose,
        });
      }
      asked.push(
        ...missingReads(
          recording.record,
          recording.inner,
          [...done, ...asked],
          undefined,
        ),
      );
    }
  }
  return asked;
}

/**
 * The objects of the target cluster that a check of these manifests reads
 * (as `checkManifests`' `live`), read with `read` as the engine asks for
 * them: the engine runs over what was read so far, with and without the
 * manifests on top; every list, look-up by host or pods-by-selector it made
 * that was not fetched yet is fetched, and again, until it asks for nothing
 * new (at most `maxRounds` rounds). Pods are only read by selector.
 *
 * @public
 */
export async function readClusterForManifests(
  manifests: readonly KubeObject[],
  read: ClusterReader,
  options: ClusterReadOptions = {},
): Promise<{ live: LiveObjects; reads: ReadRequest[] }> {
  const maxRounds = options.maxRounds ?? 8;
  const fetched = new Map<string, KubeObject>();
  const done: ReadRequest[] = [];
  const snapshotOf = () =>
    MemorySnapshot.fromObjects([...fetched.values()], {
      clusterName: options.clusterName,
    });
  for (let round = 0; round < maxRounds; round++) {
    const next = readsAsked(snapshotOf(), manifests, options, done);
    if (next.length === 0) break;
    done.push(...next);
    for (const obj of await read(next)) {
      fetched.set(objectId(obj), obj);
    }
  }
  return {
    live: {
      clusterName: options.clusterName ?? 'cluster',
      objects: [...fetched.values()],
      istio: true,
      gatewayApi: true,
      warnings: [],
    },
    reads: done,
  };
}
