/*
 * Autoscaling rules: HPAs at their maximum, unable to compute or to scale,
 * or targeting a utilization their Deployment's containers cannot report.
 */
import type { Diagnostic, HpaInfo } from '../../../types';
import { containersOf, refOf } from '../../resolve/objectInfo';
import { diag, DiagnosticRule, name } from '../DiagnosticRule';

function condition(info: HpaInfo, type: string) {
  return info.conditions.find(c => c.type === type);
}

/** MESH-6001: an HPA runs at its maximum and would scale further. */
export const autoscalerAtMaximum: DiagnosticRule = {
  code: 'MESH-6001',
  check: ctx =>
    ctx.hpas.flatMap(({ info }): Diagnostic[] => {
      const ref = info.ref;
      // minReplicas == maxReplicas pins the count on purpose: not a warning.
      const limited = condition(info, 'ScalingLimited');
      if (
        info.maxReplicas > 0 &&
        info.currentReplicas >= info.maxReplicas &&
        (info.maxReplicas > info.minReplicas ||
          info.desiredReplicas > info.maxReplicas ||
          limited?.reason === 'TooManyReplicas')
      ) {
        return [
          diag(
            'MESH-6001',
            `${name(ref)} runs ${
              info.currentReplicas
            } replicas, its maximum (maxReplicas ${
              info.maxReplicas
            }); desired ${info.desiredReplicas}${
              limited?.status === 'True'
                ? ` (${limited.reason}: ${limited.message ?? ''})`
                : ''
            }.`,
            [ref],
            { path: 'spec.maxReplicas' },
          ),
        ];
      }
      return [];
    }),
};

/** MESH-6002: an HPA cannot compute a replica count. */
export const autoscalerInactive: DiagnosticRule = {
  code: 'MESH-6002',
  check: ctx =>
    ctx.hpas.flatMap(({ info }): Diagnostic[] => {
      const active = condition(info, 'ScalingActive');
      return active?.status === 'False'
        ? [
            diag(
              'MESH-6002',
              `${name(info.ref)} cannot compute a replica count: ${
                active.reason ?? ''
              } ${active.message ?? ''}`.trim(),
              [info.ref],
              { path: 'status.conditions' },
            ),
          ]
        : [];
    }),
};

/** MESH-6004: an HPA is unable to scale its target. */
export const autoscalerUnableToScale: DiagnosticRule = {
  code: 'MESH-6004',
  check: ctx =>
    ctx.hpas.flatMap(({ info }): Diagnostic[] => {
      const able = condition(info, 'AbleToScale');
      return able?.status === 'False'
        ? [
            diag(
              'MESH-6004',
              `${name(info.ref)} is unable to scale: ${able.reason ?? ''} ${
                able.message ?? ''
              }`.trim(),
              [info.ref],
              { path: 'status.conditions' },
            ),
          ]
        : [];
    }),
};

/** MESH-6003: a utilization target on containers that request none of it. */
export const utilizationWithoutRequest: DiagnosticRule = {
  code: 'MESH-6003',
  check: ctx =>
    ctx.hpas.flatMap(({ info, target }) => {
      const out: Diagnostic[] = [];
      if (!target) return out;
      const ref = info.ref;
      const containers = containersOf(target.spec?.template ?? {});
      info.metrics.forEach((m, i) => {
        if (
          (m.type !== 'Resource' && m.type !== 'ContainerResource') ||
          m.target.type !== 'Utilization'
        )
          return;
        const relevant =
          m.type === 'ContainerResource'
            ? containers.filter(c => c.name === m.container)
            : containers;
        const missing = relevant.filter(
          c => c.resources?.requests?.[m.name] === undefined,
        );
        if (missing.length > 0) {
          out.push(
            diag(
              'MESH-6003',
              `${name(ref)} targets ${m.target.value}% ${
                m.name
              } utilization, but container${
                missing.length > 1 ? 's' : ''
              } ${missing.map(c => c.name).join(', ')} of ${name(
                target,
              )} request${missing.length > 1 ? '' : 's'} no ${m.name}.`,
              [ref, refOf(target)],
              {
                path: `spec.metrics[${i}]`,
                fix: `Set resources.requests.${m.name} on ${missing
                  .map(c => c.name)
                  .join(', ')} in ${name(
                  target,
                )}, or use an AverageValue target.`,
              },
            ),
          );
        }
      });
      return out;
    }),
};

/** MESH-6005: an HPA whose scaleTargetRef names no existing Deployment. */
export const autoscalerTargetNotFound: DiagnosticRule = {
  code: 'MESH-6005',
  check: ctx =>
    ctx.hpas.flatMap(({ obj, info, target }): Diagnostic[] => {
      const ref = obj.spec?.scaleTargetRef;
      const namespace = obj.metadata.namespace ?? '';
      if (
        target ||
        typeof ref?.name !== 'string' ||
        (ref.kind ?? 'Deployment') !== 'Deployment' ||
        ctx.reads.get('deployments', namespace, ref.name)
      ) {
        return [];
      }
      return [
        diag(
          'MESH-6005',
          `${name(info.ref)} scales Deployment ${namespace}/${
            ref.name
          }, which does not exist.`,
          [info.ref],
          { path: 'spec.scaleTargetRef.name' },
        ),
      ];
    }),
};
