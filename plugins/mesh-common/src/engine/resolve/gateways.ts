/*
 * The Gateways the chain's routes bind, found by the references the routes
 * make, and those the component's selector finds. A shared Gateway is
 * included, but never expanded into the other routes it serves.
 */
import type { GatewayInfo } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { ChainReads } from '../reads/ChainReads';
import { gatewayMapKey } from './externalUrls';
import type { FoundObjects } from './found';
import {
  ResolvedGateway,
  resolveGatewayApiGateway,
  resolveIstioGateway,
} from './gatewayInfo';
import { httpRouteParents } from './httpRouteRoutes';
import { vsGateways } from './virtualServiceRoutes';

/** The Gateways of a chain's routes. */
export interface ChainGateways {
  gateways: ResolvedGateway[];
  /** Gateways (by `flavor:ns/name`) that references name but do not exist. */
  missing: Set<string>;
  /** Gateway info by `flavor:ns/name`, for external URLs. */
  byKey: Map<string, GatewayInfo>;
  /**
   * The namespace each Istio Gateway's workload runs in (by `ns/name`):
   * the client namespace of the routes bound to it.
   */
  workloadNamespaces: Map<string, string>;
}

/**
 * The Istio Gateways the VirtualServices bind (`spec.gateways`) and the
 * Gateway API Gateways the HTTPRoutes attach to (`spec.parentRefs`), then
 * those the component's selector found, each with its workload; the names
 * that point at nothing are `missing`.
 */
export function gatewaysOf(
  reads: ChainReads,
  routes: { virtualServices: KubeObject[]; httpRoutes: KubeObject[] },
  labelled: { gateways: KubeObject[]; k8sGateways: KubeObject[] },
  found: FoundObjects,
): ChainGateways {
  const out: ChainGateways = {
    gateways: [],
    missing: new Set(),
    byKey: new Map(),
    workloadNamespaces: new Map(),
  };
  const add = (flavor: GatewayInfo['flavor'], obj: KubeObject) => {
    const key = `${flavor}:${obj.metadata.namespace ?? ''}/${
      obj.metadata.name
    }`;
    if (out.byKey.has(key)) {
      return;
    }
    const resolved =
      flavor === 'istio'
        ? resolveIstioGateway(reads, obj)
        : resolveGatewayApiGateway(reads, obj);
    out.gateways.push(resolved);
    out.byKey.set(gatewayMapKey(resolved.info.ref, flavor), resolved.info);
  };
  const follow = (
    flavor: GatewayInfo['flavor'],
    from: KubeObject,
    ref: string,
  ) => {
    const key = `${flavor}:${ref}`;
    if (out.byKey.has(key) || out.missing.has(key)) {
      return;
    }
    const [gns, gname] = ref.split('/');
    const obj = reads.get(
      flavor === 'istio' ? 'gateways' : 'k8sgateways',
      gns,
      gname,
    );
    if (!obj) {
      out.missing.add(key);
      return;
    }
    found.byReference(obj, from, 'binds');
    add(flavor, obj);
  };
  for (const vs of routes.virtualServices) {
    for (const g of vsGateways(vs)) {
      if (g !== 'mesh') {
        follow('istio', vs, g);
      }
    }
  }
  for (const route of routes.httpRoutes) {
    for (const g of httpRouteParents(route)) {
      follow('gateway-api', route, g);
    }
  }
  labelled.gateways.forEach(obj => add('istio', obj));
  labelled.k8sGateways.forEach(obj => add('gateway-api', obj));
  for (const g of out.gateways) {
    const workloadNs = g.pods[0]?.metadata.namespace;
    if (workloadNs && g.info.flavor === 'istio') {
      out.workloadNamespaces.set(
        `${g.info.ref.namespace}/${g.info.ref.name}`,
        workloadNs,
      );
    }
  }
  return out;
}
