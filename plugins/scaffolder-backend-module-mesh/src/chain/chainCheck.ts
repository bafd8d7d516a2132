/*
 * The check of a chain's manifests before they are applied: the chain
 * engine of mesh-common, the one behind the Service Mesh tab, over the
 * manifests alone or over the target cluster's objects with the manifests
 * on top, so that a chain a template accepts is one the tab accepts, with
 * the same codes, titles and fixes; plus the rules about applying manifests
 * that the tab cannot see (`manifestRules.ts`).
 */
import {
  ChainCheckResult,
  ChainFinding,
  checkManifests,
  Diagnostic,
  LiveObjects,
  manifestTargets,
  MeshEntityTarget,
  readClusterForManifests,
  refersToManifest,
  refusesRun,
} from '@mesh-chain/plugin-mesh-common';
import type { ChainClusterClient } from '../cluster/MeshObjectApi';
import { KubeObject } from '../lib/models';
import { manifestRuleFindings } from './manifestRules';

export type { ChainFinding, ChainCheckResult };

/** Options of the chain checks. @public */
export interface ChainCheckOptions {
  /** Kubernetes DNS domain of the cluster; default `cluster.local`. */
  clusterDomain?: string;
  /** The cluster's name. */
  cluster?: string;
}

function describeRef(ref: Diagnostic['resources'][number] | undefined) {
  if (!ref) return '(the chain)';
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** A diagnostic of the engine as a finding. */
function findingOf(
  d: Diagnostic,
  objects: readonly KubeObject[],
): ChainFinding {
  return {
    code: d.code,
    severity: d.severity,
    title: d.title,
    object: describeRef(d.resources[0]),
    ...(d.path && { path: d.path }),
    message: d.message,
    fix: d.fix,
    involvesManifests: d.resources.some(r => refersToManifest(r, objects)),
  };
}

/**
 * The component the manifests make, as the tab finds it (by its
 * `backstage.io/kubernetes-id` label): the chain to check. With several or
 * none, every chain the manifests touch is checked.
 */
function componentOf(
  objects: readonly KubeObject[],
): MeshEntityTarget | undefined {
  const targets = manifestTargets(objects);
  return targets.length === 1 ? targets[0] : undefined;
}

function describeTarget(target: MeshEntityTarget | undefined): string[] {
  if (!target) return [];
  return [
    target.namespace
      ? `${target.labelSelector} in ${target.namespace}`
      : target.labelSelector,
  ];
}

function check(
  objects: readonly KubeObject[],
  options: ChainCheckOptions,
  live: LiveObjects | undefined,
): ChainCheckResult {
  const target = componentOf(objects);
  const result = checkManifests({
    manifests: objects,
    ...(live && { live }),
    ...(target && { target }),
    clusterDomain: options.clusterDomain,
    // A template renders one component: what it refers to may be in the
    // cluster, so without the cluster it is not called missing.
    partial: true,
  });
  return {
    findings: [
      ...manifestRuleFindings(objects, [result.chain]),
      ...result.diagnostics.map(d => findingOf(d, objects)),
    ],
    checkedAgainst: live ? 'cluster' : 'manifests',
    components: describeTarget(target),
  };
}

/**
 * Checks manifests alone, without a cluster: what the tab will report once
 * they are applied, as far as the manifests tell.
 *
 * @public
 */
export function checkChainManifests(
  objects: readonly KubeObject[],
  options: ChainCheckOptions = {},
): ChainCheckResult {
  return check(objects, options, undefined);
}

/**
 * Checks manifests against the cluster they go to: the engine runs over
 * the cluster's objects with the manifests on top, reading (with the
 * client's read credential) only what it asks for: a shared Gateway, the
 * namespace's Services and DestinationRules, the pods of a Service...
 *
 * @public
 */
export async function checkChainInCluster(
  objects: readonly KubeObject[],
  client: Pick<ChainClusterClient, 'listObjects'>,
  options: ChainCheckOptions = {},
): Promise<ChainCheckResult> {
  const target = componentOf(objects);
  const { live } = await readClusterForManifests(
    objects,
    async reads =>
      (await Promise.all(reads.map(read => client.listObjects(read)))).flat(),
    {
      ...(target && { target }),
      clusterDomain: options.clusterDomain,
      clusterName: options.cluster,
    },
  );
  return check(objects, options, live);
}

/** The findings that refuse a run: errors that involve the manifests. @public */
export function blockingFindings(result: ChainCheckResult): ChainFinding[] {
  return result.findings.filter(refusesRun);
}

/**
 * One line for a finding: code and title, object and field, what is wrong
 * and the fix.
 *
 * @public
 */
export function describeFinding(f: ChainFinding): string {
  return `${f.code ? `${f.code} ` : ''}${f.title}: ${f.object}${
    f.path ? ` ${f.path}` : ''
  }: ${f.message} Fix: ${f.fix}`;
}

/** The findings as a list, one per line. @public */
export function formatFindings(findings: ChainFinding[]): string {
  return findings.map(f => `  - ${describeFinding(f)}`).join('\n');
}
