/*
 * The look-ups the engine makes besides get, list and label selection: each
 * says which kind it indexes and under which keys an object is found. The
 * same definition builds the index (ChainIndex) and tells whether a changed
 * object concerns a recorded look-up (ReadRecord), so the two cannot drift
 * apart.
 */
import {
  destinationFqdn,
  expandHost,
  hostMatches,
  isWildcardHost,
  serviceFqdn,
} from '../../routing/hosts';
import type { KubeObject } from '../kube/KubeObject';
import type { WatchedKind } from '../kube/watchedKinds';

/** One kind of look-up. @public */
export interface LookupDefinition {
  /** The kind it finds. */
  kind: WatchedKind;
  /** The keys an object is found under (host names lower case). */
  keysOf(obj: KubeObject, clusterDomain: string): string[];
  /**
   * Keys that are host wildcards (`*.example.com`) also answer look-ups of
   * the hosts they match, after the exact ones.
   */
  wildcards?: boolean;
}

function ns(obj: KubeObject): string {
  return obj.metadata.namespace ?? '';
}

function listOf(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** The destination hosts of a VirtualService's routes and mirrors. */
function routeDestinations(vs: KubeObject): string[] {
  const spec = vs.spec ?? {};
  const hosts: string[] = [];
  for (const list of [spec.http, spec.tls, spec.tcp]) {
    for (const route of listOf(list)) {
      for (const rd of listOf(route?.route)) {
        const h = rd?.destination?.host;
        if (typeof h === 'string' && h) {
          hosts.push(h);
        }
      }
      const mirror = route?.mirror?.host;
      if (typeof mirror === 'string' && mirror) {
        hosts.push(mirror);
      }
    }
  }
  return hosts;
}

/**
 * Namespace and name of every Service an HTTPRoute's rules send to.
 *
 * @public
 */
export function httpRouteBackends(
  route: KubeObject,
): Array<{ namespace: string; name: string }> {
  const out: Array<{ namespace: string; name: string }> = [];
  for (const rule of listOf(route.spec?.rules)) {
    for (const ref of listOf(rule?.backendRefs)) {
      if (
        ref?.name &&
        (ref.kind ?? 'Service') === 'Service' &&
        (ref.group ?? '') === ''
      ) {
        out.push({ namespace: ref.namespace ?? ns(route), name: ref.name });
      }
    }
  }
  return out;
}

/**
 * The key under which a Service's selector entry is found:
 * `namespace/key=value`.
 *
 * @public
 */
export function selectorEntryKey(
  namespace: string,
  key: string,
  value: string,
): string {
  return `${namespace}/${key}=${value}`;
}

/**
 * The key of an HPA's `scaleTargetRef`: `namespace/Kind/name`.
 *
 * @public
 */
export function scaleTargetKey(
  namespace: string,
  kind: string,
  name: string,
): string {
  return `${namespace}/${kind}/${name}`;
}

/**
 * Every look-up the engine makes.
 *
 * @public
 */
export const LOOKUPS = {
  /** A Service by its FQDN. */
  serviceByFqdn: {
    kind: 'services',
    keysOf: (svc, domain) => [serviceFqdn(svc.metadata.name, ns(svc), domain)],
  },
  /** Services by one entry of their `spec.selector` (`ns/key=value`). */
  servicesBySelectorEntry: {
    kind: 'services',
    keysOf: svc => {
      const selector = svc.spec?.selector;
      return selector && typeof selector === 'object'
        ? Object.entries(selector).map(([k, v]) =>
            selectorEntryKey(ns(svc), k, String(v)),
          )
        : [];
    },
  },
  /** VirtualServices by the Service FQDN (or host) their routes send to. */
  virtualServicesByDestination: {
    kind: 'virtualservices',
    wildcards: true,
    keysOf: (vs, domain) => [
      ...new Set(
        routeDestinations(vs).map(h => destinationFqdn(h, ns(vs), domain)),
      ),
    ],
  },
  /** VirtualServices by their hosts, expanded in their namespace. */
  virtualServicesByHost: {
    kind: 'virtualservices',
    keysOf: (vs, domain) => [
      ...new Set(
        listOf(vs.spec?.hosts)
          .filter((h): h is string => typeof h === 'string')
          .map(h => expandHost(h, ns(vs), domain)),
      ),
    ],
  },
  /** DestinationRules by the Service FQDN (or host) of `spec.host`. */
  destinationRulesByHost: {
    kind: 'destinationrules',
    wildcards: true,
    keysOf: (dr, domain) => {
      const host = dr.spec?.host;
      return typeof host === 'string' && host
        ? [destinationFqdn(host, ns(dr), domain)]
        : [];
    },
  },
  /** HTTPRoutes by the FQDN of the Services their rules send to. */
  httpRoutesByBackend: {
    kind: 'httproutes',
    keysOf: (route, domain) => [
      ...new Set(
        httpRouteBackends(route).map(b =>
          serviceFqdn(b.name, b.namespace, domain),
        ),
      ),
    ],
  },
  /** HPAs by their `scaleTargetRef` (`ns/Kind/name`). */
  hpasByScaleTarget: {
    kind: 'horizontalpodautoscalers',
    keysOf: hpa => {
      const t = hpa.spec?.scaleTargetRef;
      return t?.name
        ? [scaleTargetKey(ns(hpa), t.kind ?? 'Deployment', t.name)]
        : [];
    },
  },
} satisfies Record<string, LookupDefinition>;

/** @public */
export type LookupName = keyof typeof LOOKUPS;

/**
 * Whether an object filed under `objectKey` answers a look-up of `key`.
 *
 * @public
 */
export function keyAnswers(
  definition: LookupDefinition,
  objectKey: string,
  key: string,
): boolean {
  return (
    objectKey === key ||
    (!!definition.wildcards &&
      isWildcardHost(objectKey) &&
      hostMatches(objectKey, key))
  );
}
