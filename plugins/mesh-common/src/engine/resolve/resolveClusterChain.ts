/*
 * Resolves one component's chain in one cluster by following references:
 * the objects the component's label selector finds, then the Deployments,
 * Pods and HPAs they own or that own them, the Services that select them,
 * the VirtualServices, HTTPRoutes and DestinationRules for those Services'
 * hosts, and the Gateways the routes bind. Every read goes through
 * ChainReads, so a RecordingSnapshot records what the chain depends on.
 */
import type { MeshEntityTarget } from '../../annotations';
import { DEFAULT_ROOT_NAMESPACE } from '../../routing/hosts';
import type { ObjectRef } from '../../types';
import { diagnoseChain } from '../diagnostics/diagnose';
import type { KubeObject } from '../kube/KubeObject';
import {
  parseLabelSelector,
  serviceSelectorMatches,
} from '../kube/labelSelector';
import { ChainReads } from '../reads/ChainReads';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import { anchorObjects } from './anchors';
import type {
  ChainContext,
  ChainDeployment,
  ChainHpa,
  ChainService,
  ResolveChainOptions,
  ResolvedClusterChain,
} from './ChainContext';
import {
  destinationResolver,
  destinationRuleEntry,
  destinationRulesFor,
} from './destinationRules';
import { gatewaysOf } from './gateways';
import { healthOf, withHealth } from './health';
import { hpaInfo } from './hpaInfo';
import { linksOf } from './links';
import { deploymentInfo, podInfo, refOf, serviceInfo } from './objectInfo';
import { httpRouteEntry, routesTo, virtualServiceEntry } from './routes';
import {
  deploymentOfPod,
  hpasOf,
  podsOfDeployment,
  podsSelectedBy,
  uniq,
} from './workloads';

/** The chain's Deployments with their pods and HPAs. */
function deploymentsOf(
  reads: ChainReads,
  deployments: KubeObject[],
): { deployments: ChainDeployment[]; hpas: ChainHpa[] } {
  const out = { deployments: [] as ChainDeployment[], hpas: [] as ChainHpa[] };
  for (const obj of deployments) {
    const hpas = hpasOf(reads, obj);
    out.deployments.push({
      obj,
      pods: podsOfDeployment(reads, obj),
      info: deploymentInfo(obj, hpas[0] && refOf(hpas[0])),
    });
    for (const hpa of hpas) {
      out.hpas.push({ obj: hpa, target: obj, info: hpaInfo(hpa, refOf(obj)) });
    }
  }
  return out;
}

/**
 * The chain's Services with the pods they select; a named targetPort
 * resolves on those pods, else on the pod templates of the chain's
 * Deployments they select.
 */
function servicesOf(
  reads: ChainReads,
  services: KubeObject[],
  deployments: KubeObject[],
): ChainService[] {
  return services.map(obj => {
    const pods = podsSelectedBy(
      reads,
      obj.spec?.selector,
      obj.metadata.namespace ?? '',
    );
    const templates = deployments
      .filter(
        d =>
          d.metadata.namespace === obj.metadata.namespace &&
          serviceSelectorMatches(
            obj.spec?.selector,
            d.spec?.template?.metadata?.labels,
          ),
      )
      .map(d => d.spec?.template ?? {});
    return {
      obj,
      pods,
      info: serviceInfo(
        obj,
        pods,
        [...pods, ...templates],
        reads.clusterDomain,
      ),
    };
  });
}

/** The chain's pods, each with the Deployment that owns it. */
function podsOf(reads: ChainReads, pods: KubeObject[]): ChainContext['pods'] {
  return pods.map(obj => {
    const deployment = deploymentOfPod(reads, obj);
    const owner: ObjectRef | undefined = deployment
      ? {
          kind: 'Deployment',
          apiVersion: 'apps/v1',
          namespace: obj.metadata.namespace,
          name: deployment,
        }
      : undefined;
    return { obj, info: podInfo(obj, owner) };
  });
}

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
  const clusterDomain = options.clusterDomain || 'cluster.local';
  const rootNamespace = options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const reads = ChainReads.over(snapshot, clusterDomain);
  const anchors = anchorObjects(
    reads,
    parseLabelSelector(target.labelSelector),
    target.namespace,
  );

  const workloads = deploymentsOf(reads, anchors.deployments);
  const services = servicesOf(reads, anchors.services, anchors.deployments);
  const pods = uniq([
    ...workloads.deployments.flatMap(d => d.pods),
    ...anchors.pods,
    ...services.flatMap(s => s.pods),
  ]);

  const routing = routesTo(reads, services, anchors);
  const gateways = gatewaysOf(
    reads,
    routing.virtualServices,
    routing.httpRoutes,
  );
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
  const destinationRules = uniq([
    ...services.flatMap(s => destinationRulesFor(reads, s.info.fqdn)),
    ...anchors.destinationRules,
  ])
    .filter(dr => typeof dr.spec?.host === 'string' && dr.spec.host)
    .map(dr => destinationRuleEntry(reads, dr, services));

  const ctx: ChainContext = {
    reads,
    clusterDomain,
    rootNamespace,
    cluster: reads.clusterName,
    services,
    deployments: workloads.deployments,
    hpas: workloads.hpas,
    pods: podsOf(reads, pods),
    virtualServices,
    httpRoutes,
    gateways: gateways.gateways,
    destinationRules,
    routes: [...virtualServices, ...httpRoutes].flatMap(r => r.routes),
    missingGateways: gateways.missing,
  };
  const diagnostics = options.diagnose === false ? [] : diagnoseChain(ctx);
  const health = healthOf(diagnostics);
  return {
    istio: reads.istio,
    gatewayApi: reads.gatewayApi,
    gateways: ctx.gateways.map(g => withHealth(g.info, health)),
    virtualServices: ctx.virtualServices.map(v => withHealth(v.info, health)),
    httpRoutes: ctx.httpRoutes.map(v => withHealth(v.info, health)),
    destinationRules: ctx.destinationRules.map(d => withHealth(d.info, health)),
    services: ctx.services.map(s => withHealth(s.info, health)),
    deployments: ctx.deployments.map(d => withHealth(d.info, health)),
    hpas: ctx.hpas.map(h => withHealth(h.info, health)),
    pods: ctx.pods.map(p => withHealth(p.info, health)),
    routes: ctx.routes,
    links: linksOf(ctx),
    diagnostics,
  };
}
