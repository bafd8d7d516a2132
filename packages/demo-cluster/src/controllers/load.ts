/*
 * Synthetic load: how busy each workload is, from the annotation
 * `demo.mesh-chain.dev/load` on its Deployment (or ReplicaSet), e.g.
 * `rps=300`, `rps=120,curve=daily,period=600` or the same as JSON. The
 * requests per second are shared by the workload's ready pods; each pod's
 * CPU and memory follow from its share. The HPA controller and the
 * metrics API read these numbers.
 */
import type { KubeObject } from '../types';

/** The annotation holding a workload's synthetic load. @public */
export const LOAD_ANNOTATION = 'demo.mesh-chain.dev/load';

/** Synthetic load of one workload. @public */
export interface LoadSpec {
  /** Requests per second to the whole workload (default 0: idle). */
  rps?: number;
  /** `fixed` (default), or `daily`: a sine wave from 20% to 180% of `rps` over `period`. */
  curve?: 'fixed' | 'daily';
  /** Length of one `daily` cycle in simulated seconds (default 86400). */
  period?: number;
  /** CPU millicores a pod spends per request per second (default 10). */
  cpuPerRequest?: number;
  /** CPU millicores an idle pod uses (default 5). */
  cpuBase?: number;
  /** Memory (MiB) an idle pod uses (default 64). */
  memoryBase?: number;
  /** Memory (MiB) per request per second in a pod (default 0.5). */
  memoryPerRequest?: number;
}

const NUMERIC = [
  'rps',
  'period',
  'cpuPerRequest',
  'cpuBase',
  'memoryBase',
  'memoryPerRequest',
] as const;

/** Parses the annotation; throws a clear error on bad input. @public */
export function parseLoad(text: string | undefined): LoadSpec {
  if (!text || !text.trim()) return {};
  const raw = text.trim();
  let fields: Record<string, unknown>;
  if (raw.startsWith('{')) {
    try {
      fields = JSON.parse(raw);
    } catch (error) {
      throw new Error(
        `${LOAD_ANNOTATION} is not valid JSON: ${(error as Error).message}`,
      );
    }
  } else {
    fields = {};
    for (const part of raw.split(/[,;]/)) {
      const [k, v] = part.split('=').map(s => s.trim());
      if (!k) continue;
      if (v === undefined) {
        throw new Error(
          `${LOAD_ANNOTATION}: '${part}' should be key=value, e.g. rps=200`,
        );
      }
      fields[k] = v;
    }
  }
  const spec: LoadSpec = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'curve') {
      if (v !== 'fixed' && v !== 'daily') {
        throw new Error(
          `${LOAD_ANNOTATION}: curve must be 'fixed' or 'daily', not '${v}'`,
        );
      }
      spec.curve = v;
    } else if ((NUMERIC as readonly string[]).includes(k)) {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) {
        throw new Error(
          `${LOAD_ANNOTATION}: ${k} must be a non-negative number, not '${v}'`,
        );
      }
      (spec as any)[k] = n;
    } else {
      throw new Error(
        `${LOAD_ANNOTATION}: unknown field '${k}'; use ${[
          'curve',
          ...NUMERIC,
        ].join(', ')}`,
      );
    }
  }
  return spec;
}

/** Formats a load spec as the annotation value. @public */
export function formatLoad(spec: LoadSpec): string {
  return Object.entries(spec)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Reads a workload's load, treating a bad annotation as idle. */
export function loadOf(workload: KubeObject | undefined): LoadSpec {
  try {
    return parseLoad(workload?.metadata.annotations?.[LOAD_ANNOTATION]);
  } catch {
    return {};
  }
}

/** Requests per second at a moment (simulated time in seconds). */
export function rpsAt(spec: LoadSpec, simulatedSeconds: number): number {
  const base = spec.rps ?? 0;
  if (spec.curve !== 'daily') return base;
  const period = spec.period ?? 86400;
  const phase = (simulatedSeconds % period) / period;
  return base * (1 + 0.8 * Math.sin(2 * Math.PI * phase));
}

/** CPU (millicores) and memory (MiB) of one pod carrying `podRps`. */
export function podUsage(
  spec: LoadSpec,
  podRps: number,
): { cpuMilli: number; memoryMi: number } {
  return {
    cpuMilli: (spec.cpuBase ?? 5) + podRps * (spec.cpuPerRequest ?? 10),
    memoryMi: (spec.memoryBase ?? 64) + podRps * (spec.memoryPerRequest ?? 0.5),
  };
}
