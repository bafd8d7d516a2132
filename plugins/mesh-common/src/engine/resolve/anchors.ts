/*
 * Where a chain starts: the objects the component's label selector finds.
 */
import type { KubeObject } from '../kube/KubeObject';
import type { LabelSelector } from '../kube/labelSelector';
import type { ChainReads } from '../reads/ChainReads';

/** The component's own objects, found by its label selector. */
export interface Anchors {
  services: KubeObject[];
  deployments: KubeObject[];
  pods: KubeObject[];
  virtualServices: KubeObject[];
  httpRoutes: KubeObject[];
  destinationRules: KubeObject[];
}

/**
 * The objects the component's selector finds, in its namespace (or all):
 * Services, Deployments and Pods, and the routing objects when their APIs
 * are served.
 */
export function anchorObjects(
  reads: ChainReads,
  selector: LabelSelector,
  namespace: string | undefined,
): Anchors {
  return {
    services: reads.select('services', selector, namespace),
    deployments: reads.select('deployments', selector, namespace),
    pods: reads.select('pods', selector, namespace),
    virtualServices: reads.istio
      ? reads.select('virtualservices', selector, namespace)
      : [],
    httpRoutes: reads.gatewayApi
      ? reads.select('httproutes', selector, namespace)
      : [],
    destinationRules: reads.istio
      ? reads.select('destinationrules', selector, namespace)
      : [],
  };
}
