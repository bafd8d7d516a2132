import {
  ANNOTATION_KUBERNETES_ID,
  matchLabelsMatch,
  serviceSelectorMatches,
} from '@mesh-chain/plugin-mesh-common';
import { followsIstioPortNaming } from '../lib/formats';
import { describeObject, KubeObject } from '../lib/models';

/*
 * Reference checks over a set of manifests, before anything is applied: the
 * checks istioctl analyze and Kiali run on a live mesh (codes in messages),
 * here on what is about to be applied. References to objects outside the set
 * (a shared Gateway, a Service of another team) are returned for the caller
 * to verify against the cluster.
 */

/** @public */
export interface ChainFinding {
  severity: 'error' | 'warning';
  /** `Kind namespace/name` of the object to change. */
  object: string;
  /** Dotted path of the offending field, if any. */
  path?: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** A reference to an object that is not among the manifests. @public */
export interface ExternalReference {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /** The object and field that refer to it. */
  referencedBy: string;
  /** For Gateways: hosts its servers must accept. */
  hosts?: string[];
  /** For Gateways: the namespace of the VirtualService binding to it. */
  fromNamespace?: string;
}

/** @public */
export interface ChainCheckResult {
  findings: ChainFinding[];
  external: ExternalReference[];
}

type Obj = KubeObject & { spec?: any };

const ISTIO_NETWORKING = /^networking\.istio\.io\//;

function isKind(o: Obj, kind: string, group?: RegExp | string): boolean {
  if (o.kind !== kind) return false;
  if (group === undefined) return true;
  return typeof group === 'string'
    ? o.apiVersion === group
    : group.test(o.apiVersion);
}

function ns(o: Obj, fallback = 'default'): string {
  return o.metadata.namespace ?? fallback;
}

/**
 * Resolves a destination host as Istio does: a short name is in the
 * referring object's namespace.
 */
export function resolveServiceHost(
  host: string,
  fromNamespace: string,
  clusterDomain: string,
): { name: string; namespace: string } | undefined {
  const suffix = `.svc.${clusterDomain}`;
  if (host.endsWith(suffix)) {
    const parts = host.slice(0, -suffix.length).split('.');
    return parts.length === 2
      ? { name: parts[0], namespace: parts[1] }
      : undefined;
  }
  const parts = host.split('.');
  if (parts.length === 1) return { name: parts[0], namespace: fromNamespace };
  if (parts.length === 2) return { name: parts[0], namespace: parts[1] };
  if (parts.length === 3 && parts[2] === 'svc') {
    return { name: parts[0], namespace: parts[1] };
  }
  return undefined; // an external host (ServiceEntry), not a Service
}

/**
 * Whether a Gateway server host (`host`, `*.domain`, `*`, optionally with a
 * `namespace/` prefix) admits a VirtualService host from a namespace.
 *
 * @public
 */
export function gatewayHostAdmits(
  serverHost: string,
  gatewayNamespace: string,
  vsHost: string,
  vsNamespace: string,
): boolean {
  let host = serverHost;
  const slash = serverHost.indexOf('/');
  if (slash >= 0) {
    const scope = serverHost.slice(0, slash);
    host = serverHost.slice(slash + 1);
    const allowed =
      scope === '*' ||
      (scope === '.' && vsNamespace === gatewayNamespace) ||
      scope === vsNamespace;
    if (!allowed) return false;
  }
  if (host === '*' || host === vsHost) return true;
  if (host.startsWith('*.')) {
    const suffix = host.slice(1); // ".example.com"
    if (vsHost.startsWith('*.')) {
      return vsHost.slice(1).endsWith(suffix);
    }
    return vsHost.endsWith(suffix) && vsHost.length > suffix.length;
  }
  return false;
}

/**
 * Checks the references between the manifests of a chain.
 *
 * @public
 */
export function checkChain(
  objects: KubeObject[],
  options: { clusterDomain?: string } = {},
): ChainCheckResult {
  const clusterDomain = options.clusterDomain ?? 'cluster.local';
  const all = objects as Obj[];
  const findings: ChainFinding[] = [];
  const external: ExternalReference[] = [];
  const error = (o: Obj, path: string | undefined, message: string) =>
    findings.push({
      severity: 'error',
      object: describeObject(o),
      path,
      message,
    });
  const warn = (o: Obj, path: string | undefined, message: string) =>
    findings.push({
      severity: 'warning',
      object: describeObject(o),
      path,
      message,
    });

  const deployments = all.filter(o => isKind(o, 'Deployment', 'apps/v1'));
  const services = all.filter(o => isKind(o, 'Service', 'v1'));
  const gateways = all.filter(o => isKind(o, 'Gateway', ISTIO_NETWORKING));
  const destinationRules = all.filter(o =>
    isKind(o, 'DestinationRule', ISTIO_NETWORKING),
  );
  const virtualServices = all.filter(o =>
    isKind(o, 'VirtualService', ISTIO_NETWORKING),
  );
  const hpas = all.filter(o => isKind(o, 'HorizontalPodAutoscaler'));

  const podLabels = (d: Obj) => d.spec?.template?.metadata?.labels ?? {};
  const findService = (name: string, namespace: string) =>
    services.find(s => s.metadata.name === name && ns(s) === namespace);
  const podsOf = (s: Obj) =>
    deployments.filter(
      d =>
        ns(d) === ns(s) &&
        serviceSelectorMatches(s.spec?.selector, podLabels(d)),
    );

  // Duplicates
  const seen = new Set<string>();
  for (const o of all) {
    const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${
      o.metadata.name
    }`;
    if (seen.has(key)) {
      error(
        o,
        'metadata.name',
        'appears twice in the manifests; keep one (the second would overwrite the first)',
      );
    }
    seen.add(key);
  }

  // backstage.io/kubernetes-id: one value on every object and pod template,
  // or the catalog entity does not see all of its chain.
  const ids = new Set(
    all
      .filter(o => o.kind !== 'Namespace')
      .map(o => o.metadata.labels?.[ANNOTATION_KUBERNETES_ID]),
  );
  if (ids.size > 1 || ids.has(undefined)) {
    const value = [...ids].find(v => v !== undefined);
    for (const o of all.filter(x => x.kind !== 'Namespace')) {
      if (o.metadata.labels?.[ANNOTATION_KUBERNETES_ID] !== value) {
        warn(
          o,
          `metadata.labels.${ANNOTATION_KUBERNETES_ID}`,
          `is ${
            o.metadata.labels?.[ANNOTATION_KUBERNETES_ID] ?? 'missing'
          }, unlike the other objects (${
            value ?? 'none'
          }); set the same value everywhere so that the catalog entity shows the whole chain`,
        );
      }
    }
  }

  // Deployments
  for (const d of deployments) {
    // apps/v1 requires a non-empty selector.
    const selector = d.spec?.selector?.matchLabels;
    if (
      Object.keys(selector ?? {}).length === 0 ||
      !matchLabelsMatch(selector, podLabels(d))
    ) {
      error(
        d,
        'spec.selector.matchLabels',
        'does not match the pod template labels; Kubernetes rejects such a Deployment. Make every selector label a label of spec.template.metadata.labels',
      );
    }
    const id = d.metadata.labels?.[ANNOTATION_KUBERNETES_ID];
    if (id && podLabels(d)[ANNOTATION_KUBERNETES_ID] !== id) {
      warn(
        d,
        `spec.template.metadata.labels.${ANNOTATION_KUBERNETES_ID}`,
        `should be ${id} like the Deployment's, so that the catalog entity shows its pods`,
      );
    }
  }

  // Services (KIA0601/IST0118, KIA0701)
  for (const s of services) {
    const ports: any[] = s.spec?.ports ?? [];
    ports.forEach((p, i) => {
      if (!followsIstioPortNaming(p)) {
        error(
          s,
          `spec.ports[${i}].name`,
          `'${
            p.name ?? ''
          }' does not tell Istio the protocol (IST0118); name it <protocol>[-suffix], e.g. http-web or grpc-api, or set appProtocol`,
        );
      }
    });
    if (!s.spec?.selector) continue;
    const pods = podsOf(s);
    if (pods.length === 0) {
      warn(
        s,
        'spec.selector',
        `selects no Deployment among the manifests (IST0127): ${JSON.stringify(
          s.spec.selector,
        )}; make it match the pod template labels`,
      );
      continue;
    }
    ports.forEach((p, i) => {
      const target = p.targetPort ?? p.port;
      const exposed = pods.some(d =>
        (d.spec?.template?.spec?.containers ?? []).some((c: any) =>
          (c.ports ?? []).some((cp: any) =>
            typeof target === 'string'
              ? cp.name === target
              : cp.containerPort === target,
          ),
        ),
      );
      if (!exposed) {
        error(
          s,
          `spec.ports[${i}].targetPort`,
          `${target} is not a container port of the selected pods (KIA0701); use the container port's name or number`,
        );
      }
    });
  }

  // DestinationRules (IST0174, IST0173)
  for (const dr of destinationRules) {
    const ref = resolveServiceHost(dr.spec?.host ?? '', ns(dr), clusterDomain);
    const svc = ref && findService(ref.name, ref.namespace);
    if (!ref) continue;
    if (!svc) {
      external.push({
        apiVersion: 'v1',
        kind: 'Service',
        ...ref,
        referencedBy: `${describeObject(dr)} spec.host`,
      });
      continue;
    }
    const pods = podsOf(svc);
    (dr.spec?.subsets ?? []).forEach((subset: any, i: number) => {
      const selector = { ...svc.spec?.selector, ...subset.labels };
      if (!pods.some(d => serviceSelectorMatches(selector, podLabels(d)))) {
        error(
          dr,
          `spec.subsets[${i}].labels`,
          `subset ${subset.name} selects no pods of ${describeObject(
            svc,
          )} (IST0173, requests would fail with 503): no Deployment has the labels ${JSON.stringify(
            selector,
          )}`,
        );
      }
    });
  }

  // VirtualServices (KIA1102, IST0132, IST0101, IST0112, KIA1107, IST0106)
  for (const vs of virtualServices) {
    const vsNs = ns(vs);
    const hosts: string[] = vs.spec?.hosts ?? [];
    (vs.spec?.gateways ?? []).forEach((g: string, gi: number) => {
      if (g === 'mesh') return;
      const [gNs, gName] = g.includes('/') ? g.split('/') : [vsNs, g];
      if (!g.includes('/')) {
        error(
          vs,
          `spec.gateways[${gi}]`,
          `'${g}' is ambiguous; write the Gateway as namespace/name, e.g. ${vsNs}/${g}`,
        );
      }
      const gw = gateways.find(x => x.metadata.name === gName && ns(x) === gNs);
      if (!gw) {
        external.push({
          apiVersion: 'networking.istio.io/v1',
          kind: 'Gateway',
          namespace: gNs,
          name: gName,
          referencedBy: `${describeObject(vs)} spec.gateways[${gi}]`,
          hosts,
          fromNamespace: vsNs,
        });
        return;
      }
      const serverHosts: string[] = (gw.spec?.servers ?? []).flatMap(
        (s: any) => s.hosts ?? [],
      );
      hosts.forEach((h, hi) => {
        if (!serverHosts.some(sh => gatewayHostAdmits(sh, gNs, h, vsNs))) {
          error(
            vs,
            `spec.hosts[${hi}]`,
            `${h} is not a host of Gateway ${g} (IST0132), whose servers accept ${
              serverHosts.join(', ') || 'no hosts'
            }; add it to the Gateway or remove it here`,
          );
        }
      });
    });
    (vs.spec?.http ?? []).forEach((route: any, ri: number) => {
      const dests: any[] = route.route ?? [];
      if (dests.length > 1) {
        const total = dests.reduce((sum, d) => sum + (d.weight ?? 0), 0);
        if (total !== 100) {
          error(
            vs,
            `spec.http[${ri}].route`,
            `weights add up to ${total}; they must add up to 100`,
          );
        }
      }
      dests.forEach((d, di) => {
        const at = `spec.http[${ri}].route[${di}].destination`;
        const host: string = d.destination?.host ?? '';
        const ref = resolveServiceHost(host, vsNs, clusterDomain);
        if (!ref) return;
        const svc = findService(ref.name, ref.namespace);
        if (!svc) {
          external.push({
            apiVersion: 'v1',
            kind: 'Service',
            ...ref,
            referencedBy: `${describeObject(vs)} ${at}.host`,
          });
          return;
        }
        const ports: any[] = svc.spec?.ports ?? [];
        const port = d.destination?.port?.number;
        if (port !== undefined && !ports.some(p => p.port === port)) {
          error(
            vs,
            `${at}.port.number`,
            `${port} is not a port of ${describeObject(svc)} (${ports
              .map(p => p.port)
              .join(', ')}); use one of its ports`,
          );
        }
        if (port === undefined && ports.length > 1) {
          error(
            vs,
            `${at}.port`,
            `${describeObject(
              svc,
            )} has several ports, so the destination must choose one (IST0112)`,
          );
        }
        const subset = d.destination?.subset;
        if (subset) {
          const defined = destinationRules.some(dr => {
            const drRef = resolveServiceHost(
              dr.spec?.host ?? '',
              ns(dr),
              clusterDomain,
            );
            return (
              drRef?.name === ref.name &&
              drRef?.namespace === ref.namespace &&
              (dr.spec?.subsets ?? []).some((s: any) => s.name === subset)
            );
          });
          if (!defined) {
            error(
              vs,
              `${at}.subset`,
              `subset ${subset} is not defined by a DestinationRule for ${host} (IST0101, requests would fail with 503); add it to the DestinationRule's subsets`,
            );
          }
        }
      });
    });
  }

  // HPAs
  for (const hpa of hpas) {
    const target = hpa.spec?.scaleTargetRef ?? {};
    if (target.kind !== 'Deployment') continue;
    const d = deployments.find(
      x => x.metadata.name === target.name && ns(x) === ns(hpa),
    );
    if (!d) {
      external.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: ns(hpa),
        name: target.name,
        referencedBy: `${describeObject(hpa)} spec.scaleTargetRef`,
      });
      continue;
    }
    if (d.spec?.replicas !== undefined) {
      error(
        d,
        'spec.replicas',
        `is set while ${describeObject(
          hpa,
        )} scales this Deployment, so every apply would reset the replicas the autoscaler chose; remove spec.replicas`,
      );
    }
    for (const m of hpa.spec?.metrics ?? []) {
      const resource = m.type === 'Resource' ? m.resource : undefined;
      if (resource?.target?.type !== 'Utilization') continue;
      (d.spec?.template?.spec?.containers ?? []).forEach(
        (c: any, ci: number) => {
          if (!c.resources?.requests?.[resource.name]) {
            error(
              d,
              `spec.template.spec.containers[${ci}].resources.requests.${resource.name}`,
              `is missing, but ${describeObject(hpa)} targets ${
                resource.name
              } utilization, a percentage of the request; set a ${
                resource.name
              } request`,
            );
          }
        },
      );
    }
  }

  return { findings, external };
}
