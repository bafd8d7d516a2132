/*
 * kube-state-metrics' series for Deployments and HPAs (the names and labels
 * of KSM 2.x), from the cluster's objects, so that Prometheus keeps their
 * history: replicas over time, and each HPA metric against its target.
 */
import { parseQuantity } from '@mesh-chain/plugin-mesh-common';
import { findByKind } from '../api/resources';
import type { Store } from '../store/Store';
import type { MetricFamily } from './exposition';

const DEPLOYMENTS = findByKind('apps/v1', 'Deployment')!;
const HPAS = findByKind('autoscaling/v2', 'HorizontalPodAutoscaler')!;

function gauge(name: string, help: string): MetricFamily {
  return { name, help, type: 'gauge', samples: [] };
}

/** KSM's `metric_name`, `metric_target_type` and value of one HPA target. */
function targetOf(spec: any): { name: string; type: string; value: number }[] {
  const source =
    spec?.resource ??
    spec?.containerResource ??
    spec?.pods ??
    spec?.object ??
    spec?.external;
  const name = source?.name ?? source?.metric?.name;
  const target = source?.target ?? source?.current;
  if (!name || !target) return [];
  const out = [];
  if (target.averageUtilization !== undefined) {
    out.push({
      name,
      type: 'utilization',
      value: Number(target.averageUtilization),
    });
  }
  if (target.averageValue !== undefined) {
    out.push({
      name,
      type: 'average',
      value: parseQuantity(String(target.averageValue)) ?? 0,
    });
  }
  if (target.value !== undefined) {
    out.push({
      name,
      type: 'value',
      value: parseQuantity(String(target.value)) ?? 0,
    });
  }
  return out;
}

/** The KSM families of the store's Deployments and HPAs. */
export function kubeStateMetrics(store: Store): MetricFamily[] {
  const specReplicas = gauge(
    'kube_deployment_spec_replicas',
    'Number of desired pods for a deployment.',
  );
  const available = gauge(
    'kube_deployment_status_replicas_available',
    'The number of available replicas per deployment.',
  );
  for (const d of store.list(DEPLOYMENTS)) {
    const labels = {
      namespace: d.metadata.namespace!,
      deployment: d.metadata.name,
    };
    specReplicas.samples.push({ labels, value: d.spec?.replicas ?? 1 });
    available.samples.push({ labels, value: d.status?.availableReplicas ?? 0 });
  }
  const min = gauge(
    'kube_horizontalpodautoscaler_spec_min_replicas',
    'Lower limit for the number of pods that can be set by the autoscaler, default 1.',
  );
  const max = gauge(
    'kube_horizontalpodautoscaler_spec_max_replicas',
    'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
  );
  const current = gauge(
    'kube_horizontalpodautoscaler_status_current_replicas',
    'Current number of replicas of pods managed by this autoscaler.',
  );
  const desired = gauge(
    'kube_horizontalpodautoscaler_status_desired_replicas',
    'Desired number of replicas of pods managed by this autoscaler.',
  );
  const specTarget = gauge(
    'kube_horizontalpodautoscaler_spec_target_metric',
    'The metric specifications used by this autoscaler when calculating the desired replica count.',
  );
  const statusTarget = gauge(
    'kube_horizontalpodautoscaler_status_target_metric',
    'The current metric status used by this autoscaler when calculating the desired replica count.',
  );
  for (const h of store.list(HPAS)) {
    const labels = {
      namespace: h.metadata.namespace!,
      horizontalpodautoscaler: h.metadata.name,
    };
    min.samples.push({ labels, value: h.spec?.minReplicas ?? 1 });
    max.samples.push({ labels, value: h.spec?.maxReplicas ?? 1 });
    current.samples.push({ labels, value: h.status?.currentReplicas ?? 0 });
    desired.samples.push({ labels, value: h.status?.desiredReplicas ?? 0 });
    for (const m of h.spec?.metrics ?? []) {
      for (const t of targetOf(m)) {
        specTarget.samples.push({
          labels: {
            ...labels,
            metric_name: t.name,
            metric_target_type: t.type,
          },
          value: t.value,
        });
      }
    }
    for (const m of h.status?.currentMetrics ?? []) {
      for (const t of targetOf(m)) {
        statusTarget.samples.push({
          labels: {
            ...labels,
            metric_name: t.name,
            metric_target_type: t.type,
          },
          value: t.value,
        });
      }
    }
  }
  return [
    specReplicas,
    available,
    min,
    max,
    current,
    desired,
    specTarget,
    statusTarget,
  ];
}
