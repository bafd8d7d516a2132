/*
 * What the chain's traffic is computed from: Istio's standard metrics and
 * kube-state-metrics as a Prometheus answers them, one cluster at a time,
 * already turned into rates. The backend asks Prometheus; tests and the
 * command line may build these by hand.
 */

/**
 * Requests per second of one `istio_requests_total` series, summed by the
 * labels below over the rate window.
 *
 * @public
 */
export interface RequestSample {
  /** `source` (the calling proxy) or `destination` (the receiving sidecar). */
  reporter: string;
  /** `unknown` when the caller has no proxy (outside the mesh). */
  sourceWorkload: string;
  sourceWorkloadNamespace: string;
  /** The FQDN of the destination Service (the request host when no Service matched). */
  destinationService: string;
  /** `unknown` when the request never reached a pod (503 UH, NC, NR, faults). */
  destinationWorkload: string;
  destinationWorkloadNamespace: string;
  /** The `version` label of the receiving pods, or `unknown`. */
  destinationVersion: string;
  responseCode: string;
  responseFlags: string;
  rps: number;
}

/**
 * Rate of one bucket of `istio_request_duration_milliseconds`, summed by the
 * labels below.
 *
 * @public
 */
export interface LatencyBucketSample {
  reporter: string;
  sourceWorkload: string;
  destinationService: string;
  /** `unknown` when the request never reached a pod. */
  destinationWorkload: string;
  /** Upper bound in milliseconds (`Infinity` for `+Inf`). */
  le: number;
  rps: number;
}

/**
 * One kube-state-metrics value of a HorizontalPodAutoscaler: replicas
 * (`kube_horizontalpodautoscaler_status_current_replicas`, ...) or a
 * metric's current value and target (`..._status_target_metric`,
 * `..._spec_target_metric`).
 *
 * @public
 */
export interface AutoscalerSample {
  namespace: string;
  name: string;
  /** `current`, `desired`, `min`, `max`, `metric` or `target`. */
  field: 'current' | 'desired' | 'min' | 'max' | 'metric' | 'target';
  /** For `metric` and `target`: KSM's `metric_name` and `metric_target_type`. */
  metricName?: string;
  targetType?: string;
  value: number;
}

/**
 * Everything one round of queries returned for a cluster.
 *
 * @public
 */
export interface ClusterTrafficSamples {
  /** When Prometheus evaluated the queries (ISO 8601). */
  measuredAt: string;
  /** The rate window, seconds. */
  windowSeconds: number;
  requests: RequestSample[];
  latency: LatencyBucketSample[];
  autoscalers: AutoscalerSample[];
}

/**
 * Whether a request series counts: each request once, from the caller's
 * proxy when it has one (it also sees what never reached a pod), from the
 * receiving sidecar when the caller is outside the mesh.
 *
 * @public
 */
export function countsOnce(s: {
  reporter: string;
  sourceWorkload: string;
}): boolean {
  const outside = s.sourceWorkload === 'unknown' || s.sourceWorkload === '';
  return outside ? s.reporter === 'destination' : s.reporter === 'source';
}
