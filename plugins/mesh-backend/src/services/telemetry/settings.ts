/*
 * `mesh.telemetry`: where each cluster's Prometheus is, how to sign in to
 * it (secrets, never logged or sent to the browser), the labels that pick
 * the cluster out of a shared Prometheus, the tolerances of traffic health,
 * and how often to ask.
 */
import type { Config } from '@backstage/config';
import { readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_TRAFFIC_TOLERANCES,
  TrafficTolerance,
} from '@mesh-chain/plugin-mesh-common';
import { durationToMilliseconds } from '@backstage/types';

/** A Prometheus (or Thanos, Mimir...) as one cluster uses it. */
export interface PrometheusTarget {
  /** Base URL, without `/api/v1`. */
  url: string;
  /** Request headers, the credentials among them: secret. */
  headers: Record<string, string>;
  /** Label matchers added to every selector, e.g. `{ cluster: 'dev' }`. */
  queryScope: Record<string, string>;
}

/** `mesh.telemetry`, with defaults applied. */
export interface TelemetrySettings {
  /** Whether `mesh.telemetry` is configured at all. */
  enabled: boolean;
  refreshMs: number;
  rateWindowSeconds: number;
  queryTimeoutMs: number;
  tolerances: TrafficTolerance[];
  /** Shortest time between two live updates of an entity for figures alone. */
  minPushIntervalMs: number;
  defaultTarget?: Partial<PrometheusTarget>;
  clusters: Record<string, Partial<PrometheusTarget> | false>;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function duration(
  config: Config,
  key: string,
  fallbackMs: number,
  minMs: number,
): number {
  if (!config.has(key)) return fallbackMs;
  let ms: number;
  try {
    const value = config.get(key);
    ms =
      typeof value === 'number'
        ? value
        : durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new InputError(
      `Invalid mesh.telemetry.${key}: ${
        (error as Error).message
      }; use a duration such as '15s' or { seconds: 15 }, or milliseconds`,
    );
  }
  if (!Number.isFinite(ms) || ms < minMs) {
    throw new InputError(
      `Invalid mesh.telemetry.${key}: ${ms} ms is below the minimum of ${minMs} ms`,
    );
  }
  return ms;
}

function readTarget(
  config: Config | undefined,
  where: string,
): Partial<PrometheusTarget> | undefined {
  if (!config) return undefined;
  const target: Partial<PrometheusTarget> = {};
  const url = config.getOptionalString('url');
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(
        `Invalid ${where}.url '${url}'; expected the Prometheus base URL, e.g. http://prometheus.monitoring:9090`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InputError(
        `Invalid ${where}.url: use http or https, e.g. http://prometheus.monitoring:9090`,
      );
    }
    if (parsed.username || parsed.password) {
      throw new InputError(
        `Invalid ${where}.url: it carries credentials; put them in ${where}.bearerToken or ${where}.authHeader instead`,
      );
    }
    target.url = url.replace(/\/+$/, '');
  }
  const headers: Record<string, string> = {};
  const extra = config.getOptionalConfig('headers');
  for (const key of extra?.keys() ?? []) {
    headers[key.toLowerCase()] = extra!.getString(key);
  }
  const bearer = config.getOptionalString('bearerToken');
  const authHeader = config.getOptionalString('authHeader');
  if (bearer && authHeader) {
    throw new InputError(
      `${where} has both bearerToken and authHeader; keep one of them`,
    );
  }
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (authHeader) headers.authorization = authHeader;
  if (Object.keys(headers).length > 0) target.headers = headers;
  const scope = config.getOptionalConfig('queryScope');
  if (scope) {
    const queryScope: Record<string, string> = {};
    for (const key of scope.keys()) {
      if (!LABEL_NAME.test(key)) {
        throw new InputError(
          `Invalid label name '${key}' in ${where}.queryScope; Prometheus label names are letters, digits and _ (not first)`,
        );
      }
      queryScope[key] = scope.getString(key);
    }
    target.queryScope = queryScope;
  }
  return target;
}

