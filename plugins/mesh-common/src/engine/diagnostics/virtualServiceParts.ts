/*
 * The parts of the chain's VirtualServices the routing rules look at, in
 * the order they are written: each bound gateway, each route (http, then
 * tls, then tcp) and each weighted destination of a route.
 */
import { destinationFqdn, kubernetesServiceOf } from '../../routing/hosts';
import type { ObjectRef } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { ChainContext } from '../resolve/ChainContext';
import { refOf } from '../resolve/objectInfo';
import { vsGateways } from '../resolve/virtualServiceRoutes';
import { listOf } from './DiagnosticRule';

/** A VirtualService of the chain, with what every rule about it needs. */
export interface VirtualServicePart {
  vs: KubeObject;
  ref: ObjectRef;
  /** Its namespace. */
  ns: string;
  spec: any;
  /** `spec.gateways` as written. */
  rawGateways: any[];
  /** `spec.gateways` normalised to `ns/name` (or `mesh`). */
  gateways: string[];
}

/** One route of a VirtualService. */
export interface RoutePart extends VirtualServicePart {
  protocol: 'http' | 'tls' | 'tcp';
  /** Every route of that protocol. */
  routes: any[];
  route: any;
  /** Its index. */
  i: number;
  /** `spec.<protocol>[i]`. */
  base: string;
  /** Its destinations that name a host. */
  dests: any[];
}

/** One destination of a route, with the Service its host names. */
export interface DestinationPart extends RoutePart {
  rd: any;
  /** Its index among `dests`. */
  j: number;
  /** `rd.destination`. */
  d: any;
  /** `spec.<protocol>[i].route[j].destination`. */
  path: string;
  /** The Service the host names for Kubernetes DNS, if it can name one. */
  svcName: ReturnType<typeof kubernetesServiceOf>;
  fqdn: string;
  /** The Service of that FQDN, if it exists. */
  svc?: KubeObject;
}

/** The chain's VirtualServices. */
export function virtualServiceParts(ctx: ChainContext): VirtualServicePart[] {
  return ctx.virtualServices.map(({ obj: vs }) => ({
    vs,
    ref: refOf(vs),
    ns: vs.metadata.namespace ?? '',
    spec: vs.spec ?? {},
    rawGateways: listOf(vs.spec?.gateways),
    gateways: vsGateways(vs),
  }));
}

/** Every route of the chain's VirtualServices. */
export function routeParts(ctx: ChainContext): RoutePart[] {
  return virtualServiceParts(ctx).flatMap(part =>
    (['http', 'tls', 'tcp'] as const).flatMap(protocol => {
      const routes = listOf(part.spec[protocol]);
      return routes.map((route, i) => ({
        ...part,
        protocol,
        routes,
        route,
        i,
        base: `spec.${protocol}[${i}]`,
        dests: listOf(route?.route).filter(rd => rd?.destination?.host),
      }));
    }),
  );
}

/** Every destination of every route of the chain's VirtualServices. */
export function destinationParts(ctx: ChainContext): DestinationPart[] {
  return routeParts(ctx).flatMap(part =>
    part.dests.map((rd, j) => {
      const d = rd.destination;
      const fqdn = destinationFqdn(d.host, part.ns, ctx.clusterDomain);
      return {
        ...part,
        rd,
        j,
        d,
        path: `${part.base}.route[${j}].destination`,
        svcName: kubernetesServiceOf(d.host, part.ns, ctx.clusterDomain),
        fqdn,
        svc: ctx.reads.lookup('serviceByFqdn', fqdn)[0],
      };
    }),
  );
}
