/*
 * The HorizontalPodAutoscaler controller, after kube-controller-manager's
 * replica calculator: per metric the ratio of current to target value, a
 * 10% tolerance, unready pods counted as idle when scaling up, the highest
 * proposal across metrics, min/max bounds, the default scale-up limit and
 * 5-minute scale-down stabilization, or the `behavior` policies when given.
 * Metrics come from the synthetic load (see load.ts): Resource and
 * ContainerResource (cpu, memory), Pods, Object and External metrics whose
 * name mentions requests (e.g. `http_requests_per_second`).
 */
import { now } from '../api/ObjectApi';
import { findByKind } from '../api/resources';
import { fromLabelSelectorSpec } from '../api/selectors';
import type { KubeObject } from '../types';
import { formatQuantity, parseQuantity } from '@mesh-chain/plugin-mesh-common';
import { LoadSpec, loadOf, podUsage, rpsAt } from './load';
import {
  ControllerRuntime,
  isPodActive,
  isPodReady,
  keyOf,
  setCondition,
  splitKey,
} from './runtime';

const MANAGER = 'kube-controller-manager';
const COMPONENT = 'horizontal-pod-autoscaler';
const TOLERANCE = 0.1;
const DEFAULT_DOWN_WINDOW = 300;

interface Proposal {
  replicas: number;
  status: any;
  description: string;
  above: boolean;
}

class MetricError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

interface History {
  recommendations: Array<{ at: number; replicas: number }>;
  scaleUps: Array<{ at: number; change: number }>;
  scaleDowns: Array<{ at: number; change: number }>;
  lastGeneration?: number;
}

function isRequestMetric(name: string | undefined) {
  return Boolean(name && /request|rps|qps|queue|messages/i.test(name));
}

