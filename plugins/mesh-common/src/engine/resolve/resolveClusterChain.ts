/*
 * Resolves one component's chain in one cluster by following references:
 * the component's Services and Deployments by its label selector, then the
 * HPAs, Pods, VirtualServices/HTTPRoutes, Gateways and DestinationRules that
 * point at them, and the gateway workloads behind the Gateways.
 */
import type {
  ChainLink,
  DestinationRuleSubsetInfo,
  Diagnostic,
  GatewayInfo,
  Health,
  ObjectRef,
  ResourceBase,
} from '../../types';
import type { MeshEntityTarget } from '../../annotations';
import { DEFAULT_ROOT_NAMESPACE, hostMatches } from '../../routing/hosts';
import { objectKey } from '../../types';
import type { ClusterSnapshot } from '../snapshot/ClusterSnapshot';
import type { KubeObject } from '../kube/KubeObject';
import { ChainIndex, destinationKey } from '../reads/ChainIndex';
import {
  baseOf,
  deploymentInfo,
  hpaInfo,
  isPodReady,
  podInfo,
  refOf,
  serviceInfo,
  trafficPolicyOf,
} from './objectInfo';
import { diagnoseChain } from '../diagnostics/diagnose';
import type {
  ChainContext,
  ResolveChainOptions,
  ResolvedClusterChain,
} from './ChainContext';
import { resolveGatewayApiGateway, resolveIstioGateway } from './gateways';
import {
  matchLabelsMatch,
  parseLabelSelector,
  serviceSelectorMatches,
} from '../kube/labelSelector';
import {
  DestinationResolver,
  externalUrlsOf,
  gatewayMapKey,
  httpRouteParents,
  httpRouteRoutes,
  virtualServiceRoutes,
  vsGateways,
} from './routeInfo';

function uniq(objs: Iterable<KubeObject>): KubeObject[] {
  const seen = new Map<string, KubeObject>();
  for (const o of objs) {
    seen.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
  }
  return [...seen.values()];
}

function exportedTo(obj: KubeObject, namespace: string | undefined): boolean {
  const exportTo: unknown[] = Array.isArray(obj.spec?.exportTo)
    ? obj.spec.exportTo
    : [];
  if (exportTo.length === 0 || exportTo.includes('*')) {
    return true;
  }
  if (exportTo.includes('~')) {
    return false;
  }
  if (namespace === undefined) {
    return true;
  }
  return (
    exportTo.includes(namespace) ||
    (exportTo.includes('.') && obj.metadata.namespace === namespace)
  );
}

