/*
 * The template check: what the Service Mesh tab will report about the
 * chain a template creates, for the values of its form, before the user
 * clicks Create. Plain JSON, answered by the scaffolder module's
 * `POST /api/scaffolder/mesh/check` and its actions, shown by the mesh
 * plugin's form field.
 */
import type { Severity } from './types';

/** One thing the check of a chain's manifests found. @public */
export interface ChainFinding {
  /**
   * The code of the diagnostic catalogue (`MESH-1001`), as the Service Mesh
   * tab shows it; absent for the rules about applying manifests.
   */
  code?: string;
  severity: Severity;
  /** The catalogue's title, e.g. "VirtualService gateway not found". */
  title: string;
  /** `Kind namespace/name` of the object to change. */
  object: string;
  /** Dotted path of the offending field, if any. */
  path?: string;
  /** What is wrong, naming the objects and values involved. */
  message: string;
  /** How to fix it. */
  fix: string;
  /**
   * Whether it involves the manifests (else only objects already in the
   * cluster, which applying does not change). An error that involves the
   * manifests refuses the run.
   */
  involvesManifests: boolean;
}

/** What the check of a chain's manifests found. @public */
export interface ChainCheckResult {
  findings: ChainFinding[];
  /**
   * `cluster` when the target cluster's objects were read, `manifests`
   * when the manifests were checked alone (references to objects outside
   * them, and pods not among them, are then not checked).
   */
  checkedAgainst: 'cluster' | 'manifests';
  /** The components checked, as the tab finds them (label selectors). */
  components: string[];
}

/** The body of `POST /api/scaffolder/mesh/check`. @public */
export interface MeshCheckRequest {
  /** The template, e.g. `template:default/mesh-service`. */
  templateRef: string;
  /** The values of its form, as the scaffolder would run it. */
  values: Record<string, unknown>;
}

/** The answer of `POST /api/scaffolder/mesh/check`. @public */
export interface MeshCheckResponse extends ChainCheckResult {
  /** The cluster the chain was checked against, if any. */
  cluster?: string;
  /** Why the check is narrower than it could be (no cluster, unreadable). */
  notes: string[];
}

/**
 * Whether a finding refuses the template's run: an error that involves the
 * manifests (an error only about objects already in the cluster is shown,
 * but applying does not change it).
 *
 * @public
 */
export function refusesRun(finding: ChainFinding): boolean {
  return finding.severity === 'error' && finding.involvesManifests;
}
