/*
 * The chain engine over manifests that are not applied yet: what the
 * Service Mesh tab will report for them once they are, found before
 * anything is written. Over the manifests alone, or over the target
 * cluster's objects (read as the engine asks for them) with the manifests
 * applied on top.
 */
import type { MeshEntityTarget } from '../../annotations';
import { getDiagnosticDefinition } from '../../diagnostics';
import type { Diagnostic, ObjectRef } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import { missingReads, ReadRequest } from '../reads/readPlan';
import type { ResolvedClusterChain } from '../resolve/ChainContext';
import { resolveClusterChain } from '../resolve/resolveClusterChain';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import { RecordingSnapshot } from '../snapshot/RecordingSnapshot';
import { manifestTargets } from './manifestTargets';
import { OverlaySnapshot } from './OverlaySnapshot';

/** Options of {@link checkManifests} and {@link checkManifestsInCluster}. @public */
export interface ManifestCheckOptions {
  /** The components to check; default: {@link manifestTargets} of the manifests. */
  targets?: MeshEntityTarget[];
  /** Kubernetes DNS domain; default `cluster.local`. */
  clusterDomain?: string;
  /** Istio's configuration root namespace; default `istio-system`. */
  rootNamespace?: string;
  /** The cluster's name, for the snapshot. */
  clusterName?: string;
}

/** What a check of manifests found. @public */
export interface ManifestCheck {
  /**
   * The engine's diagnostics for the chains the manifests make, as the tab
   * will report them once the manifests are applied and rolled out (see
   * {@link checkManifests} for what is left out).
   */
  diagnostics: Diagnostic[];
  /** The components checked. */
  targets: MeshEntityTarget[];
  /** Each component's chain as the engine resolved it, in `targets` order. */
  chains: ResolvedClusterChain[];
  /** Whether the cluster's objects were at hand (else the manifests alone). */
  withCluster: boolean;
}

/**
 * Reads objects from a cluster: the objects of each read, together.
 *
 * @public
 */
export type ClusterReader = (reads: ReadRequest[]) => Promise<KubeObject[]>;

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/**
 * Whether a reference (a diagnostic's resource) names one of the manifests.
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

/**
 * Whether a diagnostic can be known before the manifests are applied: one
 * read from an object's own status is not, for an object the manifests
 * create or change (it has no status of its own yet); one about the
 * cluster's other objects or their state (that a Gateway is not there,
 * pods not ready) is not, without the cluster's objects.
 */
function knowable(
  diagnostic: Diagnostic,
  manifests: readonly KubeObject[],
  withCluster: boolean,
): boolean {
  const { evidence } = getDiagnosticDefinition(diagnostic.code);
  if (evidence === 'cluster') {
    return withCluster;
  }
  if (evidence === 'status') {
    const [subject] = diagnostic.resources;
    return !subject || !refersToManifest(subject, manifests);
  }
  return true;
}

function diagnosticId(d: Diagnostic): string {
  return JSON.stringify([d.code, d.path, d.message, d.resources]);
}

function resolveOptions(options: ManifestCheckOptions, diagnose: boolean) {
  return {
    clusterDomain: options.clusterDomain || 'cluster.local',
    rootNamespace: options.rootNamespace,
    diagnose,
  };
}

function collect(
  manifests: readonly KubeObject[],
  chains: ResolvedClusterChain[],
  targets: MeshEntityTarget[],
  withCluster: boolean,
): ManifestCheck {
  const seen = new Set<string>();
  const diagnostics = chains.flatMap(c => c.diagnostics);
  return {
    chains,
    diagnostics: diagnostics.filter(d => {
      const id = diagnosticId(d);
      if (seen.has(id) || !knowable(d, manifests, withCluster)) return false;
      seen.add(id);
      return true;
    }),
    targets,
    withCluster,
  };
}

/**
 * The diagnostics of the chains a set of manifests makes, over a snapshot
 * of the cluster they go to (or, without one, the manifests alone), with
 * the manifests applied on top and their Deployments' pods projected (see
 * {@link OverlaySnapshot}). Left out: diagnostics read from the state the
 * cluster reports about the manifests' objects (readiness, rollouts,
 * addresses), which they do not have before they run; and, without the
 * cluster, diagnostics about the cluster's other objects or their state
 * (that a Gateway, a Service or pods are not there, or not ready).
 *
 * @public
 */
export function checkManifests(
  manifests: readonly KubeObject[],
  options: ManifestCheckOptions & { cluster?: ClusterSnapshot } = {},
): ManifestCheck {
  const targets = options.targets ?? manifestTargets(manifests);
  const base =
    options.cluster ??
    MemorySnapshot.fromObjects([], { clusterName: options.clusterName });
  const overlay = new OverlaySnapshot(base, manifests);
  const chains = targets.map(target =>
    resolveClusterChain(overlay, target, resolveOptions(options, true)),
  );
  return collect(manifests, chains, targets, Boolean(options.cluster));
}

/**
 * {@link checkManifests} against a cluster that is read as the engine asks:
 * the engine runs over the manifests, every read it made that was not
 * fetched yet is fetched with `read` (a kind in a namespace, pods by
 * selector, a kind everywhere for a look-up by host), and again, until it
 * asks for nothing new (at most `maxRounds` reads, default 8).
 *
 * @public
 */
export async function checkManifestsInCluster(
  manifests: readonly KubeObject[],
  read: ClusterReader,
  options: ManifestCheckOptions & { maxRounds?: number } = {},
): Promise<ManifestCheck & { reads: ReadRequest[] }> {
  const targets = options.targets ?? manifestTargets(manifests);
  const maxRounds = options.maxRounds ?? 8;
  const fetched = new Map<string, KubeObject>();
  const done: ReadRequest[] = [];
  let cluster = MemorySnapshot.fromObjects([], {
    clusterName: options.clusterName,
  });
  let rounds = 0;
  const chains: ResolvedClusterChain[] = [];
  for (const target of targets) {
    // Follow the references first, then diagnose: a draft's diagnostics
    // would ask for what only the objects still missing explain.
    for (const diagnose of [false, true]) {
      for (;;) {
        const recording = new RecordingSnapshot(
          new OverlaySnapshot(cluster, manifests),
        );
        const resolved = resolveClusterChain(
          recording,
          target,
          resolveOptions(options, diagnose),
        );
        const next =
          rounds < maxRounds
            ? missingReads(recording.record, recording.inner, done, undefined)
            : [];
        if (next.length === 0) {
          if (diagnose) chains.push(resolved);
          break;
        }
        rounds++;
        done.push(...next);
        for (const obj of await read(next)) {
          fetched.set(
            `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${
              obj.metadata.name
            }`,
            obj,
          );
        }
        cluster = MemorySnapshot.fromObjects([...fetched.values()], {
          clusterName: options.clusterName,
        });
      }
    }
  }
  return { ...collect(manifests, chains, targets, true), reads: done };
}
