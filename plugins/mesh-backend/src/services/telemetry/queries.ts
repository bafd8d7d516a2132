/*
 * The PromQL the backend sends: one set per cluster for every chain it
 * follows (filtered in memory per chain), never one per page or per chain.
 */
import type {
  AutoscalerSample,
  LatencyBucketSample,
  RequestSample,
} from '@mesh-chain/plugin-mesh-common';
import type { InstantSeries } from './PrometheusClient';

function escape(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

/** `{cluster="dev",extra...}` from the query scope and more matchers. */
export function selector(
  scope: Record<string, string>,
  extra: string[] = [],
): string {
  return `{${[
    ...Object.entries(scope).map(([k, v]) => `${k}="${escape(v)}"`),
    ...extra,
  ].join(',')}}`;
}

const REQUEST_LABELS =
  'reporter, source_workload, source_workload_namespace, destination_service, destination_workload, destination_workload_namespace, destination_version, response_code, response_flags';
const LATENCY_LABELS =
  'reporter, source_workload, destination_service, destination_workload, le';
const HPA_METRICS =
  'kube_horizontalpodautoscaler_(spec_min_replicas|spec_max_replicas|status_current_replicas|status_desired_replicas|spec_target_metric|status_target_metric)';

/** The instant queries of one refresh. */
export function instantQueries(scope: Record<string, string>, window: number) {
  const w = `${window}s`;
  return {
    requests: `sum by (${REQUEST_LABELS}) (rate(istio_requests_total${selector(
      scope,
    )}[${w}])) > 0`,
    latency: `sum by (${LATENCY_LABELS}) (rate(istio_request_duration_milliseconds_bucket${selector(
      scope,
    )}[${w}])) > 0`,
    autoscalers: selector(scope, [`__name__=~"${HPA_METRICS}"`]),
  };
}

/** The range queries of a chart window. */
export function rangeQueries(scope: Record<string, string>, window: number) {
  const w = `${window}s`;
  return {
    requests: `sum by (${REQUEST_LABELS}) (rate(istio_requests_total${selector(
      scope,
    )}[${w}])) > 0`,
    p95: `histogram_quantile(0.95, sum by (${LATENCY_LABELS}) (rate(istio_request_duration_milliseconds_bucket${selector(
      scope,
    )}[${w}])))`,
    autoscalers: selector(scope, [`__name__=~"${HPA_METRICS}"`]),
  };
}

const str = (m: Record<string, string>, k: string) => m[k] ?? '';

/** A request rate series as the figures read it. */
export function requestSample(
  metric: Record<string, string>,
  rps: number,
): RequestSample {
  return {
    reporter: str(metric, 'reporter'),
    sourceWorkload: str(metric, 'source_workload'),
    sourceWorkloadNamespace: str(metric, 'source_workload_namespace'),
    destinationService: str(metric, 'destination_service'),
    destinationWorkload: str(metric, 'destination_workload'),
    destinationWorkloadNamespace: str(metric, 'destination_workload_namespace'),
    destinationVersion: str(metric, 'destination_version'),
    responseCode: str(metric, 'response_code'),
    responseFlags: str(metric, 'response_flags') || '-',
    rps,
  };
}

export function latencySample(s: InstantSeries): LatencyBucketSample {
  const le = s.metric.le === '+Inf' ? Infinity : Number(s.metric.le);
  return {
    reporter: str(s.metric, 'reporter'),
    sourceWorkload: str(s.metric, 'source_workload'),
    destinationService: str(s.metric, 'destination_service'),
    destinationWorkload: str(s.metric, 'destination_workload'),
    le,
    rps: s.value,
  };
}

const HPA_FIELDS: Record<string, AutoscalerSample['field']> = {
  kube_horizontalpodautoscaler_spec_min_replicas: 'min',
  kube_horizontalpodautoscaler_spec_max_replicas: 'max',
  kube_horizontalpodautoscaler_status_current_replicas: 'current',
  kube_horizontalpodautoscaler_status_desired_replicas: 'desired',
  kube_horizontalpodautoscaler_spec_target_metric: 'target',
  kube_horizontalpodautoscaler_status_target_metric: 'metric',
};

export function autoscalerSample(
  metric: Record<string, string>,
  value: number,
): AutoscalerSample | undefined {
  const field = HPA_FIELDS[metric.__name__ ?? ''];
  if (!field || !Number.isFinite(value)) return undefined;
  return {
    namespace: str(metric, 'namespace'),
    name: str(metric, 'horizontalpodautoscaler'),
    field,
    ...(metric.metric_name && { metricName: metric.metric_name }),
    ...(metric.metric_target_type && { targetType: metric.metric_target_type }),
    value,
  };
}
