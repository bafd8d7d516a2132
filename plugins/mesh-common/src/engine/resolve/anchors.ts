/*
 * Where a chain starts: whatever the component's label selector finds, of
 * any watched kind. Most manifests label only the pod template, so the
 * anchors may be pods alone; the other steps follow references from there.
 */
import type { ObjectRef } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { LabelSelector } from '../kube/labelSelector';
import { WatchedKind, watchedKindOf } from '../kube/watchedKinds';
import type { ChainReads } from '../reads/ChainReads';

/** The objects the component's selector finds, by kind. */
export interface Anchors {
  services: KubeObject[];
  deployments: KubeObject[];
  replicaSets: KubeObject[];
  pods: KubeObject[];
  hpas: KubeObject[];
  virtualServices: KubeObject[];
  httpRoutes: KubeObject[];
  destinationRules: KubeObject[];
  /** Istio Gateways. */
  gateways: KubeObject[];
  /** Gateway API Gateways. */
  k8sGateways: KubeObject[];
}

/**
 * The objects of every watched kind the component's selector finds, in its
 * namespace (or all); Istio and Gateway API kinds when their APIs are
 * served.
 */
export function anchorObjects(
  reads: ChainReads,
  selector: LabelSelector,
  namespace: string | undefined,
): Anchors {
  const select = (kind: WatchedKind, served = true) =>
    served ? reads.select(kind, selector, namespace) : [];
  return {
    services: select('services'),
    deployments: select('deployments'),
    replicaSets: select('replicasets'),
    pods: select('pods'),
    hpas: select('horizontalpodautoscalers'),
    virtualServices: select('virtualservices', reads.istio),
    httpRoutes: select('httproutes', reads.gatewayApi),
    destinationRules: select('destinationrules', reads.istio),
    gateways: select('gateways', reads.istio),
    k8sGateways: select('k8sgateways', reads.gatewayApi),
  };
}

/**
 * The objects of these references that the snapshot holds, by kind
 * (references to kinds the engine does not read are left out); Istio and
 * Gateway API kinds when their APIs are served.
 */
export function anchorsOf(
  reads: ChainReads,
  refs: readonly ObjectRef[],
): Anchors {
  const byKind = new Map<WatchedKind, Set<KubeObject>>();
  for (const ref of refs) {
    const kind = watchedKindOf(ref);
    const obj = kind && reads.get(kind, ref.namespace ?? '', ref.name);
    if (kind && obj) {
      byKind.set(kind, (byKind.get(kind) ?? new Set()).add(obj));
    }
  }
  const of = (kind: WatchedKind, served = true) =>
    served ? [...(byKind.get(kind) ?? [])] : [];
  return {
    services: of('services'),
    deployments: of('deployments'),
    replicaSets: of('replicasets'),
    pods: of('pods'),
    hpas: of('horizontalpodautoscalers'),
    virtualServices: of('virtualservices', reads.istio),
    httpRoutes: of('httproutes', reads.gatewayApi),
    destinationRules: of('destinationrules', reads.istio),
    gateways: of('gateways', reads.istio),
    k8sGateways: of('k8sgateways', reads.gatewayApi),
  };
}

/** Every anchor, of every kind. */
export function allAnchors(anchors: Anchors): KubeObject[] {
  return Object.values(anchors).flat();
}
