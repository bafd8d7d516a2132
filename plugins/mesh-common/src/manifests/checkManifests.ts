/*
 * Manifests through the chain engine: the chains they touch, resolved and
 * diagnosed over the cluster as it will be once they are applied, alone or
 * compared with the cluster as it is.
 */
import type { MeshEntityTarget } from '../annotations';
import { chainMemberRefs } from '../chainMembers';
import { getDiagnosticDefinition } from '../diagnostics';
import type { KubeObject } from '../engine/kube/KubeObject';
import {
  KindInfo,
  WATCHED_KINDS,
  WatchedKind,
  watchedKindOf,
} from '../engine/kube/watchedKinds';
import type { ResolvedClusterChain } from '../engine/resolve/ChainContext';
import {
  resolveChainFromObjects,
  resolveClusterChain,
} from '../engine/resolve/resolveClusterChain';
import { MemorySnapshot } from '../engine/snapshot/MemorySnapshot';
import type {
  ClusterChain,
  ClusterError,
  Diagnostic,
  ObjectRef,
} from '../types';
import {
  compareDiagnostics,
  DiagnosticComparison,
  uniqueDiagnostics,
} from './compareDiagnostics';
import { plannedObjects } from './plannedObjects';

/** A cluster's objects of the watched kinds, as read. @public */
export interface LiveObjects {
  clusterName: string;
  objects: readonly KubeObject[];
  /** Whether the cluster serves the Istio networking API. */
  istio: boolean;
  /** Whether the cluster serves the Gateway API. */
  gatewayApi: boolean;
  /** Kinds that could not be read. */
  warnings: ClusterError[];
  /** When the objects were read (ISO 8601). */
  observedAt?: string;
}

/** What to check: manifests, and optionally the cluster they go to. @public */
export interface ManifestCheckInput {
  /** The objects of the manifests, each namespaced one with its namespace. */
  manifests: readonly KubeObject[];
  /** The cluster the manifests would be applied to; none checks them alone. */
  live?: LiveObjects;
  /**
   * One component to check, found by label selector as the Backstage
   * annotations find it; default: every chain the manifests touch.
   */
  target?: MeshEntityTarget;
  /** Check only the chains of manifests in these namespaces. */
  namespaces?: readonly string[];
  /** Kubernetes DNS domain; default `cluster.local`. */
  clusterDomain?: string;
  /**
   * Whether the manifests are only part of what the cluster will hold (one
   * component, as a template renders it), rather than all of it (a
   * repository). Without `live`, codes that report a referenced object
   * absent (`needs: 'referenced-objects'`) are then left out too: the
   * object may well be in the cluster.
   */
  partial?: boolean;
}

/** The outcome of {@link checkManifests}. @public */
export interface ManifestCheck {
  /**
   * The diagnostics of the chains once the manifests are applied. Checked
   * alone, only codes manifests can show (see `DiagnosticDefinition.needs`);
   * against a cluster, every code, with the `status` codes as the cluster
   * has them.
   */
  diagnostics: Diagnostic[];
  /** Against a cluster: what the manifests introduce, fix and leave unchanged. */
  comparison?: DiagnosticComparison;
  /** The codes left out because manifests alone cannot show them. */
  leftOut: string[];
  /** The objects the chains consist of once the manifests are applied. */
  resources: ObjectRef[];
  /** The chains once the manifests are applied, as the engine resolved them. */
  chain: ResolvedClusterChain;
}

/**
 * Whether a diagnostic code can be judged from manifests alone (it does
 * not need object status or the ingress gateway's pods; nor, for manifests
 * that are only `partial`, the objects they refer to).
 *
 * @public
 */
export function judgedFromManifests(
  code: string,
  options: { partial?: boolean } = {},
): boolean {
  const { needs } = getDiagnosticDefinition(code);
  return !needs || (needs === 'referenced-objects' && !options.partial);
}

function readsStatus(d: Diagnostic): boolean {
  return getDiagnosticDefinition(d.code).needs === 'status';
}

/**
 * Resolves and diagnoses the chains that manifests touch (every chain that
 * one of their objects belongs to, as one resolution, so each diagnostic
 * is reported once) or the chain of one component, over the cluster as it
 * will be once they are applied and rolled out (`plannedObjects`).
 *
 * Against a cluster it diagnoses the same chains before and after (each
 * side also starting from the objects the other side's chain holds, so
 * that an object the change adds or drops a reference to is on both) and
 * compares them by code, object and field. Diagnostics read from status
 * are taken from the cluster as it is on both sides: the plan does not
 * guess how pods will behave.
 *
 * @public
 */
