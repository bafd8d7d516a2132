/*
 * Diagnostics over a resolved chain. Each check names the resources and
 * values involved; codes and texts come from the catalogue in mesh-common.
 * Checks look at the component's chain; conflict checks (several
 * VirtualServices for one host, conflicting Gateways) look at the whole
 * cluster through the indexes.
 */
import type {
  Diagnostic,
  ObjectRef,
  StringMatch,
} from '@mesh-chain/plugin-mesh-common';
import {
  expandHost,
  gatewayServerAdmits,
  getDiagnosticDefinition,
  hostsOverlap,
  isIstioProtocolPortName,
  ISTIO_PORT_PROTOCOLS,
  isWildcardHost,
  kubernetesServiceOf,
  labelsMatch,
  parseGatewayServerHost,
  re2Problem,
  weightSum,
} from '@mesh-chain/plugin-mesh-common';
import type { KubeObject } from '../snapshot';
import { destinationKey } from './ChainIndex';
import { containersOf, refOf } from './convert';
import { forwardedPort, istioServers } from './gateways';
import { formatLabels } from './labelSelector';
import type { ChainContext } from './resolveClusterChain';
import { httpRouteParents, vsGateways } from './routes';

function diag(
  code: string,
  message: string,
  resources: ObjectRef[],
  options: { path?: string; fix?: string } = {},
): Diagnostic {
  const def = getDiagnosticDefinition(code);
  return {
    code,
    severity: def.severity,
    title: def.title,
    message,
    fix: options.fix ?? def.fix,
    resources,
    ...(options.path && { path: options.path }),
  };
}

function name(ref: ObjectRef | KubeObject): string {
  const r = 'metadata' in ref ? refOf(ref) : ref;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

const ISTIO_GATEWAY_API = 'networking.istio.io/v1';
const FAILING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
]);

