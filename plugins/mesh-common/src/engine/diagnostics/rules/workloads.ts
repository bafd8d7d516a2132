/*
 * Workload rules: Deployments rolling out, pods failing.
 */
import type { Diagnostic } from '../../../types';
import { diag, DiagnosticRule, name } from '../DiagnosticRule';

const FAILING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
]);

/** MESH-5002: a Deployment's rollout exceeded its progress deadline. */
export const rolloutStalled: DiagnosticRule = {
  code: 'MESH-5002',
  check: ctx =>
    ctx.deployments.flatMap(({ info }): Diagnostic[] => {
      const ref = info.ref;
      const r = info.replicas;
      return info.rollout.state === 'stalled'
        ? [
            diag(
              'MESH-5002',
              `${name(ref)} is stuck rolling out: ${
                info.rollout.message ?? 'ProgressDeadlineExceeded'
              } (${r.updated} of ${r.desired} updated, ${
                r.available
              } available).`,
              [ref],
              { path: 'status.conditions' },
            ),
          ]
        : [];
    }),
};

/** MESH-5001: a Deployment has fewer ready or available replicas than it wants. */
export const replicasUnavailable: DiagnosticRule = {
  code: 'MESH-5001',
  check: ctx =>
    ctx.deployments.flatMap(({ info }): Diagnostic[] => {
      const ref = info.ref;
      const r = info.replicas;
      return info.rollout.state !== 'stalled' &&
        info.rollout.state !== 'paused' &&
        r.desired > 0 &&
        (r.ready < r.desired || r.available < r.desired)
        ? [
            diag(
              'MESH-5001',
              `${name(ref)} wants ${r.desired} replicas; ${
                r.ready
              } are ready and ${r.available} available.`,
              [ref],
              {
                path: 'status.readyReplicas',
              },
            ),
          ]
        : [];
    }),
};

/** MESH-5003: a pod of the chain is failing. */
export const podFailing: DiagnosticRule = {
  code: 'MESH-5003',
  check: ctx =>
    ctx.pods.flatMap(({ info }): Diagnostic[] => {
      const failing = info.containers.filter(c => {
        const reason = c.state.split(': ')[1];
        return (
          reason &&
          (FAILING_REASONS.has(reason) ||
            (c.state.startsWith('terminated') && reason === 'Error'))
        );
      });
      if (failing.length === 0 && info.phase !== 'Failed') return [];
      return [
        diag(
          'MESH-5003',
          `Pod ${info.ref.namespace}/${info.ref.name} is failing: ${
            failing.map(c => `container ${c.name} ${c.state}`).join(', ') ||
            `phase ${info.phase}`
          }${info.restarts > 0 ? `, ${info.restarts} restarts` : ''}.`,
          [info.ref, ...(info.owner ? [info.owner] : [])],
        ),
      ];
    }),
};
