/*
 * What a change does to a chain's diagnostics: the diagnostics before and
 * after, compared by code, object and field.
 */
import type { Diagnostic } from '../types';
import { objectKey } from '../types';

/** The diagnostics a change introduces, fixes and leaves unchanged. @public */
export interface DiagnosticComparison {
  /** Diagnosed after the change and not before. */
  introduced: Diagnostic[];
  /** Diagnosed before the change and not after (as they were before). */
  fixed: Diagnostic[];
  /** Diagnosed both before and after (as they are after). */
  unchanged: Diagnostic[];
}

/**
 * What identifies a diagnostic across two diagnoses of the same objects:
 * its code, the object to change (the first resource) and the field. The
 * message is left out, since it may quote values that change (pod counts).
 *
 * @public
 */
export function diagnosticKey(d: Diagnostic): string {
  const first = d.resources[0];
  return `${d.code}|${first ? objectKey(first) : ''}|${d.path ?? ''}`;
}

/**
 * Diagnostics without repeats (by {@link diagnosticKey} and message), in
 * first-seen order: for diagnostics gathered from several chains.
 *
 * @public
 */
export function uniqueDiagnostics(diagnostics: Iterable<Diagnostic>) {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${diagnosticKey(d)}|${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/**
 * Compares the diagnostics of the same chains before and after a change.
 *
 * @public
 */
export function compareDiagnostics(
  before: readonly Diagnostic[],
  after: readonly Diagnostic[],
): DiagnosticComparison {
  const beforeKeys = new Set(before.map(diagnosticKey));
  const afterKeys = new Set(after.map(diagnosticKey));
  return {
    introduced: after.filter(d => !beforeKeys.has(diagnosticKey(d))),
    fixed: before.filter(d => !afterKeys.has(diagnosticKey(d))),
    unchanged: after.filter(d => beforeKeys.has(diagnosticKey(d))),
  };
}