export class HorizontalPodAutoscalerController {
  private readonly hpas;
  private readonly pods;
  private readonly history = new Map<string, History>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly rt: ControllerRuntime) {
    this.hpas = rt.type('autoscaling/v2', 'HorizontalPodAutoscaler');
    this.pods = rt.type('v1', 'Pod');
  }

  start() {
    this.rt.on('HorizontalPodAutoscaler', event => {
      const key = keyOf(event.object);
      if (event.type === 'DELETED') {
        this.rt.cancel(this.timers.get(key));
        this.timers.delete(key);
        this.history.delete(key);
        return;
      }
      const h = this.history.get(key);
      if (!h || h.lastGeneration !== event.object.metadata.generation) {
        this.arm(key, 0.05);
      }
    });
    for (const hpa of this.rt.store.list(this.hpas)) this.arm(keyOf(hpa), 0.05);
  }

  private arm(key: string, seconds: number) {
    this.rt.cancel(this.timers.get(key));
    const t = this.rt.after(seconds, () => {
      this.timers.delete(key);
      try {
        this.sync(key);
      } finally {
        if (this.rt.get(this.hpas, ...splitKey(key))) {
          this.arm(key, this.rt.timing.hpaSyncSeconds);
        }
      }
    });
    if (t) this.timers.set(key, t);
  }

  /** Runs one reconciliation now (tests and the programmatic API). */
  syncNow(namespace: string, name: string) {
    this.sync(`${namespace}/${name}`);
  }

  private sync(key: string) {
    const [ns, name] = splitKey(key);
    const hpa = this.rt.get(this.hpas, ns, name);
    if (!hpa) return;
    let h = this.history.get(key);
    if (!h)
      this.history.set(
        key,
        (h = { recommendations: [], scaleUps: [], scaleDowns: [] }),
      );
    h.lastGeneration = hpa.metadata.generation;
    const spec = hpa.spec ?? {};
    const ref = spec.scaleTargetRef ?? {};
    const minReplicas = spec.minReplicas ?? 1;
    const maxReplicas = spec.maxReplicas ?? minReplicas;
    let conditions = hpa.status?.conditions;
    const write = (status: any) =>
      this.rt.mutate(
        this.hpas,
        hpa,
        MANAGER,
        x => {
          x.status = { observedGeneration: hpa.metadata.generation, ...status };
        },
        'status',
      );

    const targetType =
      ref.kind === 'Deployment' || ref.kind === 'ReplicaSet'
        ? findByKind(ref.apiVersion ?? 'apps/v1', ref.kind)
        : undefined;
    const target = targetType && this.rt.get(targetType, ns, ref.name);
    if (!targetType || !target) {
      const message = targetType
        ? `the HPA controller was unable to get the target's current scale: ${targetType.plural}.${targetType.group} "${ref.name}" not found`
        : `the HPA controller was unable to get the target's current scale: no matches for kind "${
            ref.kind
          }" in group "${String(ref.apiVersion ?? '').split('/')[0]}"`;
      conditions = setCondition(conditions, {
        type: 'AbleToScale',
        status: 'False',
        reason: 'FailedGetScale',
        message,
      });
      this.rt.event(hpa, 'Warning', 'FailedGetScale', message, COMPONENT);
      write({
        ...(hpa.status?.lastScaleTime && {
          lastScaleTime: hpa.status.lastScaleTime,
        }),
        currentReplicas: hpa.status?.currentReplicas ?? 0,
        desiredReplicas: hpa.status?.desiredReplicas ?? 0,
        conditions,
      });
      return;
    }
    const current = target.spec?.replicas ?? 1;
    if (current === 0 && minReplicas !== 0) {
      conditions = setCondition(conditions, {
        type: 'AbleToScale',
        status: 'True',
        reason: 'SucceededGetScale',
        message:
          "the HPA controller was able to get the target's current scale",
      });
      conditions = setCondition(conditions, {
        type: 'ScalingActive',
        status: 'False',
        reason: 'ScalingDisabled',
        message:
          'scaling is disabled since the replica count of the target is zero',
      });
      write({ currentReplicas: 0, desiredReplicas: 0, conditions });
      return;
    }

    const at = Date.now();
    let desired: number;
    let stabilized = false;
    let rescaleReason: string | undefined;
    let metricStatus: any[] = hpa.status?.currentMetrics ?? [];
    let best: Proposal | undefined;
    if (current > maxReplicas) {
      desired = maxReplicas;
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < minReplicas) {
      desired = minReplicas;
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      const computed = this.compute(
        hpa,
        h,
        target,
        current,
        minReplicas,
        maxReplicas,
        at,
      );
      if (!computed) return;
      ({ desired, stabilized, metricStatus, best } = computed);
      conditions = computed.conditions;
    }

    let lastScaleTime = hpa.status?.lastScaleTime;
    if (desired !== current) {
      try {
        this.rt.api.updateScale(
          targetType,
          ns,
          target.metadata.name,
          { spec: { replicas: desired } },
          {
            caller: {
              user: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
              groups: [],
            },
            fieldManager: MANAGER,
          },
        );
      } catch (error) {
        conditions = setCondition(conditions, {
          type: 'AbleToScale',
          status: 'False',
          reason: 'FailedUpdateScale',
          message: `the HPA controller was unable to update the target scale: ${
            (error as Error).message
          }`,
        });
        write({
          currentReplicas: current,
          desiredReplicas: desired,
          currentMetrics: metricStatus,
          conditions,
          ...(lastScaleTime && { lastScaleTime }),
        });
        return;
      }
      lastScaleTime = now();
      (desired > current ? h.scaleUps : h.scaleDowns).push({
        at,
        change: Math.abs(desired - current),
      });
      const reason =
        rescaleReason ??
        (desired > current && best
          ? `${best.description} above target`
          : 'All metrics below target');
      this.rt.event(
        hpa,
        'Normal',
        'SuccessfulRescale',
        `New size: ${desired}; reason: ${reason}`,
        COMPONENT,
      );
      conditions = setCondition(conditions, {
        type: 'AbleToScale',
        status: 'True',
        reason: 'SucceededRescale',
        message: `the HPA controller was able to update the target scale to ${desired}`,
      });
    } else if (stabilized) {
      conditions = setCondition(conditions, {
        type: 'AbleToScale',
        status: 'True',
        reason: 'ScaleDownStabilized',
        message:
          'recent recommendations were higher than current one, applying the highest recent recommendation',
      });
    } else {
      conditions = setCondition(conditions, {
        type: 'AbleToScale',
        status: 'True',
        reason: 'ReadyForNewScale',
        message: 'recommended size matches current size',
      });
    }
    write({
      ...(lastScaleTime && { lastScaleTime }),
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: metricStatus,
      conditions: sortConditions(conditions),
    });
  }

  /** Evaluates the metrics: the stabilized, bounded replica count and the conditions. */
  private compute(
    hpa: KubeObject,
    h: History,
    target: KubeObject,
    current: number,
    minReplicas: number,
    maxReplicas: number,
    at: number,
  ) {
    const ns = hpa.metadata.namespace!;
    const spec = hpa.spec ?? {};
    let conditions = hpa.status?.conditions;
    const selector = fromLabelSelectorSpec(target.spec?.selector);
    const pods = this.rt.store
      .list(this.pods, ns)
      .filter(p => selector.matches(p.metadata.labels) && isPodActive(p));
    const load = loadOf(target);
    const simulated = (Date.now() / 1000) * this.rt.clock.timeScale;
    const rps = rpsAt(load, simulated);

    const proposals: Proposal[] = [];
    const errors: MetricError[] = [];
    const metricStatus: any[] = [];
    for (const metric of spec.metrics ?? []) {
      try {
        const p = this.evaluate(metric, pods, current, load, rps);
        proposals.push(p);
        metricStatus.push(p.status);
      } catch (error) {
        const e =
          error instanceof MetricError
            ? error
            : new MetricError('FailedGetMetric', String(error));
        errors.push(e);
        metricStatus.push({ type: metric.type ?? '' });
      }
    }

    if (!proposals.length) {
      const e =
        errors[0] ??
        new MetricError('InvalidMetricSourceType', 'the HPA has no metrics');
      conditions = setCondition(conditions, {
        type: 'AbleToScale',
        status: 'True',
        reason: 'SucceededGetScale',
        message:
          "the HPA controller was able to get the target's current scale",
      });
      conditions = setCondition(conditions, {
        type: 'ScalingActive',
        status: 'False',
        reason: e.reason,
        message: `the HPA was unable to compute the replica count: ${e.message}`,
      });
      this.rt.event(hpa, 'Warning', e.reason, e.message, COMPONENT);
      this.write(hpa, {
        ...(hpa.status?.lastScaleTime && {
          lastScaleTime: hpa.status.lastScaleTime,
        }),
        currentReplicas: current,
        desiredReplicas: hpa.status?.desiredReplicas ?? current,
        currentMetrics: metricStatus,
        conditions,
      });
      return undefined;
    }

    const best = proposals.reduce((x, y) => (y.replicas > x.replicas ? y : x));
    const { desired, limitReason, limited, stabilized } = spec.behavior
      ? this.normalizeWithBehavior(
          h,
          spec.behavior,
          current,
          best.replicas,
          minReplicas,
          maxReplicas,
          at,
        )
      : this.normalize(h, current, best.replicas, minReplicas, maxReplicas, at);

    conditions = setCondition(conditions, {
      type: 'ScalingActive',
      status: 'True',
      reason: 'ValidMetricFound',
      message: `the HPA was able to successfully calculate a replica count from ${best.description}`,
    });
    conditions = setCondition(conditions, limitCondition(limitReason, limited));

    return { desired, stabilized, metricStatus, best, conditions };
  }

  private write(hpa: KubeObject, status: any) {
    return this.rt.mutate(
      this.hpas,
      hpa,
      MANAGER,
      x => {
        x.status = { observedGeneration: hpa.metadata.generation, ...status };
      },
      'status',
    );
  }

  /** normalizeDesiredReplicas: stabilization, then the min/max/scale-up rules. */
  private normalize(
    h: History,
    current: number,
    proposed: number,
    min: number,
    max: number,
    at: number,
  ): {
    desired: number;
    limitReason: string;
    limited: boolean;
    stabilized: boolean;
  } {
    const windowMs = this.rt.clock.ms(DEFAULT_DOWN_WINDOW);
    let stabilizedValue = proposed;
    for (const r of h.recommendations) {
      if (at - r.at <= windowMs && r.replicas > stabilizedValue)
        stabilizedValue = r.replicas;
    }
    h.recommendations = h.recommendations.filter(r => at - r.at <= windowMs);
    h.recommendations.push({ at, replicas: proposed });
    const scaleUpLimit = Math.max(2 * current, 4);
    let allowedMax = max;
    let limitReason = 'TooManyReplicas';
    if (max > scaleUpLimit) {
      allowedMax = scaleUpLimit;
      limitReason = 'ScaleUpLimit';
    }
    let desired = stabilizedValue;
    if (stabilizedValue < min) {
      desired = min;
      limitReason = 'TooFewReplicas';
    } else if (stabilizedValue > allowedMax) {
      desired = allowedMax;
    } else {
      limitReason = 'DesiredWithinRange';
    }
    return {
      desired,
      limitReason,
      limited: desired !== stabilizedValue,
      stabilized: stabilizedValue !== proposed,
    };
  }

  private normalizeWithBehavior(
    h: History,
    behavior: any,
    current: number,
    proposed: number,
    min: number,
    max: number,
    at: number,
  ): {
    desired: number;
    limitReason?: string;
    limited: boolean;
    stabilized: boolean;
  } {
    const up = behavior.scaleUp ?? {};
    const down = behavior.scaleDown ?? {};
    const upWindow = this.rt.clock.ms(up.stabilizationWindowSeconds ?? 0);
    const downWindow = this.rt.clock.ms(
      down.stabilizationWindowSeconds ?? DEFAULT_DOWN_WINDOW,
    );
    h.recommendations.push({ at, replicas: proposed });
    h.recommendations = h.recommendations.filter(
      r => at - r.at <= Math.max(upWindow, downWindow),
    );
    let upRec = proposed;
    let downRec = proposed;
    for (const r of h.recommendations) {
      if (at - r.at <= upWindow) upRec = Math.min(upRec, r.replicas);
      if (at - r.at <= downWindow) downRec = Math.max(downRec, r.replicas);
    }
    let desired = current;
    if (desired < upRec) desired = upRec;
    if (desired > downRec) desired = downRec;
    const stabilized = desired !== proposed;

    let limitReason: string | undefined;
    const changeIn = (
      events: Array<{ at: number; change: number }>,
      periodSeconds: number,
    ) =>
      events
        .filter(e => at - e.at <= this.rt.clock.ms(periodSeconds))
        .reduce((a, e) => a + e.change, 0);
    if (desired > current) {
      const select = up.selectPolicy ?? 'Max';
      if (select === 'Disabled') {
        desired = current;
      } else {
        const policies = up.policies ?? [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ];
        const limits = policies.map((p: any) => {
          const start =
            current -
            changeIn(h.scaleUps, p.periodSeconds) +
            changeIn(h.scaleDowns, p.periodSeconds);
          return p.type === 'Pods'
            ? start + p.value
            : Math.ceil(start * (1 + p.value / 100));
        });
        const limit =
          select === 'Min' ? Math.min(...limits) : Math.max(...limits);
        if (desired > limit) {
          desired = limit;
          limitReason = 'ScaleUpLimit';
        }
      }
    } else if (desired < current) {
      const select = down.selectPolicy ?? 'Max';
      if (select === 'Disabled') {
        desired = current;
      } else {
        const policies = down.policies ?? [
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ];
        const limits = policies.map((p: any) => {
          const start =
            current +
            changeIn(h.scaleDowns, p.periodSeconds) -
            changeIn(h.scaleUps, p.periodSeconds);
          return p.type === 'Pods'
            ? start - p.value
            : Math.ceil(start * (1 - p.value / 100));
        });
        const limit =
          select === 'Min' ? Math.max(...limits) : Math.min(...limits);
        if (desired < limit) {
          desired = limit;
          limitReason = 'ScaleDownLimit';
        }
      }
    }
    if (desired > max) {
      desired = max;
      limitReason = 'TooManyReplicas';
    } else if (desired < min) {
      desired = min;
      limitReason = 'TooFewReplicas';
    }
    return { desired, limitReason, limited: Boolean(limitReason), stabilized };
  }

  /** One metric: its replica proposal and currentMetrics entry. */
  private evaluate(
    metric: any,
    pods: KubeObject[],
    current: number,
    load: LoadSpec,
    rps: number,
  ): Proposal {
    const ready = pods.filter(isPodReady);
    const unready = pods.filter(p => !isPodReady(p));
    const perPodRps = ready.length ? rps / ready.length : 0;
    const usage = podUsage(load, perPodRps);

    switch (metric.type) {
      case 'Resource':
      case 'ContainerResource': {
        const src =
          metric.type === 'Resource'
            ? metric.resource
            : metric.containerResource;
        const name: string = src?.name;
        if (name !== 'cpu' && name !== 'memory') {
          throw new MetricError(
            metric.type === 'Resource'
              ? 'FailedGetResourceMetric'
              : 'FailedGetContainerResourceMetric',
            `failed to get ${name} utilization: unable to get metrics for resource ${name}: no metrics returned from resource metrics API`,
          );
        }
        const reason =
          metric.type === 'Resource'
            ? 'FailedGetResourceMetric'
            : 'FailedGetContainerResourceMetric';
        if (!ready.length) {
          throw new MetricError(
            reason,
            `failed to get ${name} utilization: did not receive metrics for targeted pods (pods might be unready)`,
          );
        }
        // Per pod: usage and request for the metric's containers.
        const perPod = ready.map(pod => {
          const containers: any[] = (pod.spec?.containers ?? []).filter(
            (c: any) => metric.type === 'Resource' || c.name === src.container,
          );
          if (!containers.length) {
            throw new MetricError(
              reason,
              `failed to get ${name} utilization: container ${src.container} not present in pod ${pod.metadata.name}`,
            );
          }
          let request = 0;
          for (const c of containers) {
            const q = parseQuantity(c.resources?.requests?.[name]);
            if (q === undefined && src.target?.type === 'Utilization') {
              throw new MetricError(
                reason,
                `failed to get ${name} utilization: missing request for ${name} in container ${c.name} of Pod ${pod.metadata.name}`,
              );
            }
            request += q ?? 0;
          }
          const share = containers.length / (pod.spec?.containers?.length || 1);
          const used =
            name === 'cpu'
              ? (usage.cpuMilli / 1000) * share
              : usage.memoryMi * 1024 * 1024 * share;
          return { request, used };
        });
        const totalUsed = perPod.reduce((a, p) => a + p.used, 0);
        const totalRequest = perPod.reduce((a, p) => a + p.request, 0);
        const avg = totalUsed / ready.length;
        const avgQuantity =
          name === 'cpu'
            ? `${Math.round(avg * 1000)}m`
            : `${Math.round(avg / 1024 / 1024)}Mi`;
        const label =
          metric.type === 'Resource'
            ? `${name} resource`
            : `${name} container resource`;
        if (src.target?.type === 'Utilization') {
          const target = src.target.averageUtilization ?? 80;
          const utilization = Math.round((100 * totalUsed) / totalRequest);
          let ratio = utilization / target;
          let count = ready.length;
          if (unready.length && ratio > 1) {
            // Unready pods are counted as idle: do not scale up on startup noise.
            const requestPerPod = totalRequest / ready.length;
            const adjusted =
              (100 * totalUsed) /
              (totalRequest + requestPerPod * unready.length);
            const adjustedRatio = adjusted / target;
            if (adjustedRatio <= 1) ratio = 1;
            else ratio = adjustedRatio;
            count = ready.length + unready.length;
          }
          const replicas =
            Math.abs(ratio - 1) <= TOLERANCE
              ? current
              : Math.ceil(ratio * count);
          return {
            replicas,
            above: ratio > 1,
            description: `${label} utilization (percentage of request)`,
            status: {
              type: metric.type,
              [metric.type === 'Resource' ? 'resource' : 'containerResource']: {
                name,
                ...(metric.type === 'ContainerResource' && {
                  container: src.container,
                }),
                current: {
                  averageUtilization: utilization,
                  averageValue: avgQuantity,
                },
              },
            },
          };
        }
        const target = parseQuantity(src.target?.averageValue) ?? 1;
        const ratio = avg / target;
        const replicas =
          Math.abs(ratio - 1) <= TOLERANCE
            ? current
            : Math.ceil(totalUsed / target);
        return {
          replicas,
          above: ratio > 1,
          description: label,
          status: {
            type: metric.type,
            [metric.type === 'Resource' ? 'resource' : 'containerResource']: {
              name,
              ...(metric.type === 'ContainerResource' && {
                container: src.container,
              }),
              current: { averageValue: avgQuantity },
            },
          },
        };
      }
      case 'Pods': {
        const name = metric.pods?.metric?.name;
        if (!isRequestMetric(name)) {
          throw new MetricError(
            'FailedGetPodsMetric',
            `unable to get metric ${name}: unable to fetch metrics from custom metrics API: the server could not find the metric ${name} for pods`,
          );
        }
        if (!ready.length) {
          throw new MetricError(
            'FailedGetPodsMetric',
            `unable to get metric ${name}: no metrics returned from custom metrics API`,
          );
        }
        const target = parseQuantity(metric.pods.target?.averageValue) ?? 1;
        const ratio = perPodRps / target;
        const replicas =
          Math.abs(ratio - 1) <= TOLERANCE
            ? current
            : Math.ceil(ratio * ready.length);
        return {
          replicas,
          above: ratio > 1,
          description: `pods metric ${name}`,
          status: {
            type: 'Pods',
            pods: {
              metric: { name },
              current: {
                averageValue: formatQuantity(
                  Math.round(perPodRps * 1000) / 1000,
                ),
              },
            },
          },
        };
      }
      case 'Object':
      case 'External': {
        const src = metric.type === 'Object' ? metric.object : metric.external;
        const name = src?.metric?.name;
        const reason =
          metric.type === 'Object'
            ? 'FailedGetObjectMetric'
            : 'FailedGetExternalMetric';
        if (!isRequestMetric(name)) {
          throw new MetricError(
            reason,
            `unable to get ${
              metric.type === 'Object' ? 'metric' : 'external metric'
            } ${name}: the server could not find the metric ${name}`,
          );
        }
        const value = Math.round(rps * 1000) / 1000;
        const base = {
          type: metric.type,
          [metric.type === 'Object' ? 'object' : 'external']: {
            ...(metric.type === 'Object' && {
              describedObject: src.describedObject,
            }),
            metric: src.metric,
          },
        };
        const key = metric.type === 'Object' ? 'object' : 'external';
        if (src.target?.type === 'AverageValue') {
          const target = parseQuantity(src.target.averageValue) ?? 1;
          const avg = value / Math.max(1, current);
          const ratio = avg / target;
          const replicas =
            Math.abs(ratio - 1) <= TOLERANCE
              ? current
              : Math.ceil(value / target);
          (base as any)[key].current = {
            averageValue: formatQuantity(Math.round(avg * 1000) / 1000),
          };
          return {
            replicas,
            above: ratio > 1,
            description: `${metric.type.toLowerCase()} metric ${name}`,
            status: base,
          };
        }
        const target = parseQuantity(src.target?.value) ?? 1;
        const ratio = value / target;
        const replicas =
          Math.abs(ratio - 1) <= TOLERANCE
            ? current
            : Math.ceil(ratio * Math.max(1, ready.length));
        (base as any)[key].current = { value: formatQuantity(value) };
        return {
          replicas,
          above: ratio > 1,
          description: `${metric.type.toLowerCase()} metric ${name}`,
          status: base,
        };
      }
      default:
        throw new MetricError(
          'InvalidMetricSourceType',
          `unknown metric source type "${metric.type}"`,
        );
    }
  }
}

const LIMITS: Record<string, [string, string]> = {
  TooManyReplicas: [
    'TooManyReplicas',
    'the desired replica count is more than the maximum replica count',
  ],
  TooFewReplicas: [
    'TooFewReplicas',
    'the desired replica count is less than the minimum replica count',
  ],
  ScaleUpLimit: [
    'ScaleUpLimit',
    'the desired replica count is increasing faster than the maximum scale rate',
  ],
  ScaleDownLimit: [
    'ScaleDownLimit',
    'the desired replica count is decreasing faster than the maximum scale rate',
  ],
};

function limitCondition(limitReason: string | undefined, limited: boolean) {
  const limit = limitReason && LIMITS[limitReason];
  if (limit && limited) {
    return {
      type: 'ScalingLimited',
      status: 'True',
      reason: limit[0],
      message: limit[1],
    };
  }
  return {
    type: 'ScalingLimited',
    status: 'False',
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  };
}

const ORDER = ['AbleToScale', 'ScalingActive', 'ScalingLimited'];
function sortConditions(conditions: any[]): any[] {
  return [...conditions].sort(
    (a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type),
  );
}
