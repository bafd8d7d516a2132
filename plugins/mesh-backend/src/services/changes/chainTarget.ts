/*
 * A change may only touch the entity's own chain: the object must be one
 * the engine resolved for the entity in that cluster, a route must send to
 * the entity's Services, and new destinations must be Services of the
 * entity. Owning `checkout` gives no say over `payments`.
 */
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ChainChange,
  ClusterChain,
  destinationFqdn,
  ObjectRef,
  objectKey,
  ResourceBase,
  RouteInfo,
} from '@mesh-chain/plugin-mesh-common';
import { CHANGE_KINDS, noSuchRoute } from './changePlans';

/** The object of a change, as found in the entity's chain. */
export interface ChainTarget {
  ref: ObjectRef;
  /** For a Deployment: the HPA of the chain that scales it. */
  autoscaler?: ObjectRef;
  /** For a route change: the route as the chain shows it. */
  route?: RouteInfo;
}

function resourcesOfKind(chain: ClusterChain, kind: string): ResourceBase[] {
  switch (kind) {
    case 'VirtualService':
      return chain.virtualServices;
    case 'HorizontalPodAutoscaler':
      return chain.hpas;
    default:
      return chain.deployments;
  }
}

function routeOfChain(
  chain: ClusterChain,
  ref: ObjectRef,
  change: Extract<ChainChange, { route: unknown }>,
  entityRef: string,
): RouteInfo {
  const { protocol, index } = change.route;
  const route = chain.routes.find(
    r =>
      objectKey(r.source) === objectKey(ref) &&
      r.protocol === protocol &&
      r.index === index,
  );
  if (!route) {
    throw noSuchRoute(
      `VirtualService ${ref.namespace}/${ref.name}`,
      change.route,
      chain.routes.filter(
        r => objectKey(r.source) === objectKey(ref) && r.protocol === protocol,
      ).length,
    );
  }
  const own = new Set(chain.services.map(s => objectKey(s.ref)));
  if (
    !route.destinations.some(d => d.service && own.has(objectKey(d.service)))
  ) {
    throw new InputError(
      `change.route: ${protocol}[${index}] of VirtualService ${ref.namespace}/${ref.name} does not send traffic to a Service of ${entityRef}, so ${entityRef}'s owners may not change it`,
    );
  }
  return route;
}

/**
 * The object a change is made to, if it is part of the entity's chain;
 * `NotFoundError` or `InputError` saying why not.
 */
export function chainTargetOf(options: {
  chain: ClusterChain;
  change: ChainChange;
  entityRef: string;
  clusterDomain: string;
}): ChainTarget {
  const { chain, change, entityRef, clusterDomain } = options;
  const kind = CHANGE_KINDS[change.type];
  const { namespace, name } = change.target;
  const resource = resourcesOfKind(chain, kind).find(
    r => r.ref.namespace === namespace && r.ref.name === name,
  );
  if (!resource) {
    const known = resourcesOfKind(chain, kind).map(
      r => `${r.ref.namespace}/${r.ref.name}`,
    );
    throw new NotFoundError(
      `${kind} ${namespace}/${name} is not part of ${entityRef}'s chain in cluster '${
        chain.cluster.name
      }'${known.length ? ` (its ${kind}s: ${known.join(', ')})` : ''}`,
    );
  }
  const ref = resource.ref;
  if (change.type === 'route-weights' || change.type === 'route-timeouts') {
    const route = routeOfChain(chain, ref, change, entityRef);
    if (change.type === 'route-weights') {
      const fqdns = new Set(chain.services.map(s => s.fqdn));
      change.destinations.forEach((d, i) => {
        const fqdn = destinationFqdn(d.host, namespace, clusterDomain);
        if (!fqdns.has(fqdn)) {
          throw new InputError(
            `change.destinations[${i}].host: '${
              d.host
            }' (${fqdn}) is not a Service of ${entityRef} in cluster '${
              chain.cluster.name
            }'; its Services: ${[...fqdns].join(', ') || 'none'}`,
          );
        }
      });
    }
    return { ref, route };
  }
  if (kind === 'Deployment') {
    const hpa = chain.hpas.find(
      h => h.target?.namespace === namespace && h.target?.name === name,
    );
    return { ref, ...(hpa && { autoscaler: hpa.ref }) };
  }
  return { ref };
}
