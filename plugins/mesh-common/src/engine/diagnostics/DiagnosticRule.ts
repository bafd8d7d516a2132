/*
 * A diagnostic rule: one MESH code of the catalogue, checked over a
 * resolved chain. Titles, severities and default fixes come from the
 * catalogue (`MESH_DIAGNOSTICS`); a rule writes what is wrong with the
 * resources and values involved.
 */
import { getDiagnosticDefinition } from '../../diagnostics';
import type { Diagnostic, ObjectRef } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { ChainContext } from '../resolve/ChainContext';
import { refOf } from '../resolve/objectInfo';

/**
 * One rule of the table: the catalogue code it reports, and the check.
 *
 * @public
 */
export interface DiagnosticRule {
  /** The code in `MESH_DIAGNOSTICS`, e.g. `MESH-1001`. */
  code: string;
  /** The diagnostics of this code for a resolved chain (none when fine). */
  check(ctx: ChainContext): Diagnostic[];
}

/** A diagnostic of a catalogue code. */
export function diag(
  code: string,
  message: string,
  resources: ObjectRef[],
  options: { path?: string; fix?: string } = {},
): Diagnostic {
  const def = getDiagnosticDefinition(code);
  return {
    code,
    severity: def.severity,
    title: def.title,
    message,
    fix: options.fix ?? def.fix,
    resources,
    ...(options.path && { path: options.path }),
  };
}

/** `Kind namespace/name`, for messages. */
export function name(ref: ObjectRef | KubeObject): string {
  const r = 'metadata' in ref ? refOf(ref) : ref;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** An array field, or none. */
export function listOf(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}
