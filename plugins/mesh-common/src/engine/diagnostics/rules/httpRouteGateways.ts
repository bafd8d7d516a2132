/*
 * Routing rules about the Gateways an HTTPRoute attaches to.
 */
import { hostsOverlap } from '../../../routing/hosts';
import type { Diagnostic } from '../../../types';
import type { KubeObject } from '../../kube/KubeObject';
import type { ChainContext } from '../../resolve/ChainContext';
import { httpRouteParents } from '../../resolve/httpRouteRoutes';
import { refOf } from '../../resolve/objectInfo';
import { diag, DiagnosticRule, listOf, name } from '../DiagnosticRule';

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

/** Each parent Gateway of the chain's HTTPRoutes, with its index. */
function parents(ctx: ChainContext) {
  return ctx.httpRoutes.flatMap(({ obj: route }) =>
    httpRouteParents(route).map((g, i) => ({ route, ref: refOf(route), g, i })),
  );
}

/** MESH-1017: an HTTPRoute is not attached to the Gateway it names. */
export const httpRouteNotAttached: DiagnosticRule = {
  code: 'MESH-1017',
  check: ctx =>
    parents(ctx).flatMap(({ route, ref, g, i }): Diagnostic[] => {
      const [gns, gname] = g.split('/');
      const gw = ctx.reads.get('k8sgateways', gns, gname);
      const why = gw && routeAcceptance(route, gw);
      return gw && why
        ? [
            diag(
              'MESH-1017',
              `${name(ref)} is not attached to Gateway ${g}: ${why}.`,
              [ref, refOf(gw)],
              { path: `spec.parentRefs[${i}]` },
            ),
          ]
        : [];
    }),
};

/** MESH-1014: an HTTPRoute attaches to a Gateway that does not exist. */
export const httpRouteGatewayNotFound: DiagnosticRule = {
  code: 'MESH-1014',
  check: ctx =>
    parents(ctx).flatMap(({ ref, g, i }): Diagnostic[] => {
      if (!ctx.missingGateways.has(`gateway-api:${g}`)) return [];
      const [gns, gname] = g.split('/');
      return [
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
      ];
    }),
};
