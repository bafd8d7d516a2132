/*
 * HorizontalPodAutoscalers -> the chain's JSON: every metric type, current
 * against target, and the conditions.
 */
import type {
  HpaInfo,
  HpaMetricInfo,
  HpaMetricType,
  ObjectRef,
} from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import { baseOf, conditionsOf, num } from './objectInfo';

function metricKey(m: any): { type: HpaMetricType; name: string } | undefined {
  switch (m?.type) {
    case 'Resource':
      return { type: 'Resource', name: m.resource?.name };
    case 'ContainerResource':
      return {
        type: 'ContainerResource',
        name: `${m.containerResource?.container}/${m.containerResource?.name}`,
      };
    case 'Pods':
      return { type: 'Pods', name: m.pods?.metric?.name };
    case 'Object':
      return { type: 'Object', name: m.object?.metric?.name };
    case 'External':
      return { type: 'External', name: m.external?.metric?.name };
    default:
      return undefined;
  }
}

function metricBody(m: any): any {
  switch (m.type) {
    case 'Resource':
      return m.resource;
    case 'ContainerResource':
      return m.containerResource;
    case 'Pods':
      return m.pods;
    case 'Object':
      return m.object;
    default:
      return m.external;
  }
}

function quantity(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function hpaMetrics(hpa: KubeObject): HpaMetricInfo[] {
  const specMetrics: any[] = Array.isArray(hpa.spec?.metrics)
    ? hpa.spec.metrics
    : [];
  const current: any[] = Array.isArray(hpa.status?.currentMetrics)
    ? hpa.status.currentMetrics
    : [];
  const out: HpaMetricInfo[] = [];
  for (const m of specMetrics) {
    const key = metricKey(m);
    if (!key) {
      continue;
    }
    const body = metricBody(m) ?? {};
    const target = body.target ?? {};
    const targetType: HpaMetricInfo['target']['type'] =
      target.type === 'Value' || target.type === 'AverageValue'
        ? target.type
        : 'Utilization';
    const cur = current.find(c => {
      const k = metricKey(c);
      return k && k.type === key.type && k.name === key.name;
    });
    const curBody = cur ? metricBody(cur)?.current : undefined;
    const name =
      key.type === 'ContainerResource' ? body.name : key.name ?? 'unknown';
    out.push({
      type: key.type,
      name,
      ...(key.type === 'ContainerResource' && { container: body.container }),
      ...(key.type === 'Object' &&
        body.describedObject && {
          describedObject: {
            kind: body.describedObject.kind,
            name: body.describedObject.name,
            ...(body.describedObject.apiVersion && {
              apiVersion: body.describedObject.apiVersion,
            }),
          },
        }),
      ...(body.metric?.selector?.matchLabels && {
        selector: body.metric.selector.matchLabels,
      }),
      target: {
        type: targetType,
        value:
          targetType === 'Utilization'
            ? String(target.averageUtilization ?? '')
            : quantity(
                targetType === 'Value' ? target.value : target.averageValue,
              ) ?? '',
      },
      ...(curBody && {
        current: {
          ...(curBody.averageUtilization !== undefined && {
            averageUtilization: curBody.averageUtilization,
          }),
          ...(curBody.averageValue !== undefined && {
            averageValue: String(curBody.averageValue),
          }),
          ...(curBody.value !== undefined && { value: String(curBody.value) }),
        },
      }),
    });
  }
  return out;
}

export function hpaInfo(hpa: KubeObject, target?: ObjectRef): HpaInfo {
  const spec = hpa.spec ?? {};
  const status = hpa.status ?? {};
  const t = spec.scaleTargetRef ?? {};
  return {
    ...baseOf(hpa),
    scaleTargetRef: {
      kind: t.kind ?? 'Deployment',
      name: t.name ?? '',
      ...(t.apiVersion && { apiVersion: t.apiVersion }),
    },
    ...(target && { target }),
    minReplicas: num(spec.minReplicas, 1),
    maxReplicas: num(spec.maxReplicas),
    currentReplicas: num(status.currentReplicas),
    desiredReplicas: num(status.desiredReplicas),
    metrics: hpaMetrics(hpa),
    conditions: conditionsOf(hpa),
    ...(status.lastScaleTime && { lastScaleTime: status.lastScaleTime }),
    ...(spec.behavior && { behavior: spec.behavior }),
  };
}
