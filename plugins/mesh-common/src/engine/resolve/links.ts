/*
 * The edges of the chain picture, from the gateways towards the pods; a
 * reference that points at nothing ends in a placeholder node, marked
 * broken.
 */
import type { ChainLink, ObjectRef } from '../../types';
import { hostMatches } from '../../routing/hosts';
import { objectKey } from '../../types';
import { serviceSelectorMatches } from '../kube/labelSelector';
import type { ChainContext } from './ChainContext';
import { httpRouteParents } from './httpRouteRoutes';
import { refOf } from './objectInfo';
import { vsGateways } from './virtualServiceRoutes';

function placeholder(
  kind: string,
  apiVersion: string,
  namespace: string,
  name: string,
): string {
  return objectKey({ kind, apiVersion, namespace, name });
}

/**
 * Every link of the chain: Gateway binds route, route routes to Service,
 * DestinationRule is policy for Service (and its subsets' pods), Service
 * selects Deployment (or, for pods no Deployment of the chain owns, the
 * pods themselves; or pods it does not find), HPA scales Deployment,
 * Deployment owns Pod. A picture of the chain is drawn from these alone.
 */
export function linksOf(ctx: ChainContext): ChainLink[] {
  const componentFqdns = new Set(ctx.services.map(s => s.info.fqdn));
  const links: ChainLink[] = [];
  const seen = new Set<string>();
  const add = (
    from: string,
    to: string,
    relation: string,
    broken?: boolean,
  ) => {
    const key = `${from}|${to}|${relation}`;
    if (seen.has(key)) return;
    seen.add(key);
    links.push({ from, to, relation, ...(broken && { broken: true }) });
  };
  const gatewayKeys = new Map(
    ctx.gateways.map(g => [
      `${g.info.flavor}:${g.info.ref.namespace}/${g.info.ref.name}`,
      objectKey(g.info.ref),
    ]),
  );
  const svcKey = (ref: ObjectRef) => objectKey(ref);
  for (const { obj, info } of [...ctx.virtualServices, ...ctx.httpRoutes]) {
    const istio = obj.kind === 'VirtualService';
    const vsKey = objectKey(info.ref);
    const gws = istio ? vsGateways(obj) : httpRouteParents(obj);
    for (const g of gws) {
      if (g === 'mesh') continue;
      const flavor = istio ? 'istio' : 'gateway-api';
      const existing = gatewayKeys.get(`${flavor}:${g}`);
      const [gns, gname] = g.split('/');
      add(
        existing ??
          placeholder(
            'Gateway',
            istio ? 'networking.istio.io/v1' : 'gateway.networking.k8s.io/v1',
            gns,
            gname,
          ),
        vsKey,
        'binds',
        !existing,
      );
    }
  }
  for (const r of ctx.routes) {
    const from = objectKey(r.source);
    for (const d of r.destinations) {
      if (d.service) {
        add(from, svcKey(d.service), 'routes to');
      } else {
        const m = /^([^.]+)\.([^.]+)\.svc\./.exec(d.fqdn);
        add(
          from,
          placeholder('Service', 'v1', m ? m[2] : '', m ? m[1] : d.fqdn),
          'routes to',
          true,
        );
      }
    }
  }
  for (const { info } of ctx.destinationRules) {
    const from = objectKey(info.ref);
    const targets = ctx.services.filter(s =>
      hostMatches(info.fqdn, s.info.fqdn),
    );
    for (const s of targets) add(from, objectKey(s.info.ref), 'policy for');
    for (const sub of info.subsets) {
      if (sub.podCount === 0) {
        add(
          from,
          placeholder(
            'Pod',
            'v1',
            info.ref.namespace ?? '',
            `subset ${sub.name}`,
          ),
          `subset ${sub.name}`,
          true,
        );
      }
    }
    if (targets.length === 0 && !componentFqdns.has(info.fqdn)) {
      add(
        from,
        placeholder('Service', 'v1', '', info.fqdn),
        'policy for',
        true,
      );
    }
  }
  const deploymentKeys = new Set(
    ctx.deployments.map(d => objectKey(d.info.ref)),
  );
  const podOwners = new Map(
    ctx.pods.map(p => [
      objectKey(p.info.ref),
      p.info.owner && objectKey(p.info.owner),
    ]),
  );
  for (const s of ctx.services) {
    const from = objectKey(s.info.ref);
    const selector = s.info.selector;
    const deps = ctx.deployments.filter(
      d =>
        d.info.ref.namespace === s.info.ref.namespace &&
        serviceSelectorMatches(selector, d.info.podLabels),
    );
    for (const d of deps) add(from, objectKey(d.info.ref), 'selects');
    for (const pod of s.pods) {
      const key = objectKey(refOf(pod));
      const owner = podOwners.get(key);
      if (!owner || !deploymentKeys.has(owner)) add(from, key, 'selects');
    }
    if (Object.keys(selector).length > 0 && s.pods.length === 0) {
      const text = Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      add(
        from,
        placeholder('Pod', 'v1', s.info.ref.namespace ?? '', text),
        'selects',
        true,
      );
    }
  }
  for (const h of ctx.hpas) {
    if (h.info.target)
      add(objectKey(h.info.ref), objectKey(h.info.target), 'scales');
  }
  for (const p of ctx.pods) {
    const owner = p.info.owner && objectKey(p.info.owner);
    if (owner && deploymentKeys.has(owner))
      add(owner, objectKey(p.info.ref), 'owns');
  }
  return links;
}
