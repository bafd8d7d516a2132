/*
 * The picture of one cluster's chain, drawn from what the backend sends and
 * nothing else: one node per resource of the answer (pods grouped per
 * Deployment that `owns` them), one edge per `link`, a placeholder at the
 * end of a broken link, health and diagnostics as the answer has them. No
 * reference is followed here; what the picture needs, the engine links.
 */
import type {
  ClusterChain,
  FoundBy,
  FoundFrom,
  Health,
  ObjectRef,
  PodInfo,
  ResourceBase,
} from '@mesh-chain/plugin-mesh-common';
import { objectKey, parseObjectKey } from '@mesh-chain/plugin-mesh-common';
import { pluralize, worstHealth } from './format';

/** @public */
export type ChainNodeKind =
  | 'gateway'
  | 'virtualService'
  | 'httpRoute'
  | 'destinationRule'
  | 'service'
  | 'deployment'
  | 'hpa'
  | 'pods'
  | 'missing';

/** A box of the picture. @public */
export interface ChainNode {
  /** `objectKey()` of the object, or `pods:<Deployment key>` for a pod group. */
  key: string;
  kind: ChainNodeKind;
  /** Kind as shown, e.g. "VirtualService". */
  kindLabel: string;
  name: string;
  namespace?: string;
  /** One line about its state, e.g. "3/3 ready". */
  summary: string;
  health: Health;
  column: number;
  /** Diagnostics naming this object (or, for a pod group, its pods). */
  diagnostics: number;
  ref?: ObjectRef;
  /** How the engine found it; a pod group: `label` when any pod was. */
  foundBy?: FoundBy;
  foundFrom?: FoundFrom;
  /** A pod group's pods (`objectKey()`s). */
  members?: string[];
}

/** A line of the picture: one or more links between two boxes. @public */
export interface ChainEdge {
  from: string;
  to: string;
  relation: string;
  broken: boolean;
}

/** @public */
export interface ChainGraph {
  nodes: ChainNode[];
  edges: ChainEdge[];
}

/** The headers of the picture's columns. @public */
export const COLUMN_LABELS = [
  'Gateway',
  'Routes',
  'DestinationRule',
  'Service',
  'Deployment',
  'Pods',
];

const KIND_COLUMN: Record<string, number> = {
  Gateway: 0,
  VirtualService: 1,
  HTTPRoute: 1,
  DestinationRule: 2,
  Service: 3,
  Deployment: 4,
  HorizontalPodAutoscaler: 4,
  Pod: 5,
};

const UNOWNED_PODS = 'pods:unowned';

/** Key of the node that stands for the pods of a Deployment. @public */
export function podGroupKey(deploymentKey: string): string {
  return `pods:${deploymentKey}`;
}

/** Whether a node is on a traced request's `path` (a pod group: any of its pods). @public */
export function isOnPath(node: ChainNode, path: ReadonlySet<string>): boolean {
  return path.has(node.key) || (node.members ?? []).some(key => path.has(key));
}

