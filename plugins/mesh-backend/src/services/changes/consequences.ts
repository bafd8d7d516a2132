/*
 * What a change does, in the terms the Service Mesh tab uses: the object's
 * YAML before and after, the chain's diagnostics the change brings, fixes
 * and leaves, and where requests a route serves go before and after. The
 * chain is the engine's; this file only compares its answers.
 */
import {
  ChainEngine,
  ChangeDiagnostics,
  ChangeTrace,
  ClusterChain,
  Diagnostic,
  KubeObject,
  objectKey,
  RouteInfo,
  RouteSimulationRequest,
} from '@mesh-chain/plugin-mesh-common';
import { createTwoFilesPatch } from 'diff';
import YAML from 'yaml';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The object as a person reads it: no bookkeeping, no status. */
function readable(obj: KubeObject): object {
  const {
    managedFields: _managedFields,
    resourceVersion: _resourceVersion,
    generation: _generation,
    uid: _uid,
    creationTimestamp: _creationTimestamp,
    selfLink: _selfLink,
    ...metadata
  } = obj.metadata;
  if (metadata.annotations?.[LAST_APPLIED]) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } =
      metadata.annotations;
    metadata.annotations = annotations;
    if (Object.keys(annotations).length === 0) {
      delete metadata.annotations;
    }
  }
  const { status: _status, ...rest } = obj;
  return { ...rest, metadata };
}

/** A unified diff of the object's YAML (spec, labels, annotations) before and after. */
export function objectDiff(before: KubeObject, after: KubeObject): string {
  const name = `${before.kind} ${before.metadata.namespace ?? ''}/${
    before.metadata.name
  }`;
  const patch = createTwoFilesPatch(
    name,
    name,
    YAML.stringify(readable(before)),
    YAML.stringify(readable(after)),
    'before',
    'after',
    { context: 3 },
  );
  // Drop jsdiff's `Index:` and `===` lines: a plain unified diff.
  return patch
    .split('\n')
    .filter(l => !l.startsWith('Index: ') && !/^=+$/.test(l))
    .join('\n');
}

function diagnosticKey(d: Diagnostic): string {
  return `${d.code}|${d.resources[0] ? objectKey(d.resources[0]) : ''}|${
    d.path ?? ''
  }`;
}

/**
 * Diagnostics the change introduces, fixes, and leaves (as they read
 * after): the same code on the same resource and field is the same
 * diagnostic, even when its message (e.g. a weight it quotes) changed.
 */
export function diagnosticsDelta(
  before: Diagnostic[],
  after: Diagnostic[],
): ChangeDiagnostics {
  const open = new Map<string, Diagnostic[]>();
  for (const d of before) {
    const key = diagnosticKey(d);
    open.set(key, [...(open.get(key) ?? []), d]);
  }
  const introduced: Diagnostic[] = [];
  const remaining: Diagnostic[] = [];
  for (const d of after) {
    const same = open.get(diagnosticKey(d));
    if (same?.length) {
      same.shift();
      remaining.push(d);
    } else {
      introduced.push(d);
    }
  }
  return { introduced, fixed: [...open.values()].flat(), remaining };
}

/**
 * A request the route serves, from its first match: its external URL (or,
 * inside the mesh, its host and path), and the exact or prefix values of
 * its method and header conditions. `undefined` for routes no request can
 * be made up for (TCP and TLS, wildcard hosts only).
 */
export function sampleRequest(
  route: RouteInfo,
): RouteSimulationRequest | undefined {
  if (route.protocol !== 'http') {
    return undefined;
  }
  const match = route.match[0];
  const headers: Record<string, string> = {};
  for (const [name, m] of Object.entries(match?.headers ?? {})) {
    const value = m.exact ?? m.prefix;
    if (value !== undefined) {
      headers[name] = value;
    }
  }
  const method = match?.method?.exact;
  const extra = {
    ...(method && { method }),
    ...(Object.keys(headers).length > 0 && { headers }),
  };
  if (route.externalUrls.length > 0) {
    return { url: route.externalUrls[0], from: 'gateway', ...extra };
  }
  const host = route.hosts.find(h => !h.includes('*'));
  if (host && route.gateways.includes('mesh')) {
    const path = match?.uri?.exact ?? match?.uri?.prefix ?? '/';
    return {
      url: `http://${host}${path.startsWith('/') ? path : `/${path}`}`,
      from: 'mesh',
      sourceNamespace: route.source.namespace,
      ...extra,
    };
  }
  return undefined;
}

function sameRoute(a: RouteInfo, b: RouteInfo): boolean {
  return (
    objectKey(a.source) === objectKey(b.source) &&
    a.protocol === b.protocol &&
    a.index === b.index
  );
}

/**
 * A request the changed route serves, traced through the chain before and
 * after the change by the engine's route simulation.
 */
export function routeTraces(options: {
  engine: ChainEngine;
  clusterDomain: string;
  before: ClusterChain;
  after: ClusterChain;
  route: Pick<RouteInfo, 'source' | 'protocol' | 'index'>;
}): ChangeTrace[] {
  const { engine, before, after } = options;
  const route =
    after.routes.find(r => sameRoute(r, options.route as RouteInfo)) ??
    before.routes.find(r => sameRoute(r, options.route as RouteInfo));
  const request = route && sampleRequest(route);
  if (!request) {
    return [];
  }
  const simulate = (chain: ClusterChain) =>
    engine.simulate(chain, request, { clusterDomain: options.clusterDomain });
  return [{ request, before: simulate(before), after: simulate(after) }];
}