function readTolerances(config: Config | undefined): TrafficTolerance[] {
  const tolerances = DEFAULT_TRAFFIC_TOLERANCES.map(t => ({ ...t }));
  for (const code of ['5xx', '4xx'] as const) {
    const c = config?.getOptionalConfig(code);
    if (!c) continue;
    const t = tolerances.find(x => x.code === code)!;
    for (const key of ['degraded', 'failure'] as const) {
      const v = c.getOptionalNumber(key);
      if (v === undefined) continue;
      if (!(v >= 0 && v <= 100)) {
        throw new InputError(
          `Invalid mesh.telemetry.tolerances.${code}.${key}: ${v}; expected a percent from 0 to 100`,
        );
      }
      t[key] = v;
    }
    if (t.failure < t.degraded) {
      throw new InputError(
        `Invalid mesh.telemetry.tolerances.${code}: failure (${t.failure}%) is below degraded (${t.degraded}%)`,
      );
    }
  }
  return tolerances;
}

/** Reads `mesh.telemetry`; absent means no traffic figures. */
export function readTelemetrySettings(root: Config): TelemetrySettings {
  const config = root.getOptionalConfig('mesh.telemetry');
  const clusters: TelemetrySettings['clusters'] = {};
  const clustersConfig = config?.getOptionalConfig('clusters');
  for (const name of clustersConfig?.keys() ?? []) {
    const c = clustersConfig!.getConfig(name);
    if (c.getOptional('prometheus') === false) {
      clusters[name] = false;
      continue;
    }
    clusters[name] =
      readTarget(
        c.getOptionalConfig('prometheus'),
        `mesh.telemetry.clusters.${name}.prometheus`,
      ) ?? {};
  }
  const defaultTarget = readTarget(
    config?.getOptionalConfig('prometheus'),
    'mesh.telemetry.prometheus',
  );
  const rateWindowMs = config
    ? duration(config, 'rateWindow', 60_000, 10_000)
    : 60_000;
  return {
    enabled: Boolean(config),
    refreshMs: config
      ? duration(config, 'refreshInterval', 15_000, 1000)
      : 15_000,
    rateWindowSeconds: Math.round(rateWindowMs / 1000),
    queryTimeoutMs: config
      ? duration(config, 'queryTimeout', 10_000, 100)
      : 10_000,
    minPushIntervalMs: config
      ? duration(config, 'minPushInterval', 30_000, 0)
      : 30_000,
    tolerances: readTolerances(config?.getOptionalConfig('tolerances')),
    ...(defaultTarget && { defaultTarget }),
    clusters,
  };
}

/**
 * The Prometheus of a cluster: its own entry over the default one; a URL
 * from the catalog entity's annotation comes without the configured
 * credentials (they are never sent to a URL a catalog author chose) unless
 * the cluster's own entry gives them.
 */
export function prometheusFor(
  settings: TelemetrySettings,
  cluster: { name: string; prometheusUrl?: string },
): PrometheusTarget | undefined {
  const own = settings.clusters[cluster.name];
  if (own === false) return undefined;
  const base = settings.defaultTarget ?? {};
  if (own?.url) {
    return {
      url: own.url,
      headers: { ...(own.headers ?? {}) },
      queryScope: { ...(base.queryScope ?? {}), ...(own.queryScope ?? {}) },
    };
  }
  if (cluster.prometheusUrl) {
    return {
      url: cluster.prometheusUrl.replace(/\/+$/, ''),
      headers: { ...(own?.headers ?? {}) },
      queryScope: { ...(own?.queryScope ?? {}) },
    };
  }
  if (!base.url) return undefined;
  return {
    url: base.url,
    headers: { ...(base.headers ?? {}), ...(own?.headers ?? {}) },
    queryScope: { ...(base.queryScope ?? {}), ...(own?.queryScope ?? {}) },
  };
}