export function checkManifests(input: ManifestCheckInput): ManifestCheck {
  const after = plannedSnapshot(input);
  const seeds = startingPoints(input);
  const resolveAfter = (extra: ObjectRef[] = []) =>
    resolveChains(after, input, [...seeds, ...extra]);
  if (!input.live) {
    const chain = resolveAfter();
    const leftOut = new Set<string>();
    const diagnostics = chain.diagnostics.filter(d => {
      if (judgedFromManifests(d.code, input)) return true;
      leftOut.add(d.code);
      return false;
    });
    return {
      diagnostics,
      leftOut: [...leftOut].sort(),
      resources: chainMemberRefs(chain),
      chain,
    };
  }
  const before = MemorySnapshot.fromObjects([...input.live.objects], {
    clusterName: input.live.clusterName,
    istio: input.live.istio,
    gatewayApi: input.live.gatewayApi,
  });
  const firstBefore = resolveChains(before, input, seeds);
  const firstAfter = resolveAfter();
  // A component that does not run yet has no chain of its own before: its
  // chain then starts from the objects it will share (a Gateway, pods).
  const beforeChain =
    input.target && chainMemberRefs(firstBefore).length === 0
      ? resolveChainFromObjects(before, chainMemberRefs(firstAfter), {
          clusterDomain: input.clusterDomain ?? 'cluster.local',
        })
      : resolveChains(before, input, [
          ...seeds,
          ...chainMemberRefs(firstAfter),
        ]);
  const afterChain = resolveAfter(chainMemberRefs(firstBefore));
  const observed = beforeChain.diagnostics.filter(readsStatus);
  const diagnostics = uniqueDiagnostics([
    ...afterChain.diagnostics.filter(d => !readsStatus(d)),
    ...observed,
  ]);
  return {
    diagnostics,
    comparison: compareDiagnostics(beforeChain.diagnostics, diagnostics),
    leftOut: [],
    resources: chainMemberRefs(afterChain),
    chain: afterChain,
  };
}

/**
 * The chain a request is traced through once the manifests are applied:
 * the component's (with a target), or else the chains the manifests touch
 * together with every route and Gateway of the namespaces checked, so that
 * the trace sees each route that could take the request.
 *
 * @public
 */
export function plannedChain(input: ManifestCheckInput): ClusterChain {
  const snapshot = plannedSnapshot(input);
  const routing: WatchedKind[] = [
    'gateways',
    'virtualservices',
    'k8sgateways',
    'httproutes',
  ];
  const routes = routing.flatMap(kind =>
    (input.namespaces?.length
      ? input.namespaces.flatMap(ns => snapshot.list(kind, ns))
      : snapshot.list(kind)
    ).map(refOf),
  );
  const chain = resolveChains(snapshot, input, [
    ...startingPoints(input),
    ...routes,
  ]);
  return {
    cluster: { name: snapshot.clusterName },
    source: 'direct',
    observedAt: snapshot.observedAt,
    warnings: input.live?.warnings ?? [],
    ...chain,
  };
}

/** The cluster once the manifests are applied, as a snapshot. */
function plannedSnapshot(input: ManifestCheckInput): MemorySnapshot {
  const declares = (optional: 'istio' | 'gateway-api') =>
    input.manifests.some(o => {
      const kind = watchedKindOf(o);
      return kind && (WATCHED_KINDS[kind] as KindInfo).optional === optional;
    });
  return MemorySnapshot.fromObjects(
    plannedObjects(input.manifests, input.live?.objects),
    {
      clusterName: input.live?.clusterName ?? 'manifests',
      ...(input.live?.observedAt && { observedAt: input.live.observedAt }),
      istio: input.live ? input.live.istio || declares('istio') : true,
      gatewayApi: input.live
        ? input.live.gatewayApi || declares('gateway-api')
        : true,
    },
  );
}

/** The manifests' objects the engine reads, in the namespaces checked. */
function startingPoints(input: ManifestCheckInput): ObjectRef[] {
  return input.manifests
    .filter(o => watchedKindOf(o))
    .filter(
      o =>
        !input.namespaces?.length ||
        input.namespaces.includes(o.metadata.namespace ?? ''),
    )
    .map(refOf);
}

function resolveChains(
  snapshot: MemorySnapshot,
  input: ManifestCheckInput,
  from: ObjectRef[],
): ResolvedClusterChain {
  const options = { clusterDomain: input.clusterDomain ?? 'cluster.local' };
  return input.target
    ? resolveClusterChain(snapshot, input.target, options)
    : resolveChainFromObjects(snapshot, from, options);
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
