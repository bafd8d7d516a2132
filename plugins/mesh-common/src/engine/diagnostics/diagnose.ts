/*
 * Diagnostics over a resolved chain: every rule of the table, deduplicated,
 * errors first. Rules look at the component's chain; conflict rules (several
 * VirtualServices for one host, conflicting Gateways) look at the whole
 * cluster through the recorded reads.
 */
import type { Diagnostic } from '../../types';
import type { ChainContext } from '../resolve/ChainContext';
import type { DiagnosticRule } from './DiagnosticRule';
import { DIAGNOSTIC_RULES } from './rules';

const ORDER = { error: 0, warning: 1, info: 2 };

/**
 * Every diagnostic of a resolved chain, errors first, then by code.
 *
 * @public
 */
export function diagnoseChain(
  ctx: ChainContext,
  rules: readonly DiagnosticRule[] = DIAGNOSTIC_RULES,
): Diagnostic[] {
  const seen = new Set<string>();
  return rules
    .flatMap(rule => rule.check(ctx))
    .filter(d => {
      const key = `${d.code}|${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        ORDER[a.severity] - ORDER[b.severity] || a.code.localeCompare(b.code),
    );
}