function listOf(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

function regexesOf(match: any): Array<{ field: string; pattern: string }> {
  const out: Array<{ field: string; pattern: string }> = [];
  const one = (field: string, m: StringMatch | undefined) => {
    if (m && typeof m.regex === 'string')
      out.push({ field: `${field}.regex`, pattern: m.regex });
  };
  one('uri', match?.uri);
  one('method', match?.method);
  one('authority', match?.authority);
  one('scheme', match?.scheme);
  for (const key of ['headers', 'withoutHeaders', 'queryParams']) {
    for (const [k, v] of Object.entries(match?.[key] ?? {})) {
      one(`${key}.${k}`, v as StringMatch);
    }
  }
  return out;
}

/**
 * Every regex of a VirtualService route: in its match blocks and its
 * `uriRegexRewrite`, with the field (relative to the route) and how to
 * name it in a message.
 */
function routeRegexesOf(
  route: any,
): Array<{ label: string; field: string; pattern: string }> {
  const out = listOf(route?.match).flatMap((m, j) =>
    regexesOf(m).map(({ field, pattern }) => ({
      label: `match[${j}] ${field}`,
      field: `match[${j}].${field}`,
      pattern,
    })),
  );
  const rewrite = route?.rewrite?.uriRegexRewrite?.match;
  if (typeof rewrite === 'string') {
    out.push({
      label: 'rewrite.uriRegexRewrite.match',
      field: 'rewrite.uriRegexRewrite.match',
      pattern: rewrite,
    });
  }
  return out;
}

function isCatchAll(route: any): boolean {
  const matches = listOf(route?.match);
  if (matches.length === 0) return true;
  return matches.some(m => {
    const keys = Object.keys(m ?? {}).filter(k => k !== 'name');
    if (keys.length === 0) return true;
    return (
      keys.length === 1 &&
      keys[0] === 'uri' &&
      (m.uri?.prefix === '/' || m.uri?.regex === '.*' || m.uri?.regex === '/.*')
    );
  });
}

function checkVirtualService(
  ctx: ChainContext,
  vs: KubeObject,
  out: Diagnostic[],
) {
  const ref = refOf(vs);
  const ns = vs.metadata.namespace ?? '';
  const spec = vs.spec ?? {};
  const rawGateways = listOf(spec.gateways);
  const gateways = vsGateways(vs);

  // Gateways the VirtualService binds.
  gateways.forEach((g, i) => {
    if (g === 'mesh') return;
    const [gns, gname] = g.split('/');
    const gwRef = {
      kind: 'Gateway',
      apiVersion: ISTIO_GATEWAY_API,
      namespace: gns,
      name: gname,
    };
    if (ctx.missingGateways.has(`istio:${g}`)) {
      const existing = ctx.snapshot
        .list('gateways', gns)
        .map(x => x.metadata.name);
      out.push(
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
      );
      return;
    }
    const gw = ctx.gateways.find(
      x =>
        x.info.flavor === 'istio' &&
        x.info.ref.namespace === gns &&
        x.info.ref.name === gname,
    );
    if (!gw) return;
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
    if (hidden.length > 0) {
      out.push(
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
      );
    }
    const hosts: string[] = listOf(spec.hosts);
    const servers = istioServers(gw.obj);
    const admitted = hosts.some(h =>
      servers.some(s =>
        s.hosts.some(sh => gatewayServerAdmits(sh, gns, h, ns)),
      ),
    );
    if (!admitted && hosts.length > 0) {
      out.push(
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
      );
    }
  });

  // Routes.
  for (const protocol of ['http', 'tls', 'tcp'] as const) {
    const routes = listOf(spec[protocol]);
    routes.forEach((route, i) => {
      const base = `spec.${protocol}[${i}]`;
      for (const { label, field, pattern } of routeRegexesOf(route)) {
        const problem = re2Problem(pattern);
        if (problem) {
          out.push(
            diag(
              'MESH-1009',
              `${name(
                ref,
              )} ${protocol}[${i}] ${label} "${pattern}" is not valid RE2: ${
                problem.error
              }.`,
              [ref],
              { path: `${base}.${field}`, fix: problem.fix },
            ),
          );
        }
      }
      if (
        protocol === 'http' &&
        i < routes.length - 1 &&
        isCatchAll(route) &&
        !listOf(route?.match).some(m => listOf(m?.gateways).length > 0)
      ) {
        out.push(
          diag(
            'MESH-1011',
            `${name(ref)} http[${i}]${
              route?.name ? ` "${route.name}"` : ''
            } matches every request, so the ${
              routes.length - i - 1
            } route(s) after it never match.`,
            [ref],
            {
              path: `${base}.match`,
              fix: `Move http[${i}] to the end of spec.http, or give it match conditions.`,
            },
          ),
        );
      }
      const dests = listOf(route?.route).filter(rd => rd?.destination?.host);
      if (dests.length > 1) {
        const sum = weightSum(dests.map(rd => rd.weight));
        if (sum !== 100) {
          out.push(
            diag(
              'MESH-1008',
              `The weights of ${name(
                ref,
              )} ${protocol}[${i}] add up to ${sum} (${dests
                .map(
                  rd =>
                    `${rd.destination.host}${
                      rd.destination.subset ? `/${rd.destination.subset}` : ''
                    }=${rd.weight ?? 0}`,
                )
                .join(', ')}), not 100.`,
              [ref],
              { path: `${base}.route` },
            ),
          );
        }
        const seen = new Map<string, number>();
        dests.forEach((rd, j) => {
          const key = `${expandHost(
            rd.destination.host,
            ns,
            ctx.clusterDomain,
          )}|${rd.destination.subset ?? ''}|${
            rd.destination.port?.number ?? ''
          }`;
          const first = seen.get(key);
          if (first !== undefined) {
            out.push(
              diag(
                'MESH-1013',
                `${name(ref)} ${protocol}[${i}] sends to ${
                  rd.destination.host
                }${
                  rd.destination.subset
                    ? ` subset ${rd.destination.subset}`
                    : ''
                } twice (route[${first}] and route[${j}]).`,
                [ref],
                { path: `${base}.route[${j}]` },
              ),
            );
          } else {
            seen.set(key, j);
          }
        });
      } else if (
        dests.length === 1 &&
        dests[0].weight !== undefined &&
        dests[0].weight !== 100
      ) {
        out.push(
          diag(
            'MESH-1012',
            `${name(ref)} ${protocol}[${i}] has one destination with weight ${
              dests[0].weight
            }; it receives 100% of the traffic.`,
            [ref],
            { path: `${base}.route[0].weight` },
          ),
        );
      }
      dests.forEach((rd, j) => {
        const d = rd.destination;
        const path = `${base}.route[${j}].destination`;
        const svcName = kubernetesServiceOf(d.host, ns, ctx.clusterDomain);
        const fqdn = destinationKey(d.host, ns, ctx.clusterDomain).fqdn;
        const svc = ctx.index.servicesByFqdn().get(fqdn);
        if (svcName && !svcName.exact) {
          out.push(
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
          );
        }
        if (!svc) {
          if (svcName) {
            const nearby = ctx.snapshot
              .list('services', svcName.namespace)
              .map(s => s.metadata.name)
              .slice(0, 5);
            out.push(
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
            );
          }
          return;
        }
        const svcRef = refOf(svc);
        const ports = listOf(svc.spec?.ports);
        const port = d.port?.number;
        if (
          port === undefined &&
          ports.length > 1 &&
          gateways.some(g => g !== 'mesh')
        ) {
          out.push(
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
          );
        }
        if (port !== undefined && !ports.some(p => p.port === port)) {
          out.push(
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
          );
        }
        if (d.subset) {
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
          if (!dest?.destinationRule) {
            const defined = ctx.destinationRules
              .filter(x => x.info.fqdn === fqdn)
              .flatMap(x => x.info.subsets.map(s => s.name));
            out.push(
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
            );
          }
        }
      });
    });
  }

  // Several VirtualServices for one host on one gateway (whole cluster).
  const byHost = ctx.index.virtualServicesByHost();
  for (const h of new Set(
    listOf(spec.hosts).map((x: string) => expandHost(x, ns, ctx.clusterDomain)),
  )) {
    if (isWildcardHost(h) && h === '*') continue;
    const others = (byHost.get(h) ?? []).filter(o => o !== vs);
    for (const g of gateways) {
      const clash = others.filter(o => vsGateways(o).includes(g));
      if (clash.length > 0) {
        const all = [vs, ...clash].sort((a, b) =>
          name(a).localeCompare(name(b)),
        );
        out.push(
          diag(
            'MESH-1007',
            `Host ${h} on ${
              g === 'mesh' ? 'the mesh' : `gateway ${g}`
            } is defined by ${all.length} VirtualServices: ${all
              .map(name)
              .join(', ')}.`,
            [ref, ...clash.map(refOf)],
            { path: 'spec.hosts' },
          ),
        );
      }
    }
  }
}

function routeAcceptance(
  route: KubeObject,
  gw: KubeObject,
): string | undefined {
  const routeNs = route.metadata.namespace ?? '';
  const parentStatus = listOf(route.status?.parents).find(
    p =>
      p?.parentRef?.name === gw.metadata.name &&
      (p.parentRef.namespace ?? routeNs) === gw.metadata.namespace,
  );
  const refused = listOf(parentStatus?.conditions).find(
    c => c?.type === 'Accepted' && c.status === 'False',
  );
  if (refused) {
    return `the Gateway reports it not accepted: ${refused.reason ?? ''}${
      refused.message ? ` (${refused.message})` : ''
    }`;
  }
  const listeners = listOf(gw.spec?.listeners);
  if (listeners.length === 0) return undefined;
  const allowed = listeners.filter(l => {
    const from = l?.allowedRoutes?.namespaces?.from ?? 'Same';
    return (
      from === 'All' ||
      from === 'Selector' ||
      (from === 'Same' && gw.metadata.namespace === routeNs)
    );
  });
  if (allowed.length === 0) {
    return `no listener of Gateway ${gw.metadata.namespace}/${
      gw.metadata.name
    } allows routes from namespace ${routeNs} (allowedRoutes.namespaces.from: ${[
      ...new Set(
        listeners.map(l => l?.allowedRoutes?.namespaces?.from ?? 'Same'),
      ),
    ].join(', ')})`;
  }
  const hostnames: string[] = listOf(route.spec?.hostnames).filter(
    (h): h is string => typeof h === 'string',
  );
  if (hostnames.length > 0) {
    const fits = allowed.some(
      l => !l?.hostname || hostnames.some(h => hostsOverlap(l.hostname, h)),
    );
    if (!fits) {
      return `no listener hostname (${allowed
        .map(l => l?.hostname ?? '*')
        .join(', ')}) matches the route's hostnames (${hostnames.join(', ')})`;
    }
  }
  return undefined;
}

function checkHttpRoute(
  ctx: ChainContext,
  route: KubeObject,
  out: Diagnostic[],
) {
  const ref = refOf(route);
  httpRouteParents(route).forEach((g, i) => {
    const [gns, gname] = g.split('/');
    const gw = ctx.snapshot.get('k8sgateways', gns, gname);
    const why = gw && routeAcceptance(route, gw);
    if (gw && why) {
      out.push(
        diag(
          'MESH-1017',
          `${name(ref)} is not attached to Gateway ${g}: ${why}.`,
          [ref, refOf(gw)],
          { path: `spec.parentRefs[${i}]` },
        ),
      );
    }
  });
  httpRouteParents(route).forEach((g, i) => {
    if (ctx.missingGateways.has(`gateway-api:${g}`)) {
      const [gns, gname] = g.split('/');
      out.push(
        diag(
          'MESH-1014',
          `${name(ref)} attaches to Gateway ${g}, which does not exist.`,
          [
            ref,
            {
              kind: 'Gateway',
              apiVersion: 'gateway.networking.k8s.io/v1',
              namespace: gns,
              name: gname,
            },
          ],
          { path: `spec.parentRefs[${i}]` },
        ),
      );
    }
  });
  listOf(route.spec?.rules).forEach((rule, i) => {
    listOf(rule?.matches).forEach((m, j) => {
      const patterns: Array<[string, string]> = [];
      if (m?.path?.type === 'RegularExpression')
        patterns.push(['path.value', m.path.value]);
      listOf(m?.headers).forEach((h, k) => {
        if (h?.type === 'RegularExpression')
          patterns.push([`headers[${k}].value`, h.value]);
      });
      for (const [field, pattern] of patterns) {
        const problem = re2Problem(String(pattern));
        if (problem) {
          out.push(
            diag(
              'MESH-1009',
              `${name(
                ref,
              )} rules[${i}] matches[${j}] ${field} "${pattern}" is not valid RE2: ${
                problem.error
              }.`,
              [ref],
              {
                path: `spec.rules[${i}].matches[${j}].${field}`,
                fix: problem.fix,
              },
            ),
          );
        }
      }
    });
    const refs = listOf(rule?.backendRefs).filter(
      b => b?.name && (b.kind ?? 'Service') === 'Service',
    );
    refs.forEach((b, j) => {
      const bns = b.namespace ?? route.metadata.namespace ?? '';
      const svc = ctx.snapshot.get('services', bns, b.name);
      if (!svc) {
        out.push(
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
        );
      } else if (
        b.port !== undefined &&
        !listOf(svc.spec?.ports).some(p => p.port === b.port)
      ) {
        out.push(
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
        );
      }
    });
  });
}

function checkGateways(ctx: ChainContext, out: Diagnostic[]) {
  const allIstio = ctx.snapshot.list('gateways');
  for (const gw of ctx.gateways) {
    const ref = gw.info.ref;
    if (gw.info.flavor === 'istio') {
      const selector = gw.info.selector ?? {};
      if (gw.pods.length === 0) {
        out.push(
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
        );
      }
      // Conflicts: same workload, same port, overlapping hosts.
      const servers = istioServers(gw.obj);
      for (const other of allIstio) {
        if (other === gw.obj) continue;
        const otherSelector: Record<string, string> =
          other.spec?.selector ?? {};
        const sameWorkload =
          formatLabels(otherSelector) === formatLabels(selector) ||
          (gw.pods.length > 0 &&
            gw.pods.some(
              p =>
                Object.keys(otherSelector).length > 0 &&
                labelsMatch(otherSelector, p.metadata.labels),
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
    if (gw.info.flavor === 'gateway-api') {
      const failed = listOf(gw.obj.status?.conditions).find(
        c =>
          (c?.type === 'Accepted' || c?.type === 'Programmed') &&
          c.status === 'False',
      );
      if (failed) {
        out.push(
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
        );
      }
    }
    if (gw.pods.length > 0 && gw.info.workload.readyPods === 0) {
      out.push(
        diag(
          'MESH-2004',
          `None of the ${gw.pods.length} gateway pods of ${name(
            ref,
          )} is ready.`,
          [ref],
        ),
      );
    }
    if (gw.service) {
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
      checkServiceExposure(gw.service, out);
    }
  }
}

function checkServiceExposure(svc: KubeObject, out: Diagnostic[]) {
  const ref = refOf(svc);
  const type = svc.spec?.type ?? 'ClusterIP';
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
  if (type === 'LoadBalancer') {
    const ingress = listOf(svc.status?.loadBalancer?.ingress);
    if (ingress.length === 0 && listOf(svc.spec?.externalIPs).length === 0) {
      out.push(
        diag(
          'MESH-4005',
          `${name(
            ref,
          )} is a LoadBalancer but has no external IP or hostname yet.`,
          [ref],
          { path: 'status.loadBalancer' },
        ),
      );
    }
  }
}

function checkDestinationRules(ctx: ChainContext, out: Diagnostic[]) {
  const drIndex = ctx.index.destinationRulesByHost();
  const services = ctx.index.servicesByFqdn();
  for (const { obj, info } of ctx.destinationRules) {
    const ref = info.ref;
    const ns = obj.metadata.namespace ?? '';
    const svcName = kubernetesServiceOf(info.host, ns, ctx.clusterDomain);
    if (
      !isWildcardHost(info.fqdn) &&
      (!services.has(info.fqdn) || (svcName && !svcName.exact))
    ) {
      out.push(
        diag(
          'MESH-3001',
          svcName && !svcName.exact && services.has(info.fqdn)
            ? `${name(ref)} host "${
                info.host
              }" is taken literally by Istio and matches no service (the Service is ${
                svcName.fqdn
              }).`
            : `${name(ref)} host "${info.host}" (${
                info.fqdn
              }) matches no Service.`,
          [ref],
          {
            path: 'spec.host',
            ...(svcName && {
              fix: `Set spec.host to ${svcName.fqdn}, the FQDN of an existing Service.`,
            }),
          },
        ),
      );
    }
    const targets = ctx.services.filter(
      s =>
        s.info.fqdn === info.fqdn ||
        (isWildcardHost(info.fqdn) && s.info.fqdn.endsWith(info.fqdn.slice(1))),
    );
    info.subsets.forEach((s, i) => {
      // No labels: the subset is every pod of the host, not a version.
      if (Object.keys(s.labels).length === 0) {
        out.push(
          diag(
            'MESH-3004',
            `Subset "${s.name}" of ${name(
              ref,
            )} has no labels, so it selects every pod of ${
              info.fqdn
            } (all versions).`,
            [ref],
            { path: `spec.subsets[${i}].labels` },
          ),
        );
        return;
      }
      // When the Service itself selects no pod, MESH-4001 says so.
      const servicePods =
        targets.length > 0 ? targets.reduce((n, t) => n + t.pods.length, 0) : 1;
      if (
        s.podCount === 0 &&
        servicePods > 0 &&
        (targets.length > 0 || services.has(info.fqdn))
      ) {
        const svcDesc =
          targets.length > 0
            ? targets
                .map(t => `${name(t.info.ref)} (${t.pods.length} pods)`)
                .join(', ')
            : info.fqdn;
        out.push(
          diag(
            'MESH-3002',
            `Subset "${s.name}" of ${name(ref)} selects pods labelled ${
              formatLabels(s.labels) || '(no labels)'
            }, and no pod of ${svcDesc} carries them.`,
            [ref],
            { path: `spec.subsets[${i}].labels` },
          ),
        );
      }
    });
    // Duplicate subsets: within the rule, and across rules for the host.
    const names = info.subsets.map(s => s.name);
    const others = (drIndex.exact.get(info.fqdn) ?? []).filter(o => o !== obj);
    info.subsets.forEach((s, i) => {
      if (names.indexOf(s.name) !== i) {
        out.push(
          diag(
            'MESH-3003',
            `${name(ref)} defines subset "${s.name}" twice.`,
            [ref],
            { path: `spec.subsets[${i}]` },
          ),
        );
      }
      const clash = others.filter(o =>
        listOf(o.spec?.subsets).some(x => x?.name === s.name),
      );
      if (clash.length > 0 && names.indexOf(s.name) === i) {
        out.push(
          diag(
            'MESH-3003',
            `Subset "${s.name}" of host ${info.fqdn} is defined by ${name(
              ref,
            )} and also by ${clash.map(name).join(', ')}.`,
            [ref, ...clash.map(refOf)],
            { path: `spec.subsets[${i}]` },
          ),
        );
      }
    });
  }
}

function containerPortsOf(specs: Array<{ spec?: any }>) {
  return specs.flatMap(p => containersOf(p).flatMap(c => listOf(c.ports)));
}

function checkServices(ctx: ChainContext, out: Diagnostic[]) {
  for (const { obj, info, pods } of ctx.services) {
    const ref = info.ref;
    const hasSelector = Object.keys(info.selector).length > 0;
    if (info.type !== 'ExternalName' && hasSelector && pods.length === 0) {
      const nearby = ctx.snapshot
        .list('pods', ref.namespace)
        .slice(0, 200)
        .map(p => p.metadata.labels ?? {});
      const keys = Object.keys(info.selector);
      const similar = nearby.find(l => keys.some(k => k in l));
      out.push(
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
      );
    } else if (hasSelector && info.readyPods === 0 && pods.length > 0) {
      out.push(
        diag(
          'MESH-4006',
          `${name(ref)} selects ${pods.length} pods and none of them is ready.`,
          [ref],
        ),
      );
    }
    const templates = ctx.deployments
      .filter(
        d =>
          d.info.ref.namespace === ref.namespace &&
          hasSelector &&
          labelsMatch(info.selector, d.info.podLabels),
      )
      .map(d => d.obj.spec?.template ?? {});
    const specs = [...pods, ...templates];
    const declared = containerPortsOf(specs);
    if (specs.length > 0 && info.type !== 'ExternalName') {
      info.ports.forEach((p, i) => {
        const t = p.targetPort;
        if (typeof t === 'string' && !/^\d+$/.test(t)) {
          if (!declared.some(cp => cp.name === t)) {
            out.push(
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
            );
          }
        } else if (
          declared.length > 0 &&
          !declared.some(cp => cp.containerPort === Number(t))
        ) {
          out.push(
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
          );
        }
      });
    }
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
    checkServiceExposure(obj, out);
  }
}

function checkWorkloads(ctx: ChainContext, out: Diagnostic[]) {
  for (const { info } of ctx.deployments) {
    const ref = info.ref;
    const r = info.replicas;
    if (info.rollout.state === 'stalled') {
      out.push(
        diag(
          'MESH-5002',
          `${name(ref)} is stuck rolling out: ${
            info.rollout.message ?? 'ProgressDeadlineExceeded'
          } (${r.updated} of ${r.desired} updated, ${r.available} available).`,
          [ref],
          { path: 'status.conditions' },
        ),
      );
    } else if (
      info.rollout.state !== 'paused' &&
      r.desired > 0 &&
      (r.ready < r.desired || r.available < r.desired)
    ) {
      out.push(
        diag(
          'MESH-5001',
          `${name(ref)} wants ${r.desired} replicas; ${r.ready} are ready and ${
            r.available
          } available.`,
          [ref],
          {
            path: 'status.readyReplicas',
          },
        ),
      );
    }
  }
  for (const { info } of ctx.pods) {
    const failing = info.containers.filter(c => {
      const reason = c.state.split(': ')[1];
      return (
        reason &&
        (FAILING_REASONS.has(reason) ||
          (c.state.startsWith('terminated') && reason === 'Error'))
      );
    });
    if (failing.length > 0 || info.phase === 'Failed') {
      out.push(
        diag(
          'MESH-5003',
          `Pod ${info.ref.namespace}/${info.ref.name} is failing: ${
            failing.map(c => `container ${c.name} ${c.state}`).join(', ') ||
            `phase ${info.phase}`
          }${info.restarts > 0 ? `, ${info.restarts} restarts` : ''}.`,
          [info.ref, ...(info.owner ? [info.owner] : [])],
        ),
      );
    }
  }
}

function checkAutoscalers(ctx: ChainContext, out: Diagnostic[]) {
  for (const { info, target } of ctx.hpas) {
    const ref = info.ref;
    const cond = (type: string) => info.conditions.find(c => c.type === type);
    // minReplicas == maxReplicas pins the count on purpose: not a warning.
    const limited = cond('ScalingLimited');
    if (
      info.maxReplicas > 0 &&
      info.currentReplicas >= info.maxReplicas &&
      (info.maxReplicas > info.minReplicas ||
        info.desiredReplicas > info.maxReplicas ||
        limited?.reason === 'TooManyReplicas')
    ) {
      out.push(
        diag(
          'MESH-6001',
          `${name(ref)} runs ${
            info.currentReplicas
          } replicas, its maximum (maxReplicas ${info.maxReplicas}); desired ${
            info.desiredReplicas
          }${
            limited?.status === 'True'
              ? ` (${limited.reason}: ${limited.message ?? ''})`
              : ''
          }.`,
          [ref],
          { path: 'spec.maxReplicas' },
        ),
      );
    }
    const active = cond('ScalingActive');
    if (active?.status === 'False') {
      out.push(
        diag(
          'MESH-6002',
          `${name(ref)} cannot compute a replica count: ${
            active.reason ?? ''
          } ${active.message ?? ''}`.trim(),
          [ref],
          { path: 'status.conditions' },
        ),
      );
    }
    const able = cond('AbleToScale');
    if (able?.status === 'False') {
      out.push(
        diag(
          'MESH-6004',
          `${name(ref)} is unable to scale: ${able.reason ?? ''} ${
            able.message ?? ''
          }`.trim(),
          [ref],
          { path: 'status.conditions' },
        ),
      );
    }
    if (target) {
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
    }
  }
}

/** Every diagnostic of a resolved chain, errors first. */
export function diagnoseChain(ctx: ChainContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { obj } of ctx.virtualServices) checkVirtualService(ctx, obj, out);
  for (const { obj } of ctx.httpRoutes) checkHttpRoute(ctx, obj, out);
  checkGateways(ctx, out);
  checkDestinationRules(ctx, out);
  checkServices(ctx, out);
  checkWorkloads(ctx, out);
  checkAutoscalers(ctx, out);
  const seen = new Set<string>();
  const order = { error: 0, warning: 1, info: 2 };
  return out
    .filter(d => {
      const key = `${d.code}|${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(
      (a, b) =>
        order[a.severity] - order[b.severity] || a.code.localeCompare(b.code),
    );
}
