/*
 * Synthetic container logs for `kubectl logs`: start-up lines, then one
 * access-log line per period while the pod runs. Deterministic per pod.
 */
import type { KubeObject } from '../types';
import { fnv1a32 } from '../fnv';

const PATHS = [
  '/',
  '/healthz',
  '/api/items',
  '/api/cart',
  '/metrics',
  '/static/app.js',
];

function accessLine(pod: KubeObject, n: number, at: Date): string {
  const h = fnv1a32(`${pod.metadata.uid}:${n}`);
  const path = PATHS[h % PATHS.length];
  const status = h % 97 === 0 ? 503 : 200;
  const ms = 2 + (h % 40);
  return `${at.toISOString()} INFO request method=GET path=${path} status=${status} duration=${ms}ms`;
}

/** The log lines a container has written so far. */
export function podLogLines(
  pod: KubeObject,
  container: string,
  options: { periodMs: number; now?: number },
): string[] {
  const c = (pod.spec?.containers ?? []).find((x: any) => x.name === container);
  const status = (pod.status?.containerStatuses ?? []).find(
    (x: any) => x.name === container,
  );
  const started = status?.state?.running?.startedAt;
  if (!c || !started) return [];
  const start = Date.parse(started);
  const port = c.ports?.[0]?.containerPort ?? 8080;
  const lines = [
    `${new Date(start).toISOString()} INFO starting ${container} image=${
      c.image
    }`,
    `${new Date(start).toISOString()} INFO listening on :${port}`,
  ];
  const now = options.now ?? Date.now();
  const count = Math.min(500, Math.floor((now - start) / options.periodMs));
  for (let i = 1; i <= count; i++) {
    lines.push(accessLine(pod, i, new Date(start + i * options.periodMs)));
  }
  return lines;
}

/** The next line a followed log shows. */
export function nextLogLine(pod: KubeObject, n: number): string {
  return accessLine(pod, 1_000_000 + n, new Date());
}
