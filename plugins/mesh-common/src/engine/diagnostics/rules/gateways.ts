/*
 * Gateway rules: the chain's Gateways, their workload and the Service in
 * front of it.
 */
import { parseGatewayServerHost } from '../../../routing/hosts';
import type { Diagnostic } from '../../../types';
import { formatLabels, serviceSelectorMatches } from '../../kube/labelSelector';
import { forwardedPort, istioServers } from '../../resolve/gatewayInfo';
import { refOf } from '../../resolve/objectInfo';
import { diag, DiagnosticRule, listOf, name } from '../DiagnosticRule';

/** MESH-2001: no pod carries the labels of an Istio Gateway's selector. */
export const gatewaySelectsNoWorkload: DiagnosticRule = {
  code: 'MESH-2001',
  check: ctx =>
    ctx.gateways.flatMap((gw): Diagnostic[] => {
      if (gw.info.flavor !== 'istio' || gw.pods.length > 0) return [];
      const ref = gw.info.ref;
      const selector = gw.info.selector ?? {};
      return [
        diag(
          'MESH-2001',
          `No pod in the cluster carries the labels of ${name(
            ref,
          )}'s selector (${
            formatLabels(selector) || 'empty'
          }), so no gateway serves it.`,
          [ref],
          { path: 'spec.selector' },
        ),
      ];
    }),
};

/**
 * MESH-2002: two Istio Gateways select the same workload and declare the
 * same host on the same port (against every Gateway of the cluster).
 */
export const conflictingGateways: DiagnosticRule = {
  code: 'MESH-2002',
  check: ctx => {
    const out: Diagnostic[] = [];
    const istio = ctx.gateways.filter(gw => gw.info.flavor === 'istio');
    const allIstio = istio.length > 0 ? ctx.reads.list('gateways') : [];
    for (const gw of istio) {
      const ref = gw.info.ref;
      const selector = gw.info.selector ?? {};
      // Conflicts: same workload, same port, overlapping hosts.
      const servers = istioServers(gw.obj);
      for (const other of allIstio) {
        if (other === gw.obj) continue;
        const otherSelector: Record<string, string> =
          other.spec?.selector ?? {};
        const sameWorkload =
          formatLabels(otherSelector) === formatLabels(selector) ||
          (gw.pods.length > 0 &&
            gw.pods.some(p =>
              serviceSelectorMatches(otherSelector, p.metadata.labels),
            ));
        if (!sameWorkload) continue;
        for (const s of servers) {
          for (const o of istioServers(other)) {
            if (o.port !== s.port) continue;
            // The same host on the same port: the proxy keeps one server.
            const same = s.hosts.find(h =>
              o.hosts.some(
                oh =>
                  parseGatewayServerHost(h).host ===
                  parseGatewayServerHost(oh).host,
              ),
            );
            if (same) {
              out.push(
                diag(
                  'MESH-2002',
                  `${name(ref)} and ${name(
                    other,
                  )} select the same gateway workload and both declare host ${
                    parseGatewayServerHost(same).host
                  } on port ${s.port}.`,
                  [ref, refOf(other)],
                  { path: 'spec.servers' },
                ),
              );
            }
          }
        }
      }
    }
    return out;
  },
};

/** MESH-2005: a Gateway API Gateway its controller did not accept or program. */
export const gatewayNotAccepted: DiagnosticRule = {
  code: 'MESH-2005',
  check: ctx =>
    ctx.gateways.flatMap((gw): Diagnostic[] => {
      if (gw.info.flavor !== 'gateway-api') return [];
      const ref = gw.info.ref;
      const failed = listOf(gw.obj.status?.conditions).find(
        c =>
          (c?.type === 'Accepted' || c?.type === 'Programmed') &&
          c.status === 'False',
      );
      return failed
        ? [
            diag(
              'MESH-2005',
              `${name(ref)} is not ${
                failed.type === 'Accepted' ? 'accepted' : 'programmed'
              }: ${failed.reason ?? ''}${
                failed.message ? ` (${failed.message})` : ''
              }.`,
              [ref],
              { path: 'status.conditions' },
            ),
          ]
        : [];
    }),
};

/** MESH-2004: none of a Gateway's pods is ready. */
export const gatewayPodsNotReady: DiagnosticRule = {
  code: 'MESH-2004',
  check: ctx =>
    ctx.gateways.flatMap((gw): Diagnostic[] =>
      gw.pods.length > 0 && gw.info.workload.readyPods === 0
        ? [
            diag(
              'MESH-2004',
              `None of the ${gw.pods.length} gateway pods of ${name(
                gw.info.ref,
              )} is ready.`,
              [gw.info.ref],
            ),
          ]
        : [],
    ),
};

/** MESH-2003: a Gateway port the Service in front of its workload does not expose. */
export const gatewayPortNotOnService: DiagnosticRule = {
  code: 'MESH-2003',
  check: ctx =>
    ctx.gateways.flatMap(gw => {
      const out: Diagnostic[] = [];
      if (!gw.service) return out;
      const ref = gw.info.ref;
      const svcRef = refOf(gw.service);
      const ports = listOf(gw.service.spec?.ports);
      gw.info.servers.forEach((s, i) => {
        const exposed = ports.some(
          p => p.port === s.port || forwardedPort(p, gw.pods) === s.port,
        );
        if (!exposed) {
          out.push(
            diag(
              'MESH-2003',
              `${name(ref)} declares port ${s.port}, but ${name(
                svcRef,
              )} in front of its workload exposes only ${ports
                .map(p => `${p.port}->${p.targetPort ?? p.port}`)
                .join(', ')}.`,
              [ref, svcRef],
              {
                path:
                  gw.info.flavor === 'istio'
                    ? `spec.servers[${i}].port.number`
                    : `spec.listeners[${i}].port`,
              },
            ),
          );
        }
      });
      return out;
    }),
};
