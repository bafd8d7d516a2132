/*
 * Resolves one component's chain in one cluster by following references
 * from whatever its label selector finds: pods up to their ReplicaSets and
 * Deployments and the HPAs that scale them, the Services that select them,
 * the VirtualServices, HTTPRoutes and DestinationRules for those Services'
 * hosts (however spelt, from any namespace), and the Gateways the routes
 * bind. Every read goes through ChainReads, so a RecordingSnapshot records
 * what the chain depends on.
 */
import type { MeshEntityTarget } from '../../annotations';
import { DEFAULT_ROOT_NAMESPACE } from '../../routing/hosts';
import type { ObjectRef, ResourceBase } from '../../types';
import { diagnoseChain } from '../diagnostics/diagnose';
import { parseLabelSelector } from '../kube/labelSelector';
import { ChainReads } from '../reads/ChainReads';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import { allAnchors, anchorObjects, Anchors, anchorsOf } from './anchors';
import type {
  ChainContext,
  ResolveChainOptions,
  ResolvedClusterChain,
} from './ChainContext';
import {
  destinationResolver,
  destinationRuleEntry,
  destinationRulesOf,
} from './destinationRules';
import { FoundObjects } from './found';
import { gatewaysOf } from './gateways';
import { healthOf, withHealth } from './health';
import { linksOf } from './links';
import { httpRouteEntry, routesTo, virtualServiceEntry } from './routes';
import {
  podsOfServices,
  serviceEntries,
  servicesOfDestinationRules,
  servicesOfRoutes,
  servicesOfWorkloads,
} from './services';
import {
  deploymentEntries,
  deploymentsOwning,
  podEntries,
  podsOfDeployments,
  uniq,
} from './workloads';

/**
 * Resolves a component's chain in one cluster. Pure and synchronous over the
 * snapshot; the indexes it builds are cached per snapshot and kind revision.
 *
 * @public
 */
export function resolveClusterChain(
  snapshot: ClusterSnapshot,
  target: MeshEntityTarget,
  options: ResolveChainOptions,
): ResolvedClusterChain {
  const reads = ChainReads.over(snapshot, clusterDomainOf(options));
  const anchors = anchorObjects(
    reads,
    parseLabelSelector(target.labelSelector),
    target.namespace,
  );
  return resolveFromAnchors(reads, anchors, options);
}

/**
 * Resolves the chain that starts from these objects (of any watched kind;
 * those the snapshot does not hold are left out), as if the component's
 * selector had found exactly them: for manifests read from files, where
 * the objects rather than a label selector say what to check. The objects
 * count as found by label.
 *
 * @public
 */
export function resolveChainFromObjects(
  snapshot: ClusterSnapshot,
  objects: readonly ObjectRef[],
  options: ResolveChainOptions,
): ResolvedClusterChain {
  const reads = ChainReads.over(snapshot, clusterDomainOf(options));
  return resolveFromAnchors(reads, anchorsOf(reads, objects), options);
}

function clusterDomainOf(options: ResolveChainOptions): string {
  return options.clusterDomain || 'cluster.local';
}

function resolveFromAnchors(
  reads: ChainReads,
  anchors: Anchors,
  options: ResolveChainOptions,
): ResolvedClusterChain {
  const clusterDomain = clusterDomainOf(options);
  const rootNamespace = options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const found = new FoundObjects();

  // Where the chain starts, and the Deployments that own it.
  found.byLabel(allAnchors(anchors));
  const ownDeployments = uniq([
    ...anchors.deployments,
    ...deploymentsOwning(reads, anchors, found),
  ]);

  // The Services in front of those workloads, and the pods they select.
  const servicePods = podsOfServices(
    reads,
    uniq([
      ...anchors.services,
      ...servicesOfWorkloads(
        reads,
        [...anchors.pods, ...podsOfDeployments(reads, ownDeployments, found)],
        ownDeployments,
        found,
      ),
      ...servicesOfRoutes(reads, anchors, found),
      ...servicesOfDestinationRules(reads, anchors.destinationRules, found),
    ]),
    found,
  );
  const selectedPods = [...servicePods.values()].flat();
  const workloads = deploymentEntries(
    reads,
    uniq([
      ...ownDeployments,
      ...deploymentsOwning(reads, { pods: selectedPods }, found),
    ]),
    anchors.hpas,
    found,
  );
  const services = serviceEntries(
    reads,
    servicePods,
    workloads.deployments.map(d => d.obj),
  );
  const pods = uniq([
    ...workloads.deployments.flatMap(d => d.pods),
    ...anchors.pods,
    ...selectedPods,
  ]);

  // The routes to those Services, the Gateways they bind, the rules.
  const routing = routesTo(reads, services, anchors, found);
  const gateways = gatewaysOf(reads, routing, anchors, found);
  const routeContext = {
    cluster: reads.clusterName,
    clusterDomain,
    resolver: destinationResolver(reads, rootNamespace),
    gateways: gateways.byKey,
    gatewayWorkloadNamespaces: gateways.workloadNamespaces,
  };
  const virtualServices = routing.virtualServices.map(vs =>
    virtualServiceEntry(vs, routeContext),
  );
  const httpRoutes = routing.httpRoutes.map(r =>
    httpRouteEntry(r, routeContext),
  );
  const destinationRules = destinationRulesOf(
    reads,
    services,
    anchors.destinationRules,
    found,
  ).map(dr => destinationRuleEntry(reads, dr, services));

  const ctx: ChainContext = {
    reads,
    clusterDomain,
    rootNamespace,
    cluster: reads.clusterName,
    services,
    deployments: workloads.deployments,
    hpas: workloads.hpas,
    pods: podEntries(reads, pods),
    virtualServices,
    httpRoutes,
    gateways: gateways.gateways,
    destinationRules,
    routes: [...virtualServices, ...httpRoutes].flatMap(r => r.routes),
    missingGateways: gateways.missing,
    ...(options.telemetry && { telemetry: options.telemetry }),
  };
  const diagnostics = options.diagnose === false ? [] : diagnoseChain(ctx);
  const health = healthOf(diagnostics);
  const finish = <T extends ResourceBase>(info: T): T =>
    found.annotate(withHealth(info, health));
  return {
    istio: reads.istio,
    gatewayApi: reads.gatewayApi,
    gateways: ctx.gateways.map(g => finish(g.info)),
    virtualServices: ctx.virtualServices.map(v => finish(v.info)),
    httpRoutes: ctx.httpRoutes.map(v => finish(v.info)),
    destinationRules: ctx.destinationRules.map(d => finish(d.info)),
    services: ctx.services.map(s => finish(s.info)),
    deployments: ctx.deployments.map(d => finish(d.info)),
    hpas: ctx.hpas.map(h => finish(h.info)),
    pods: ctx.pods.map(p => finish(p.info)),
    routes: ctx.routes,
    links: linksOf(ctx),
    diagnostics,
  };
}
