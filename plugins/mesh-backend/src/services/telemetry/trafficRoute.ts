/*
 * `GET /entities/{kind}/{namespace}/{name}/traffic?window=1h[&cluster=]`:
 * the chain's traffic charts. Same access checks as the chain itself; the
 * chain comes from the watch caches, the series from the per-cluster cache
 * of range queries.
 */
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { Request, Response } from 'express';
import type { ClusterDataService } from '../cluster/ClusterDataService';
import { MeshAccess, parseEntityParts } from '../MeshAccess';
import type { MeshChainService } from '../MeshChainService';
import {
  MAX_WINDOW_SECONDS,
  MIN_WINDOW_SECONDS,
  trafficHistory,
} from './history';
import type { TelemetryService } from './TelemetryService';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `5m`, `1h`, `900` (seconds) -> seconds, within 5 min and 6 h. */
export function parseWindow(value: unknown): number {
  if (value === undefined || value === '') return 900;
  const m = /^(\d+)(s|m|h)?$/.exec(String(value));
  const seconds = m ? Number(m[1]) * UNITS[m[2] ?? 's'] : NaN;
  if (
    !Number.isFinite(seconds) ||
    seconds < MIN_WINDOW_SECONDS ||
    seconds > MAX_WINDOW_SECONDS
  ) {
    throw new InputError(
      `Invalid window '${String(value).slice(
        0,
        40,
      )}'; expected a duration from 5m to 6h, such as 5m, 15m, 1h or 6h`,
    );
  }
  return seconds;
}

export function trafficRoute(options: {
  httpAuth: HttpAuthService;
  access: MeshAccess;
  chains: MeshChainService;
  data: ClusterDataService;
  telemetry: TelemetryService;
}) {
  return async (req: Request, res: Response) => {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const windowSeconds = parseWindow(req.query.window);
    const ref = parseEntityParts(req.params as any);
    const entity = await options.access.entityFor(ref, credentials);
    const cluster =
      typeof req.query.cluster === 'string' ? req.query.cluster : undefined;
    const { response } = await options.chains.getChain(entity, { cluster });
    const history = await trafficHistory(
      options.telemetry,
      await options.data.listClusters(),
      response,
      windowSeconds,
    );
    res.setHeader('cache-control', 'no-store');
    res.json(history);
  };
}
