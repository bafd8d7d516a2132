/*
 * The samples one round of the backend's Prometheus queries would give for
 * a cluster's objects right now, without a Prometheus: each flow of the
 * traffic plan as the series its proxies report (reporters and labels as
 * the simulator's exposition gives them, from istioSeries), with the
 * Istio duration buckets, and each HPA's replica gauges. For benchmarks of the traffic computation at
 * cluster sizes where running Prometheus is beside the point.
 */
import {
  AutoscalerSample,
  ClusterTrafficSamples,
  LatencyBucketSample,
  MemorySnapshot,
  RequestSample,
} from '@mesh-chain/plugin-mesh-common';
import type { KubeObject } from '../types';
import { rpsAt } from '../controllers/load';
import { ISTIO_DURATION_BUCKETS, latencyCdf } from './latency';
import { istioLabelsOf, reportersOf } from './istioSeries';
import { Flow, planTraffic } from './trafficPlan';

/** @public */
export function trafficSamplesOf(
  objects: KubeObject[],
  clusterName: string,
  at = Date.now(),
): ClusterTrafficSamples {
  const snapshot = MemorySnapshot.fromObjects(objects as any, { clusterName });
  const rpsOf = (f: Flow) =>
    f.loads.reduce((n, l) => n + rpsAt(l, at / 1000), 0) * f.fraction;
  const requests: RequestSample[] = [];
  const latency: LatencyBucketSample[] = [];
  for (const flow of planTraffic(snapshot, clusterName, rpsOf)) {
    const rps = rpsOf(flow);
    for (const reporter of reportersOf(flow)) {
      const labels = istioLabelsOf(flow, reporter, clusterName);
      const series = {
        reporter,
        sourceWorkload: labels.source_workload,
        destinationService: labels.destination_service,
        destinationWorkload: labels.destination_workload,
      };
      requests.push({
        ...series,
        sourceWorkloadNamespace: labels.source_workload_namespace,
        destinationWorkloadNamespace: labels.destination_workload_namespace,
        destinationVersion: labels.destination_version,
        responseCode: flow.code,
        responseFlags: flow.flags,
        rps,
      });
      for (const le of [...ISTIO_DURATION_BUCKETS, Infinity]) {
        latency.push({
          ...series,
          le,
          rps: rps * latencyCdf(flow.latency, le),
        });
      }
    }
  }
  return {
    measuredAt: new Date(at).toISOString(),
    windowSeconds: 60,
    requests,
    latency,
    autoscalers: objects
      .filter(o => o.kind === 'HorizontalPodAutoscaler')
      .flatMap(autoscalerSamples),
  };
}

/** kube-state-metrics' replica gauges of one HPA. */
function autoscalerSamples(hpa: KubeObject): AutoscalerSample[] {
  const spec = hpa.spec as any;
  const status = hpa.status as any;
  const ref = {
    namespace: hpa.metadata.namespace ?? '',
    name: hpa.metadata.name,
  };
  const fields: Array<[AutoscalerSample['field'], unknown]> = [
    ['min', spec?.minReplicas ?? 1],
    ['max', spec?.maxReplicas],
    ['current', status?.currentReplicas],
    ['desired', status?.desiredReplicas],
  ];
  return fields
    .filter(([, v]) => typeof v === 'number')
    .map(([field, value]) => ({ ...ref, field, value: value as number }));
}
