/*
 * The health of each resource: the worst severity of the diagnostics that
 * name it first (the resource to change).
 */
import type { Diagnostic, Health, ResourceBase } from '../../types';
import { objectKey } from '../../types';

function worst(a: Health, b: Diagnostic['severity']): Health {
  if (b === 'error' || a === 'error') return 'error';
  if (b === 'warning' || a === 'warning') return 'warning';
  return a;
}

/** Health by `objectKey` of every resource a diagnostic names first. */
export function healthOf(diagnostics: Diagnostic[]): Map<string, Health> {
  const health = new Map<string, Health>();
  for (const d of diagnostics) {
    const first = d.resources[0];
    if (first) {
      const key = objectKey(first);
      health.set(key, worst(health.get(key) ?? 'ok', d.severity));
    }
  }
  return health;
}

/** A resource with its health set (`ok` when no diagnostic names it). */
export function withHealth<T extends ResourceBase>(
  info: T,
  health: Map<string, Health>,
): T {
  return { ...info, health: health.get(objectKey(info.ref)) ?? 'ok' };
}
