/*
 * Service rules: the pods a Service selects, its ports, how it is exposed.
 */
import { isIstioProtocolPortName, ISTIO_PORT_PROTOCOLS } from '../../../ports';
import type { Diagnostic, ServicePortInfo } from '../../../types';
import type { KubeObject } from '../../kube/KubeObject';
import {
  formatLabels,
  labelExists,
  serviceSelectorMatches,
} from '../../kube/labelSelector';
import type { ChainContext, ChainService } from '../../resolve/ChainContext';
import { containersOf, refOf } from '../../resolve/objectInfo';
import { diag, DiagnosticRule, listOf, name } from '../DiagnosticRule';

function hasSelector(s: ChainService): boolean {
  return Object.keys(s.info.selector).length > 0;
}

/** MESH-4001: a Service selects no pod. */
export const serviceSelectsNoPods: DiagnosticRule = {
  code: 'MESH-4001',
  check: ctx =>
    ctx.services.flatMap((s): Diagnostic[] => {
      const { info, pods } = s;
      const ref = info.ref;
      if (info.type === 'ExternalName' || !hasSelector(s) || pods.length > 0) {
        return [];
      }
      // A pod there that carries some of the selector's keys.
      const keys = Object.keys(info.selector);
      const similar = keys
        .flatMap(key =>
          ctx.reads.select('pods', labelExists(key), ref.namespace ?? ''),
        )
        .map(p => p.metadata.labels ?? {})[0];
      return [
        diag(
          'MESH-4001',
          `${name(ref)} selects pods labelled ${formatLabels(
            info.selector,
          )} and no pod in namespace ${ref.namespace} has them all${
            similar
              ? ` (a pod there has ${keys
                  .filter(k => k in similar)
                  .map(k => `${k}=${similar[k]}`)
                  .join(',')})`
              : ''
          }.`,
          [ref],
          { path: 'spec.selector' },
        ),
      ];
    }),
};

/** MESH-4006: a Service selects pods and none of them is ready. */
export const servicePodsNotReady: DiagnosticRule = {
  code: 'MESH-4006',
  check: ctx =>
    ctx.services.flatMap((s): Diagnostic[] =>
      hasSelector(s) && s.info.readyPods === 0 && s.pods.length > 0
        ? [
            diag(
              'MESH-4006',
              `${name(s.info.ref)} selects ${
                s.pods.length
              } pods and none of them is ready.`,
              [s.info.ref],
            ),
          ]
        : [],
    ),
};

/**
 * Each port of a Service whose pods (or the pod templates of the chain's
 * Deployments it selects) are known, with the container ports they declare.
 */
function targetPorts(ctx: ChainContext) {
  return ctx.services.flatMap(s => {
    const { info, pods } = s;
    const ref = info.ref;
    const templates = ctx.deployments
      .filter(
        d =>
          d.info.ref.namespace === ref.namespace &&
          serviceSelectorMatches(info.selector, d.info.podLabels),
      )
      .map(d => d.obj.spec?.template ?? {});
    const specs = [...pods, ...templates];
    const declared = specs.flatMap(p =>
      containersOf(p).flatMap(c => listOf(c.ports)),
    );
    if (specs.length === 0 || info.type === 'ExternalName') {
      return [];
    }
    return info.ports.map((p, i) => ({ ref, p, i, declared }));
  });
}

/** Whether a targetPort names a container port rather than numbering it. */
function isNamed(t: ServicePortInfo['targetPort']): t is string {
  return typeof t === 'string' && !/^\d+$/.test(t);
}

/** MESH-4007: a named targetPort that no container of the pods declares. */
export const namedTargetPortNotFound: DiagnosticRule = {
  code: 'MESH-4007',
  check: ctx =>
    targetPorts(ctx).flatMap(({ ref, p, i, declared }): Diagnostic[] => {
      const t = p.targetPort;
      if (!isNamed(t) || declared.some(cp => cp.name === t)) return [];
      return [
        diag(
          'MESH-4007',
          `${name(ref)} port ${
            p.port
          } targets the named port "${t}", and no container of the selected pods has a port of that name (${
            [
              ...new Set(
                declared.map(cp =>
                  cp.name
                    ? `${cp.name}:${cp.containerPort}`
                    : String(cp.containerPort),
                ),
              ),
            ].join(', ') || 'none declared'
          }).`,
          [ref],
          { path: `spec.ports[${i}].targetPort` },
        ),
      ];
    }),
};

