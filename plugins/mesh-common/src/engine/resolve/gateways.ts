/*
 * The Gateways the chain's routes bind, found by the references the routes
 * make (a shared Gateway is included, but never expanded into the other
 * routes it serves).
 */
import type { GatewayInfo } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { ChainReads } from '../reads/ChainReads';
import { gatewayMapKey } from './externalUrls';
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
 * Gateway API Gateways the HTTPRoutes attach to (`spec.parentRefs`), each
 * with its workload; the names that point at nothing are `missing`.
 */
export function gatewaysOf(
  reads: ChainReads,
  virtualServices: KubeObject[],
  httpRoutes: KubeObject[],
): ChainGateways {
  const out: ChainGateways = {
    gateways: [],
    missing: new Set(),
    byKey: new Map(),
    workloadNamespaces: new Map(),
  };
  const follow = (
    flavor: GatewayInfo['flavor'],
    ref: string,
    resolve: (obj: KubeObject) => ResolvedGateway,
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
    const resolved = resolve(obj);
    out.gateways.push(resolved);
    out.byKey.set(gatewayMapKey(resolved.info.ref, flavor), resolved.info);
  };
  for (const vs of virtualServices) {
    for (const g of vsGateways(vs)) {
      if (g !== 'mesh') {
        follow('istio', g, obj => resolveIstioGateway(reads, obj));
      }
    }
  }
  for (const route of httpRoutes) {
    for (const g of httpRouteParents(route)) {
      follow('gateway-api', g, obj => resolveGatewayApiGateway(reads, obj));
    }
  }
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
