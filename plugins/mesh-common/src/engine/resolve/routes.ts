/*
 * The routing side of the chain: the VirtualServices and HTTPRoutes that
 * reach the chain's Services, and their routes.
 */
import type { GatewayInfo, RouteInfo, VirtualServiceInfo } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { ChainReads } from '../reads/ChainReads';
import type { ChainService } from './ChainContext';
import type { FoundObjects } from './found';
import { externalUrlsOf } from './externalUrls';
import { httpRouteParents, httpRouteRoutes } from './httpRouteRoutes';
import { baseOf } from './objectInfo';
import {
  DestinationResolver,
  virtualServiceRoutes,
} from './virtualServiceRoutes';
import { uniq } from './workloads';

/**
 * The VirtualServices that route to the Services (by destination host,
 * however spelt and from any namespace, or by a wildcard that covers it),
 * those whose host is the Service's name (a VirtualService for the Service
 * that routes elsewhere), and the HTTPRoutes whose backends are the
 * Services; after the ones found by label.
 */
export function routesTo(
  reads: ChainReads,
  services: ChainService[],
  labelled: { virtualServices: KubeObject[]; httpRoutes: KubeObject[] },
  found: FoundObjects,
): { virtualServices: KubeObject[]; httpRoutes: KubeObject[] } {
  const follow = (
    service: ChainService,
    routes: KubeObject[],
    relation: string,
  ) => {
    routes.forEach(r => found.byReference(r, service.obj, relation));
    return routes;
  };
  const byDestination = services.flatMap(s =>
    follow(
      s,
      reads.lookup('virtualServicesByDestination', s.info.fqdn),
      'routes to',
    ),
  );
  const byHost = services.flatMap(s =>
    follow(s, reads.lookup('virtualServicesByHost', s.info.fqdn), 'hosts'),
  );
  const httpRoutes = services.flatMap(s =>
    follow(s, reads.lookup('httpRoutesByBackend', s.info.fqdn), 'routes to'),
  );
  return {
    virtualServices: uniq([
      ...byDestination,
      ...byHost,
      ...labelled.virtualServices,
    ]),
    httpRoutes: uniq([...httpRoutes, ...labelled.httpRoutes]),
  };
}

/** Where each route's destinations go, and how it is reached from outside. */
export interface RouteContext {
  cluster: string;
  clusterDomain: string;
  resolver: DestinationResolver;
  /** Gateway info by `flavor:ns/name`. */
  gateways: Map<string, GatewayInfo>;
  /** The namespace of each Istio Gateway's workload, by `ns/name`. */
  gatewayWorkloadNamespaces: Map<string, string>;
}

/** A VirtualService as the chain shows it, with its routes. */
export function virtualServiceEntry(
  vs: KubeObject,
  context: RouteContext,
): { obj: KubeObject; info: VirtualServiceInfo; routes: RouteInfo[] } {
  const routes = virtualServiceRoutes(
    vs,
    context.cluster,
    context.clusterDomain,
    context.resolver,
    context.gatewayWorkloadNamespaces,
  );
  for (const r of routes) r.externalUrls = externalUrlsOf(r, context.gateways);
  return {
    obj: vs,
    routes,
    info: {
      ...baseOf(vs),
      hosts: Array.isArray(vs.spec?.hosts) ? vs.spec.hosts : [],
      gateways: Array.isArray(vs.spec?.gateways) ? vs.spec.gateways : [],
      ...(Array.isArray(vs.spec?.exportTo) && { exportTo: vs.spec.exportTo }),
      routeIds: routes.map(r => r.id),
    },
  };
}

/** An HTTPRoute as the chain shows it, with its rules as routes. */
export function httpRouteEntry(
  route: KubeObject,
  context: RouteContext,
): { obj: KubeObject; info: VirtualServiceInfo; routes: RouteInfo[] } {
  const routes = httpRouteRoutes(
    route,
    context.cluster,
    context.clusterDomain,
    context.resolver,
  );
  for (const r of routes) r.externalUrls = externalUrlsOf(r, context.gateways);
  return {
    obj: route,
    routes,
    info: {
      ...baseOf(route),
      hosts: Array.isArray(route.spec?.hostnames) ? route.spec.hostnames : [],
      gateways: httpRouteParents(route),
      routeIds: routes.map(r => r.id),
    },
  };
}
