/*
 * Routing rules about where routes send traffic: the destination's host,
 * Service, port and subset.
 */
import type { Diagnostic } from '../../../types';
import type { KubeObject } from '../../kube/KubeObject';
import type { ChainContext } from '../../resolve/ChainContext';
import { refOf } from '../../resolve/objectInfo';
import { diag, DiagnosticRule, listOf, name } from '../DiagnosticRule';
import { destinationParts } from '../virtualServiceParts';

/** MESH-1010: a destination host Istio takes literally (`name.namespace`). */
export const destinationHostTakenLiterally: DiagnosticRule = {
  code: 'MESH-1010',
  check: ctx =>
    destinationParts(ctx).flatMap(
      ({ ref, protocol, i, d, path, svcName, svc }): Diagnostic[] =>
        svcName && !svcName.exact
          ? [
              diag(
                'MESH-1010',
                `${name(ref)} ${protocol}[${i}] sends to "${
                  d.host
                }", which Istio does not expand: it looks for a service literally named "${
                  d.host
                }"${
                  svc
                    ? ` and not for Service ${svcName.namespace}/${svcName.name}`
                    : ''
                }.`,
                [ref],
                {
                  path: `${path}.host`,
                  fix: `Write the host as ${svcName.fqdn}.`,
                },
              ),
            ]
          : [],
    ),
};

/** MESH-1002: a destination host names a Service that does not exist. */
export const destinationHostNotFound: DiagnosticRule = {
  code: 'MESH-1002',
  check: ctx =>
    destinationParts(ctx).flatMap(
      ({
        ref,
        protocol,
        i,
        dests,
        rd,
        d,
        path,
        svcName,
        fqdn,
        svc,
      }): Diagnostic[] => {
        if (svc || !svcName) return [];
        const nearby = ctx.reads
          .list('services', svcName.namespace)
          .map(s => s.metadata.name)
          .slice(0, 5);
        return [
          diag(
            'MESH-1002',
            `${name(ref)} ${protocol}[${i}] sends ${
              dests.length > 1 ? `${rd.weight ?? 0}% of the traffic ` : ''
            }to "${d.host}" (${fqdn}), but there is no Service ${
              svcName.name
            } in namespace ${svcName.namespace}.`,
            [ref],
            {
              path: `${path}.host`,
              fix:
                nearby.length > 0
                  ? `Point ${path}.host at an existing Service (in ${
                      svcName.namespace
                    }: ${nearby.join(', ')}), or create Service ${
                      svcName.namespace
                    }/${svcName.name}.`
                  : `Create Service ${svcName.namespace}/${svcName.name}, or point ${path}.host at an existing Service.`,
            },
          ),
        ];
      },
    ),
};

/** MESH-1004: no port chosen towards a Service with several, from a gateway. */
export const destinationPortRequired: DiagnosticRule = {
  code: 'MESH-1004',
  check: ctx =>
    destinationParts(ctx).flatMap(
      ({ ref, protocol, i, gateways, d, path, svc }): Diagnostic[] => {
        if (!svc) return [];
        const svcRef = refOf(svc);
        const ports = listOf(svc.spec?.ports);
        const port = d.port?.number;
        if (
          port === undefined &&
          ports.length > 1 &&
          gateways.some(g => g !== 'mesh')
        ) {
          return [
            diag(
              'MESH-1004',
              `${name(ref)} ${protocol}[${i}] sends to ${name(
                svcRef,
              )}, which has ${ports.length} ports (${ports
                .map(p => p.port)
                .join(', ')}), without choosing one.`,
              [ref, svcRef],
              {
                path: `${path}.port`,
                fix: `Set ${path}.port.number to one of ${ports
                  .map(p => p.port)
                  .join(', ')}.`,
              },
            ),
          ];
        }
        return [];
      },
    ),
};