/** How many diagnostics name each object. */
function diagnosticCounts(chain: ClusterChain): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of chain.diagnostics) {
    for (const key of new Set(d.resources.map(objectKey))) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The one-line summary of each kind of resource, as the box shows it. */
function resourceSummaries(chain: ClusterChain) {
  return [
    ...chain.gateways.map(g => ({
      item: g as ResourceBase,
      kind: 'gateway' as const,
      summary:
        g.servers.map(s => `${s.protocol} :${s.port}`).join(' · ') ||
        'no servers',
    })),
    ...chain.virtualServices.map(vs => ({
      item: vs,
      kind: 'virtualService' as const,
      summary: pluralize(vs.routeIds.length, 'route'),
    })),
    ...chain.httpRoutes.map(r => ({
      item: r,
      kind: 'httpRoute' as const,
      summary: pluralize(r.routeIds.length, 'rule'),
    })),
    ...chain.destinationRules.map(dr => ({
      item: dr,
      kind: 'destinationRule' as const,
      summary: dr.subsets.length
        ? `subsets ${dr.subsets.map(s => s.name).join(', ')}`
        : 'no subsets',
    })),
    ...chain.services.map(s => ({
      item: s,
      kind: 'service' as const,
      summary: `${s.type} ${s.ports.map(p => `:${p.port}`).join(' ')}`.trim(),
    })),
    ...chain.deployments.map(d => ({
      item: d,
      kind: 'deployment' as const,
      summary: `${d.replicas.ready}/${d.replicas.desired} ready`,
    })),
    ...chain.hpas.map(h => ({
      item: h,
      kind: 'hpa' as const,
      summary: `${h.currentReplicas} of ${h.minReplicas}–${h.maxReplicas}`,
    })),
  ];
}

function resourceNodes(
  chain: ClusterChain,
  diagnostics: Map<string, number>,
): ChainNode[] {
  return resourceSummaries(chain).map(({ item, kind, summary }) => {
    const key = objectKey(item.ref);
    return {
      key,
      kind,
      kindLabel: item.ref.kind,
      name: item.ref.name,
      namespace: item.ref.namespace,
      summary,
      health: item.health,
      column: KIND_COLUMN[item.ref.kind] ?? 3,
      diagnostics: diagnostics.get(key) ?? 0,
      ref: item.ref,
      ...(item.foundBy && { foundBy: item.foundBy }),
      ...(item.foundFrom && { foundFrom: item.foundFrom }),
    };
  });
}

/**
 * The pods by the group they are drawn in: the Deployment that `owns` them,
 * or one group of the pods no Deployment of the chain owns. A Deployment
 * that wants pods and has none gets an empty group.
 */
function podGroups(chain: ClusterChain): Map<string, PodInfo[]> {
  const deployments = new Set(chain.deployments.map(d => objectKey(d.ref)));
  const ownerOf = new Map<string, string>();
  for (const l of chain.links) {
    if (l.relation === 'owns' && deployments.has(l.from)) {
      ownerOf.set(l.to, l.from);
    }
  }
  const groups = new Map<string, PodInfo[]>();
  for (const d of chain.deployments) {
    if (d.replicas.desired > 0) groups.set(podGroupKey(objectKey(d.ref)), []);
  }
  for (const p of chain.pods) {
    const owner = ownerOf.get(objectKey(p.ref));
    const group = owner ? podGroupKey(owner) : UNOWNED_PODS;
    groups.set(group, [...(groups.get(group) ?? []), p]);
  }
  return groups;
}

function podsHealth(pods: PodInfo[]): Health {
  const ready = pods.filter(p => p.ready).length;
  let health: Health = 'ok';
  if (pods.length === 0) health = 'warning';
  else if (ready === 0) health = 'error';
  else if (ready < pods.length) health = 'warning';
  return worstHealth([health, ...pods.map(p => p.health)]);
}

function podGroupNode(
  key: string,
  pods: PodInfo[],
  ownerName: string | undefined,
  diagnostics: Map<string, number>,
): ChainNode {
  const ready = pods.filter(p => p.ready).length;
  const restarts = pods.reduce((n, p) => n + p.restarts, 0);
  const members = pods.map(p => objectKey(p.ref));
  const foundByLabel = pods.some(p => p.foundBy === 'label');
  return {
    key,
    kind: 'pods',
    kindLabel: 'Pods',
    name: ownerName ?? 'other pods',
    summary: `${ready}/${pods.length} ready${
      restarts > 0 ? ` · ${pluralize(restarts, 'restart')}` : ''
    }`,
    health: podsHealth(pods),
    column: KIND_COLUMN.Pod,
    diagnostics: members.reduce((n, m) => n + (diagnostics.get(m) ?? 0), 0),
    ...(pods.length > 0 && {
      foundBy: foundByLabel ? ('label' as const) : ('reference' as const),
    }),
    members,
  };
}

function placeholderNode(
  key: string,
  diagnostics: Map<string, number>,
): ChainNode {
  const ref = parseObjectKey(key);
  return {
    key,
    kind: 'missing',
    kindLabel: ref?.kind ?? 'Object',
    name: ref?.name ?? key,
    namespace: ref?.namespace,
    summary: 'not found',
    health: 'error',
    column: (ref && KIND_COLUMN[ref.kind]) ?? 0,
    diagnostics: diagnostics.get(key) ?? 0,
    ref,
  };
}

/** The links with each pod replaced by the group it is drawn in. */
function linksBetweenBoxes(
  chain: ClusterChain,
  groupOf: Map<string, string>,
): ChainEdge[] {
  return chain.links
    .map(l => ({
      from: groupOf.get(l.from) ?? l.from,
      to: groupOf.get(l.to) ?? l.to,
      relation: l.relation,
      broken: !!l.broken,
    }))
    .filter(e => e.from !== e.to);
}

/**
 * The chain reads Gateway -> route -> DestinationRule -> Service: a route
 * to a Service a DestinationRule is policy for is drawn through it.
 */
function throughDestinationRules(
  edges: ChainEdge[],
  kindOf: (key: string) => ChainNodeKind | undefined,
): ChainEdge[] {
  const rulesOf = new Map<string, string[]>();
  for (const e of edges) {
    if (kindOf(e.from) === 'destinationRule' && kindOf(e.to) === 'service') {
      rulesOf.set(e.to, [...(rulesOf.get(e.to) ?? []), e.from]);
    }
  }
  return edges.flatMap(e => {
    const fromKind = kindOf(e.from);
    const rules = rulesOf.get(e.to);
    if (
      rules &&
      !e.broken &&
      (fromKind === 'virtualService' || fromKind === 'httpRoute')
    ) {
      return rules.map(dr => ({ ...e, to: dr, relation: 'routes via' }));
    }
    return [e];
  });
}

/** One edge per pair of boxes; broken if any of its links is. */
function oneEdgePerPair(edges: ChainEdge[]): ChainEdge[] {
  const byPair = new Map<string, ChainEdge>();
  for (const e of edges) {
    const id = `${e.from}→${e.to}`;
    const seen = byPair.get(id);
    byPair.set(id, seen ? { ...seen, broken: seen.broken || e.broken } : e);
  }
  return [...byPair.values()];
}

/**
 * The picture of one cluster's chain: Gateway -> routes -> DestinationRule
 * -> Service -> Deployment (HPA beside it) -> Pods, from the chain's
 * resources and links.
 *
 * @public
 */
export function buildChainGraph(chain: ClusterChain): ChainGraph {
  const diagnostics = diagnosticCounts(chain);
  const nodes = new Map(resourceNodes(chain, diagnostics).map(n => [n.key, n]));
  const groupOf = new Map<string, string>();
  for (const [key, pods] of podGroups(chain)) {
    const owner = nodes.get(key.slice('pods:'.length));
    const group = podGroupNode(key, pods, owner?.name, diagnostics);
    nodes.set(key, group);
    group.members!.forEach(m => groupOf.set(m, key));
  }
  const linked = linksBetweenBoxes(chain, groupOf);
  for (const e of linked.filter(l => l.broken)) {
    for (const key of [e.from, e.to]) {
      if (!nodes.has(key)) nodes.set(key, placeholderNode(key, diagnostics));
    }
  }
  const edges = oneEdgePerPair(
    throughDestinationRules(linked, key => nodes.get(key)?.kind),
  ).filter(e => nodes.has(e.from) && nodes.has(e.to));
  return { nodes: [...nodes.values()], edges };
}
