/*
 * The parts of an Istio traffic policy a service owner cares about.
 */
import type { TrafficPolicySummary } from '../../types';

export function trafficPolicyOf(tp: any): TrafficPolicySummary | undefined {
  if (!tp || typeof tp !== 'object') {
    return undefined;
  }
  const out: TrafficPolicySummary = {};
  const lb = tp.loadBalancer;
  if (lb?.simple) {
    out.loadBalancer = lb.simple;
  } else if (lb?.consistentHash) {
    const h = lb.consistentHash;
    let by = 'source IP';
    if (h.httpHeaderName) {
      by = `header ${h.httpHeaderName}`;
    } else if (h.httpCookie) {
      by = `cookie ${h.httpCookie.name}`;
    } else if (h.httpQueryParameterName) {
      by = `query ${h.httpQueryParameterName}`;
    }
    out.loadBalancer = `consistentHash(${by})`;
  }
  const cp = tp.connectionPool;
  if (cp) {
    out.connectionPool = {
      ...(cp.tcp?.maxConnections !== undefined && {
        tcpMaxConnections: cp.tcp.maxConnections,
      }),
      ...(cp.tcp?.connectTimeout && { connectTimeout: cp.tcp.connectTimeout }),
      ...(cp.http?.http1MaxPendingRequests !== undefined && {
        http1MaxPendingRequests: cp.http.http1MaxPendingRequests,
      }),
      ...(cp.http?.http2MaxRequests !== undefined && {
        http2MaxRequests: cp.http.http2MaxRequests,
      }),
      ...(cp.http?.maxRequestsPerConnection !== undefined && {
        maxRequestsPerConnection: cp.http.maxRequestsPerConnection,
      }),
      ...(cp.http?.maxRetries !== undefined && {
        maxRetries: cp.http.maxRetries,
      }),
    };
  }
  const od = tp.outlierDetection;
  if (od) {
    out.outlierDetection = {
      ...(od.consecutive5xxErrors !== undefined && {
        consecutive5xxErrors: od.consecutive5xxErrors,
      }),
      ...(od.consecutiveGatewayErrors !== undefined && {
        consecutiveGatewayErrors: od.consecutiveGatewayErrors,
      }),
      ...(od.interval && { interval: od.interval }),
      ...(od.baseEjectionTime && { baseEjectionTime: od.baseEjectionTime }),
      ...(od.maxEjectionPercent !== undefined && {
        maxEjectionPercent: od.maxEjectionPercent,
      }),
    };
  }
  if (tp.tls?.mode) {
    out.tlsMode = tp.tls.mode;
  }
  return out;
}
