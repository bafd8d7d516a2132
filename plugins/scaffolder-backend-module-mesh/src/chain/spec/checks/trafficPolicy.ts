/*
 * The DestinationRule's traffic policy: load balancing, connection pool,
 * outlier detection.
 */
import { checkDuration, checkPath } from '../../../lib/formats';
import type { ChainSpec } from '../ChainSpec';
import type { SpecProblems } from './problems';

/** Load balancing: one mode, and for sticky sessions one hash key. */
function checkLoadBalancer(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format } = problems;
  const lb = spec.trafficPolicy?.loadBalancer;
  if (lb) {
    if (lb.simple && lb.consistentHash) {
      add(
        'trafficPolicy.loadBalancer',
        'sets both simple and consistentHash; Istio takes one of them, remove the other',
      );
    }
    if (!lb.simple && !lb.consistentHash) {
      add(
        'trafficPolicy.loadBalancer',
        'is empty; set simple (e.g. LEAST_REQUEST) or consistentHash, or remove it',
      );
    }
    const hash = lb.consistentHash;
    if (hash) {
      const keys = (
        [
          'httpHeaderName',
          'httpCookie',
          'useSourceIp',
          'httpQueryParameterName',
        ] as const
      ).filter(k => hash[k] !== undefined && hash[k] !== false);
      if (keys.length !== 1) {
        add(
          'trafficPolicy.loadBalancer.consistentHash',
          `needs exactly one hash key (httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName), got ${
            keys.length ? keys.join(', ') : 'none'
          }`,
        );
      }
      if (
        hash.httpHeaderName !== undefined &&
        !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(hash.httpHeaderName)
      ) {
        add(
          'trafficPolicy.loadBalancer.consistentHash.httpHeaderName',
          `'${hash.httpHeaderName}' is not an HTTP header name, e.g. x-user-id`,
        );
      }
      if (hash.httpCookie) {
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(hash.httpCookie.name)) {
          add(
            'trafficPolicy.loadBalancer.consistentHash.httpCookie.name',
            `'${hash.httpCookie.name}' is not a cookie name, e.g. session`,
          );
        }
        format(
          'trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl',
          hash.httpCookie.ttl,
          checkDuration,
          '3600s',
        );
        if (hash.httpCookie.path !== undefined) {
          format(
            'trafficPolicy.loadBalancer.consistentHash.httpCookie.path',
            hash.httpCookie.path,
            checkPath,
            '/',
          );
        }
      }
    }
  }
}

/** Connection pool limits. */
function checkConnectionPool(spec: ChainSpec, problems: SpecProblems): void {
  const { format, range } = problems;
  const pool = spec.trafficPolicy?.connectionPool;
  if (pool) {
    for (const key of [
      'maxConnections',
      'http1MaxPendingRequests',
      'http2MaxRequests',
      'maxRequestsPerConnection',
      'maxRetries',
    ] as const) {
      range(
        `trafficPolicy.connectionPool.${key}`,
        pool[key],
        1,
        2 ** 31 - 1,
        key,
      );
    }
    if (pool.connectTimeout !== undefined) {
      format(
        'trafficPolicy.connectionPool.connectTimeout',
        pool.connectTimeout,
        checkDuration,
        '1s',
      );
    }
    if (pool.idleTimeout !== undefined) {
      format(
        'trafficPolicy.connectionPool.idleTimeout',
        pool.idleTimeout,
        checkDuration,
        '60s',
      );
    }
  }
}

/** Ejecting failing pods. */
function checkOutlierDetection(spec: ChainSpec, problems: SpecProblems): void {
  const { format, range } = problems;
  const outlier = spec.trafficPolicy?.outlierDetection;
  if (outlier) {
    range(
      'trafficPolicy.outlierDetection.consecutive5xxErrors',
      outlier.consecutive5xxErrors,
      0,
      1000,
      'consecutive5xxErrors',
    );
    range(
      'trafficPolicy.outlierDetection.maxEjectionPercent',
      outlier.maxEjectionPercent,
      0,
      100,
      'a percentage',
    );
    if (outlier.interval !== undefined) {
      format(
        'trafficPolicy.outlierDetection.interval',
        outlier.interval,
        checkDuration,
        '10s',
      );
    }
    if (outlier.baseEjectionTime !== undefined) {
      format(
        'trafficPolicy.outlierDetection.baseEjectionTime',
        outlier.baseEjectionTime,
        checkDuration,
        '30s',
      );
    }
  }
}

/** The traffic policy. */
export function checkTrafficPolicy(
  spec: ChainSpec,
  problems: SpecProblems,
): void {
  checkLoadBalancer(spec, problems);
  checkConnectionPool(spec, problems);
  checkOutlierDetection(spec, problems);
}
