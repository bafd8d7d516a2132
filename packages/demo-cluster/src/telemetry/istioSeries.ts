/*
 * The Istio series a flow of the traffic plan shows up in: which proxies
 * report it (the calling sidecar as `reporter=source`, the receiving pod's
 * as `reporter=destination`) and the labels each puts on it, with Istio's
 * `unknown` for what a proxy cannot know. The simulator's exposition and
 * the benchmarks' Prometheus-free samples both use these.
 */
import { Flow, serviceParts } from './trafficPlan';

/** Which proxy reports a series. */
export type Reporter = 'source' | 'destination';

/** The proxies that report a flow: its caller's, and the pod's it reached. */
export function reportersOf(flow: Flow): Reporter[] {
  return [
    ...(flow.source ? ['source' as const] : []),
    ...(flow.reachedPod ? ['destination' as const] : []),
  ];
}

/**
 * The labels of istio_requests_total and istio_request_duration_milliseconds
 * for a flow as one reporter sees it, but for response_code and
 * response_flags (the flow's `code` and `flags`).
 */
export function istioLabelsOf(
  flow: Flow,
  reporter: Reporter,
  clusterName: string,
) {
  const svc = serviceParts(flow.destination.service);
  const known = flow.destination.workload;
  return {
    reporter,
    source_workload: flow.source?.workload ?? 'unknown',
    source_workload_namespace: flow.source?.namespace ?? 'unknown',
    source_app: flow.source?.workload ?? 'unknown',
    source_version: 'unknown',
    source_cluster: flow.source ? clusterName : 'unknown',
    destination_workload: known?.name ?? 'unknown',
    destination_workload_namespace: known?.namespace ?? 'unknown',
    destination_app: known ? known.name.replace(/-v\d+$/, '') : 'unknown',
    destination_version: known?.version ?? 'unknown',
    destination_service: flow.destination.service,
    destination_service_name:
      known || flow.flags !== 'NR' ? svc.name : 'unknown',
    destination_service_namespace:
      known || flow.flags !== 'NR' ? svc.namespace : 'unknown',
    destination_cluster: known ? clusterName : 'unknown',
    request_protocol: 'http',
    connection_security_policy:
      reporter === 'destination' ? 'mutual_tls' : 'unknown',
  };
}