function worst(a: Health, b: Diagnostic['severity']): Health {
  if (b === 'error' || a === 'error') return 'error';
  if (b === 'warning' || a === 'warning') return 'warning';
  return a;
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
  const index = ChainIndex.for(snapshot, clusterDomain);
  const selector = parseLabelSelector(target.labelSelector);
  const namespace = target.namespace;

  // 1. The component's own objects, by label selector.
  const serviceObjs = index.select('services', selector, namespace);
  const deploymentObjs = index.select('deployments', selector, namespace);
  const hpasByTarget = index.hpasByTarget();

  const deployments = deploymentObjs.map(obj => {
    const hpas =
      hpasByTarget.get(
        `${obj.metadata.namespace}/Deployment/${obj.metadata.name}`,
      ) ?? [];
    return {
      obj,
      pods: index.podsOfDeployment(
        obj.metadata.namespace ?? '',
        obj.metadata.name,
      ),
      hpa: hpas[0],
    };
  });
  const servicePods = serviceObjs.map(svc =>
    index.podsWithLabels(
      svc.spec?.selector ?? {},
      svc.metadata.namespace ?? '',
    ),
  );
  const podObjs = uniq([
    ...deployments.flatMap(d => d.pods),
    ...index.select('pods', selector, namespace),
    ...servicePods.flat(),
  ]);

  // 2. Services: targetPort resolution uses the pods, else the pod templates.
  const ctx: ChainContext = {
    snapshot,
    index,
    clusterDomain,
    rootNamespace,
    cluster: snapshot.clusterName,
    services: serviceObjs.map((obj, i) => {
      const pods = servicePods[i];
      const templates = deploymentObjs
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
        info: serviceInfo(obj, pods, [...pods, ...templates], clusterDomain),
      };
    }),
    deployments: deployments.map(d => ({
      obj: d.obj,
      pods: d.pods,
      info: deploymentInfo(d.obj, d.hpa && refOf(d.hpa)),
    })),
    hpas: deployments
      .flatMap(d =>
        (
          hpasByTarget.get(
            `${d.obj.metadata.namespace}/Deployment/${d.obj.metadata.name}`,
          ) ?? []
        ).map(hpa => ({ obj: hpa, target: d.obj })),
      )
      .map(h => ({ ...h, info: hpaInfo(h.obj, refOf(h.target)) })),
    pods: podObjs.map(obj => {
      const dep = index.deploymentOfPod(obj);
      return {
        obj,
        info: podInfo(
          obj,
          dep
            ? {
                kind: 'Deployment',
                apiVersion: 'apps/v1',
                namespace: obj.metadata.namespace,
                name: dep,
              }
            : undefined,
        ),
      };
    }),
    virtualServices: [],
    httpRoutes: [],
    gateways: [],
    destinationRules: [],
    routes: [],
    missingGateways: new Set(),
  };

  // 3. Routing objects that reach the component's Services.
  const fqdns = ctx.services.map(s => s.info.fqdn);
  const fqdnSet = new Set(fqdns);
  const vsIndex = index.virtualServicesByDestination();
  // By destination, by host (a VirtualService for the Service's name that
  // routes elsewhere), and by the component's labels (a broken one).
  const vsByHost = index.virtualServicesByHost();
  const vsObjs = uniq([
    ...fqdns.flatMap(f => vsIndex.exact.get(f) ?? []),
    ...vsIndex.wildcard
      .filter(w => fqdns.some(f => hostMatches(w.host, f)))
      .map(w => w.vs),
    ...fqdns.flatMap(f => vsByHost.get(f) ?? []),
    ...(snapshot.istio
      ? index.select('virtualservices', selector, namespace)
      : []),
  ]);
  const routeIndex = index.httpRoutesByBackend();
  const httpRouteObjs = uniq([
    ...fqdns.flatMap(f => routeIndex.get(f) ?? []),
    ...(snapshot.gatewayApi
      ? index.select('httproutes', selector, namespace)
      : []),
  ]);

  // 4. Gateways they bind, and the workload behind each.
  const gatewayMap = new Map<string, GatewayInfo>();
  for (const vs of vsObjs) {
    for (const g of vsGateways(vs)) {
      if (
        g === 'mesh' ||
        gatewayMap.has(`istio:${g}`) ||
        ctx.missingGateways.has(`istio:${g}`)
      )
        continue;
      const [gns, gname] = g.split('/');
      const obj = snapshot.get('gateways', gns, gname);
      if (!obj) {
        ctx.missingGateways.add(`istio:${g}`);
        continue;
      }
      const resolved = resolveIstioGateway(index, obj);
      ctx.gateways.push(resolved);
      gatewayMap.set(gatewayMapKey(resolved.info.ref, 'istio'), resolved.info);
    }
  }
  for (const route of httpRouteObjs) {
    for (const g of httpRouteParents(route)) {
      if (
        gatewayMap.has(`gateway-api:${g}`) ||
        ctx.missingGateways.has(`gateway-api:${g}`)
      )
        continue;
      const [gns, gname] = g.split('/');
      const obj = snapshot.get('k8sgateways', gns, gname);
      if (!obj) {
        ctx.missingGateways.add(`gateway-api:${g}`);
        continue;
      }
      const resolved = resolveGatewayApiGateway(index, obj);
      ctx.gateways.push(resolved);
      gatewayMap.set(
        gatewayMapKey(resolved.info.ref, 'gateway-api'),
        resolved.info,
      );
    }
  }
  const gatewayNamespaces = new Map<string, string>();
  for (const g of ctx.gateways) {
    const ns = g.pods[0]?.metadata.namespace;
    if (ns && g.info.flavor === 'istio') {
      gatewayNamespaces.set(`${g.info.ref.namespace}/${g.info.ref.name}`, ns);
    }
  }

  // 5. DestinationRules: which applies to a host for a client namespace.
  const drIndex = index.destinationRulesByHost();
  const drsFor = (fqdn: string): KubeObject[] => [
    ...(drIndex.exact.get(fqdn) ?? []),
    ...drIndex.wildcard.filter(dr =>
      hostMatches(
        destinationKey(dr.spec.host, dr.metadata.namespace ?? '', clusterDomain)
          .fqdn,
        fqdn,
      ),
    ),
  ];
  const servicesByFqdn = index.servicesByFqdn();
  const resolver: DestinationResolver = {
    service: fqdn => servicesByFqdn.get(fqdn),
    destinationRule: (fqdn, subset, client) => {
      const svcNs = servicesByFqdn.get(fqdn)?.metadata.namespace;
      const rank = (dr: KubeObject) => {
        const n = dr.metadata.namespace;
        const exact = drIndex.exact.get(fqdn)?.includes(dr) ? 0 : 1;
        if (client && n === client) return exact;
        if (n === svcNs) return 2 + exact;
        if (n === rootNamespace) return 4 + exact;
        return 6 + exact;
      };
      const candidates = drsFor(fqdn)
        .filter(dr => exportedTo(dr, client ?? svcNs))
        .sort(
          (a, b) =>
            rank(a) - rank(b) ||
            (a.metadata.creationTimestamp ?? '').localeCompare(
              b.metadata.creationTimestamp ?? '',
            ),
        );
      if (!subset || candidates.length === 0) return candidates[0];
      // Rules for one host in one namespace are merged; others are not.
      const top = candidates[0].metadata.namespace;
      return (
        candidates.find(
          dr =>
            dr.metadata.namespace === top &&
            (Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : []).some(
              (s: any) => s?.name === subset,
            ),
        ) ?? undefined
      );
    },
  };

  // 6. Routes and their external URLs.
  for (const vs of vsObjs) {
    const routes = virtualServiceRoutes(
      vs,
      ctx.cluster,
      clusterDomain,
      resolver,
      gatewayNamespaces,
    );
    for (const r of routes) r.externalUrls = externalUrlsOf(r, gatewayMap);
    ctx.routes.push(...routes);
    ctx.virtualServices.push({
      obj: vs,
      info: {
        ...baseOf(vs),
        hosts: Array.isArray(vs.spec?.hosts) ? vs.spec.hosts : [],
        gateways: Array.isArray(vs.spec?.gateways) ? vs.spec.gateways : [],
        ...(Array.isArray(vs.spec?.exportTo) && { exportTo: vs.spec.exportTo }),
        routeIds: routes.map(r => r.id),
      },
    });
  }
  for (const route of httpRouteObjs) {
    const routes = httpRouteRoutes(route, ctx.cluster, clusterDomain, resolver);
    for (const r of routes) r.externalUrls = externalUrlsOf(r, gatewayMap);
    ctx.routes.push(...routes);
    ctx.httpRoutes.push({
      obj: route,
      info: {
        ...baseOf(route),
        hosts: Array.isArray(route.spec?.hostnames) ? route.spec.hostnames : [],
        gateways: httpRouteParents(route),
        routeIds: routes.map(r => r.id),
      },
    });
  }

  // 7. DestinationRules for the component's hosts, with subset pod counts.
  const drObjs = uniq([
    ...fqdns.flatMap(drsFor),
    ...(snapshot.istio
      ? index.select('destinationrules', selector, namespace)
      : []),
  ]).filter(dr => typeof dr.spec?.host === 'string' && dr.spec.host);
  for (const dr of drObjs) {
    const drNs = dr.metadata.namespace ?? '';
    const fqdn = destinationKey(dr.spec.host, drNs, clusterDomain).fqdn;
    let covered: Array<{ pods: KubeObject[] }> = ctx.services.filter(s =>
      hostMatches(fqdn, s.info.fqdn),
    );
    const other = covered.length === 0 ? servicesByFqdn.get(fqdn) : undefined;
    if (other) {
      covered = [
        {
          pods: index.podsWithLabels(
            other.spec?.selector ?? {},
            other.metadata.namespace ?? '',
          ),
        },
      ];
    }
    const subsets: DestinationRuleSubsetInfo[] = (
      Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : []
    )
      .filter((s: any) => s?.name)
      .map((s: any) => {
        const labels: Record<string, string> = s.labels ?? {};
        const pods = covered.flatMap(c =>
          c.pods.filter(p => matchLabelsMatch(labels, p.metadata.labels)),
        );
        const policy = trafficPolicyOf(s.trafficPolicy);
        return {
          name: s.name,
          labels,
          podCount: pods.length,
          readyPodCount: pods.filter(isPodReady).length,
          ...(policy && { trafficPolicy: policy }),
        };
      });
    const policy = trafficPolicyOf(dr.spec?.trafficPolicy);
    ctx.destinationRules.push({
      obj: dr,
      info: {
        ...baseOf(dr),
        host: dr.spec.host,
        fqdn,
        ...(policy && { trafficPolicy: policy }),
        subsets,
        ...(Array.isArray(dr.spec?.exportTo) && { exportTo: dr.spec.exportTo }),
      },
    });
  }

  // 8. Diagnostics, then health and links.
  const diagnostics = diagnoseChain(ctx);
  const health = new Map<string, Health>();
  for (const d of diagnostics) {
    const first = d.resources[0];
    if (first) {
      const key = objectKey(first);
      health.set(key, worst(health.get(key) ?? 'ok', d.severity));
    }
  }
  const withHealth = <T extends ResourceBase>(info: T): T => ({
    ...info,
    health: health.get(objectKey(info.ref)) ?? 'ok',
  });

  return {
    istio: snapshot.istio,
    gatewayApi: snapshot.gatewayApi,
    gateways: ctx.gateways.map(g => withHealth(g.info)),
    virtualServices: ctx.virtualServices.map(v => withHealth(v.info)),
    httpRoutes: ctx.httpRoutes.map(v => withHealth(v.info)),
    destinationRules: ctx.destinationRules.map(d => withHealth(d.info)),
    services: ctx.services.map(s => withHealth(s.info)),
    deployments: ctx.deployments.map(d => withHealth(d.info)),
    hpas: ctx.hpas.map(h => withHealth(h.info)),
    pods: ctx.pods.map(p => withHealth(p.info)),
    routes: ctx.routes,
    links: chainLinks(ctx, fqdnSet),
    diagnostics,
  };
}

function placeholder(
  kind: string,
  apiVersion: string,
  namespace: string,
  name: string,
): string {
  return objectKey({ kind, apiVersion, namespace, name });
}

function chainLinks(
  ctx: ChainContext,
  componentFqdns: Set<string>,
): ChainLink[] {
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
  for (const s of ctx.services) {
    const from = objectKey(s.info.ref);
    const selector = s.info.selector;
    const deps = ctx.deployments.filter(
      d =>
        d.info.ref.namespace === s.info.ref.namespace &&
        serviceSelectorMatches(selector, d.info.podLabels),
    );
    for (const d of deps) add(from, objectKey(d.info.ref), 'selects');
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
  const deploymentKeys = new Set(
    ctx.deployments.map(d => objectKey(d.info.ref)),
  );
  for (const p of ctx.pods) {
    const owner = p.info.owner && objectKey(p.info.owner);
    if (owner && deploymentKeys.has(owner))
      add(owner, objectKey(p.info.ref), 'owns');
  }
  return links;
}