/** MESH-4002: a numeric targetPort that no container of the pods exposes. */
export const targetPortNotExposed: DiagnosticRule = {
  code: 'MESH-4002',
  check: ctx =>
    targetPorts(ctx).flatMap(({ ref, p, i, declared }): Diagnostic[] => {
      const t = p.targetPort;
      if (
        isNamed(t) ||
        declared.length === 0 ||
        declared.some(cp => cp.containerPort === Number(t))
      ) {
        return [];
      }
      return [
        diag(
          'MESH-4002',
          `${name(ref)} port ${
            p.port
          } sends to targetPort ${t}, but the selected pods' containers expose ${[
            ...new Set(declared.map(cp => cp.containerPort)),
          ].join(', ')}.`,
          [ref],
          {
            path: `spec.ports[${i}].targetPort`,
            fix: `Set spec.ports[${i}].targetPort to the port the container listens on (${[
              ...new Set(declared.map(cp => cp.containerPort)),
            ].join(' or ')}), or declare containerPort ${t}.`,
          },
        ),
      ];
    }),
};

/** MESH-4003: a port whose protocol Istio has to guess. */
export const portProtocolUnknown: DiagnosticRule = {
  code: 'MESH-4003',
  check: ctx =>
    ctx.services.flatMap(({ info }) => {
      const out: Diagnostic[] = [];
      const ref = info.ref;
      info.ports.forEach((p, i) => {
        const appProtocol = p.appProtocol?.toLocaleLowerCase('en-US');
        const validName = isIstioProtocolPortName(p.name);
        if (
          appProtocol &&
          !ISTIO_PORT_PROTOCOLS.includes(appProtocol) &&
          !appProtocol.startsWith('kubernetes.io/')
        ) {
          out.push(
            diag(
              'MESH-4003',
              `${name(ref)} port ${p.port} has appProtocol "${
                p.appProtocol
              }", which Istio does not know.`,
              [ref],
              { path: `spec.ports[${i}].appProtocol` },
            ),
          );
        } else if (!appProtocol && !validName) {
          out.push(
            diag(
              'MESH-4003',
              `${name(ref)} port ${p.port} is ${
                p.name ? `named "${p.name}"` : 'unnamed'
              } and has no appProtocol, so Istio detects the protocol itself.`,
              [ref],
              {
                path: `spec.ports[${i}].name`,
                fix: `Name the port "http-${
                  p.name ?? p.port
                }" (or the right protocol), or set appProtocol.`,
              },
            ),
          );
        }
      });
      return out;
    }),
};

/** The Services whose exposure is checked: the gateways' first, then the chain's. */
function exposedServices(ctx: ChainContext): KubeObject[] {
  return [
    ...ctx.gateways.flatMap(gw => (gw.service ? [gw.service] : [])),
    ...ctx.services.map(s => s.obj),
  ];
}

/** MESH-4004: a nodePort outside the default node port range. */
export const nodePortOutOfRange: DiagnosticRule = {
  code: 'MESH-4004',
  check: ctx =>
    exposedServices(ctx).flatMap(svc => {
      const ref = refOf(svc);
      const out: Diagnostic[] = [];
      listOf(svc.spec?.ports).forEach((p, i) => {
        if (
          p.nodePort !== undefined &&
          (p.nodePort < 30000 || p.nodePort > 32767)
        ) {
          out.push(
            diag(
              'MESH-4004',
              `${name(ref)} port ${p.port} uses nodePort ${
                p.nodePort
              }, outside 30000-32767.`,
              [ref],
              {
                path: `spec.ports[${i}].nodePort`,
              },
            ),
          );
        }
      });
      return out;
    }),
};

/** MESH-4005: a LoadBalancer Service without an external address yet. */
export const loadBalancerPending: DiagnosticRule = {
  code: 'MESH-4005',
  check: ctx =>
    exposedServices(ctx).flatMap((svc): Diagnostic[] => {
      const ref = refOf(svc);
      const type = svc.spec?.type ?? 'ClusterIP';
      if (type !== 'LoadBalancer') return [];
      const ingress = listOf(svc.status?.loadBalancer?.ingress);
      if (ingress.length > 0 || listOf(svc.spec?.externalIPs).length > 0) {
        return [];
      }
      return [
        diag(
          'MESH-4005',
          `${name(
            ref,
          )} is a LoadBalancer but has no external IP or hostname yet.`,
          [ref],
          { path: 'status.loadBalancer' },
        ),
      ];
    }),
};
