/*
 * Routing rules about the Gateways a VirtualService binds.
 */
import { gatewayServerAdmits } from '../../../routing/hosts';
import type { Diagnostic } from '../../../types';
import type { ChainContext } from '../../resolve/ChainContext';
import type { ResolvedGateway } from '../../resolve/gatewayInfo';
import { istioServers } from '../../resolve/gatewayInfo';
import { diag, DiagnosticRule, listOf, name } from '../DiagnosticRule';
import {
  VirtualServicePart,
  virtualServiceParts,
} from '../virtualServiceParts';

const ISTIO_GATEWAY_API = 'networking.istio.io/v1';

/** Each Gateway a VirtualService binds (not `mesh`), with its index. */
function boundGateways(
  ctx: ChainContext,
): Array<VirtualServicePart & { g: string; i: number }> {
  return virtualServiceParts(ctx).flatMap(part =>
    part.gateways
      .map((g, i) => ({ ...part, g, i }))
      .filter(x => x.g !== 'mesh'),
  );
}

/** The Istio Gateway of the chain a `ns/name` reference resolved to. */
function resolvedGateway(
  ctx: ChainContext,
  g: string,
): ResolvedGateway | undefined {
  const [gns, gname] = g.split('/');
  return ctx.gateways.find(
    x =>
      x.info.flavor === 'istio' &&
      x.info.ref.namespace === gns &&
      x.info.ref.name === gname,
  );
}

/** MESH-1001: a VirtualService binds a Gateway that does not exist. */
export const virtualServiceGatewayNotFound: DiagnosticRule = {
  code: 'MESH-1001',
  check: ctx =>
    boundGateways(ctx).flatMap(({ ref, rawGateways, g, i }): Diagnostic[] => {
      if (!ctx.missingGateways.has(`istio:${g}`)) return [];
      const [gns, gname] = g.split('/');
      const gwRef = {
        kind: 'Gateway',
        apiVersion: ISTIO_GATEWAY_API,
        namespace: gns,
        name: gname,
      };
      const existing = ctx.reads
        .list('gateways', gns)
        .map(x => x.metadata.name);
      return [
        diag(
          'MESH-1001',
          `${name(ref)} binds gateway "${
            rawGateways[i]
          }" (${g}), but there is no Gateway ${gname} in namespace ${gns}.`,
          [ref, gwRef],
          {
            path: `spec.gateways[${i}]`,
            fix:
              existing.length > 0
                ? `Change spec.gateways[${i}] to an existing Gateway (in ${gns}: ${existing
                    .slice(0, 5)
                    .join(', ')}), or create Gateway ${g}.`
                : `Create Gateway ${g}, or change spec.gateways[${i}] to "<namespace>/<name>" of an existing Gateway.`,
          },
        ),
      ];
    }),
};

/** MESH-1016: a VirtualService's exportTo hides it from its gateway's proxies. */
export const virtualServiceHiddenFromGateway: DiagnosticRule = {
  code: 'MESH-1016',
  check: ctx =>
    boundGateways(ctx).flatMap(({ ref, ns, spec, g }): Diagnostic[] => {
      const gw = resolvedGateway(ctx, g);
      if (!gw) return [];
      const exportTo: string[] = listOf(spec.exportTo).filter(
        (x): x is string => typeof x === 'string',
      );
      const proxyNamespaces = [
        ...new Set(gw.pods.map(p => p.metadata.namespace ?? '')),
      ];
      const hidden = proxyNamespaces.filter(
        pns =>
          exportTo.length > 0 &&
          !exportTo.includes('*') &&
          !exportTo.includes(pns) &&
          !(exportTo.includes('.') && pns === ns),
      );
      if (hidden.length === 0) return [];
      return [
        diag(
          'MESH-1016',
          `${name(ref)} binds Gateway ${g}, whose proxies run in ${hidden.join(
            ', ',
          )}, but exportTo [${exportTo.join(', ')}] does not include ${
            hidden.length > 1 ? 'them' : 'it'
          }.`,
          [ref, gw.info.ref],
          {
            path: 'spec.exportTo',
            fix: `Add "${hidden[0]}" to spec.exportTo, or remove exportTo.`,
          },
        ),
      ];
    }),
};

/** MESH-1006: no host of a VirtualService is served by a Gateway it binds. */
export const virtualServiceHostNotOnGateway: DiagnosticRule = {
  code: 'MESH-1006',
  check: ctx =>
    boundGateways(ctx).flatMap(({ ref, ns, spec, g }): Diagnostic[] => {
      const gw = resolvedGateway(ctx, g);
      if (!gw) return [];
      const [gns] = g.split('/');
      const hosts: string[] = listOf(spec.hosts);
      const servers = istioServers(gw.obj);
      const admitted = hosts.some(h =>
        servers.some(s =>
          s.hosts.some(sh => gatewayServerAdmits(sh, gns, h, ns)),
        ),
      );
      if (admitted || hosts.length === 0) return [];
      return [
        diag(
          'MESH-1006',
          `None of the hosts of ${name(ref)} (${hosts.join(
            ', ',
          )}) is served by Gateway ${g} (server hosts: ${
            [...new Set(servers.flatMap(s => s.hosts))].join(', ') || 'none'
          }).`,
          [ref, gw.info.ref],
          { path: 'spec.hosts' },
        ),
      ];
    }),
};