/** The HTTPRoute backendRefs of the chain that name a Service. */
function backendRefs(ctx: ChainContext) {
  return ctx.httpRoutes.flatMap(({ obj: route }) =>
    listOf(route.spec?.rules).flatMap((rule, i) =>
      listOf(rule?.backendRefs)
        .filter(b => b?.name && (b.kind ?? 'Service') === 'Service')
        .map((b, j) => {
          const bns = b.namespace ?? route.metadata.namespace ?? '';
          const svc: KubeObject | undefined = ctx.reads.get(
            'services',
            bns,
            b.name,
          );
          return { route, ref: refOf(route), i, b, j, bns, svc };
        }),
    ),
  );
}

/** MESH-1005: a route sends to a port its Service does not expose. */
export const destinationPortNotExposed: DiagnosticRule = {
  code: 'MESH-1005',
  check: ctx => [
    ...destinationParts(ctx).flatMap(
      ({ ref, protocol, i, d, path, svc }): Diagnostic[] => {
        if (!svc) return [];
        const svcRef = refOf(svc);
        const ports = listOf(svc.spec?.ports);
        const port = d.port?.number;
        if (port !== undefined && !ports.some(p => p.port === port)) {
          return [
            diag(
              'MESH-1005',
              `${name(ref)} ${protocol}[${i}] sends to port ${port} of ${name(
                svcRef,
              )}, which exposes ${
                ports.map(p => p.port).join(', ') || 'no port'
              }.`,
              [ref, svcRef],
              { path: `${path}.port.number` },
            ),
          ];
        }
        return [];
      },
    ),
    ...backendRefs(ctx).flatMap(({ ref, i, b, j, svc }): Diagnostic[] =>
      svc &&
      b.port !== undefined &&
      !listOf(svc.spec?.ports).some(p => p.port === b.port)
        ? [
            diag(
              'MESH-1005',
              `${name(ref)} rules[${i}] sends to port ${b.port} of ${name(
                svc,
              )}, which exposes ${listOf(svc.spec?.ports)
                .map(p => p.port)
                .join(', ')}.`,
              [ref, refOf(svc)],
              { path: `spec.rules[${i}].backendRefs[${j}].port` },
            ),
          ]
        : [],
    ),
  ],
};

/** MESH-1015: an HTTPRoute sends to a Service that does not exist. */
export const httpRouteBackendNotFound: DiagnosticRule = {
  code: 'MESH-1015',
  check: ctx =>
    backendRefs(ctx).flatMap(({ ref, i, b, j, bns, svc }): Diagnostic[] =>
      svc
        ? []
        : [
            diag(
              'MESH-1015',
              `${name(ref)} rules[${i}] sends to Service ${bns}/${
                b.name
              }, which does not exist.`,
              [ref],
              {
                path: `spec.rules[${i}].backendRefs[${j}]`,
              },
            ),
          ],
    ),
};

/** MESH-1003: a route names a subset no applicable DestinationRule defines. */
export const destinationSubsetNotFound: DiagnosticRule = {
  code: 'MESH-1003',
  check: ctx =>
    destinationParts(ctx).flatMap(
      ({ vs, ref, ns, protocol, i, d, path, fqdn, svc }): Diagnostic[] => {
        if (!svc || !d.subset) return [];
        const route2 = ctx.routes.find(
          r =>
            r.source.name === vs.metadata.name &&
            r.source.namespace === ns &&
            r.protocol === protocol &&
            r.index === i,
        );
        const dest = route2?.destinations.find(
          x => x.host === d.host && x.subset === d.subset,
        );
        if (dest?.destinationRule) return [];
        const defined = ctx.destinationRules
          .filter(x => x.info.fqdn === fqdn)
          .flatMap(x => x.info.subsets.map(s => s.name));
        return [
          diag(
            'MESH-1003',
            `${name(ref)} ${protocol}[${i}] sends to subset "${
              d.subset
            }" of ${fqdn}, but no DestinationRule that applies to that host defines it${
              defined.length > 0
                ? ` (defined: ${[...new Set(defined)].join(', ')})`
                : ''
            }.`,
            [ref],
            { path: `${path}.subset` },
          ),
        ];
      },
    ),
};
