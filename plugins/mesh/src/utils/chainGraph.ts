import type {
  ClusterChain,
  Health,
  ObjectRef,
  PodInfo,
} from '@mesh-chain/plugin-mesh-common';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
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

export interface ChainNode {
  /** `objectKey()` of the object, or `pods:<deployment key>` for a pod group. */
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
  /** Diagnostics naming this object. */
  diagnostics: number;
  ref?: ObjectRef;
}

export interface ChainEdge {
  from: string;
  to: string;
  relation: string;
  broken: boolean;
}

export interface ChainGraph {
  nodes: ChainNode[];
  edges: ChainEdge[];
}

export const COLUMN_LABELS = [
  'Gateway',
  'Routes',
  'DestinationRule',
  'Service',
  'Deployment',
  'Pods',
];

const kindColumn: Record<string, number> = {
  Gateway: 0,
  VirtualService: 1,
  HTTPRoute: 1,
  DestinationRule: 2,
  Service: 3,
  Deployment: 4,
  HorizontalPodAutoscaler: 4,
  Pod: 5,
};

/** Key of the node that stands for the pods of a Deployment. */
export function podGroupKey(deploymentKey: string | undefined): string {
  return `pods:${deploymentKey ?? 'unowned'}`;
}

/** Reads an `objectKey()` back: `<group>/<kind>/<namespace>/<name>`. */
export function parseObjectKey(key: string): ObjectRef | undefined {
  const parts = key.split('/');
  if (parts.length < 4) return undefined;
  const [group, kind, namespace, ...rest] = parts;
  return {
    kind,
    apiVersion: group === 'core' ? 'v1' : `${group}/v1`,
    ...(namespace && { namespace }),
    name: rest.join('/'),
  };
}

function selects(
  selector: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function gatewayKeyFor(
  written: string,
  vsNamespace: string | undefined,
  gatewaysByName: Map<string, string>,
): string | undefined {
  if (written === 'mesh') return undefined;
  const full = written.includes('/') ? written : `${vsNamespace}/${written}`;
  return gatewaysByName.get(full);
}

function podsSummary(pods: PodInfo[]): { summary: string; health: Health } {
  const ready = pods.filter(p => p.ready).length;
  const restarts = pods.reduce((n, p) => n + p.restarts, 0);
  let health: Health = 'ok';
  if (pods.length === 0) health = 'warning';
  else if (ready === 0) health = 'error';
  else if (ready < pods.length) health = 'warning';
  health = worstHealth([health, ...pods.map(p => p.health)]);
  const restartText =
    restarts > 0 ? ` · ${pluralize(restarts, 'restart')}` : '';
  return {
    summary: `${ready}/${pods.length} ready${restartText}`,
    health,
  };
}

/**
 * The picture of one cluster's chain: one node per object (pods grouped per
 * Deployment), edges from the backend's links plus the references the data
 * itself carries, drawn Gateway -> routes -> DestinationRule -> Service ->
 * Deployment (HPA beside it) -> Pods.
 */
export function buildChainGraph(chain: ClusterChain): ChainGraph {
  const nodes = new Map<string, ChainNode>();
  const diagCount = new Map<string, number>();
  for (const d of chain.diagnostics) {
    for (const key of new Set(d.resources.map(objectKey))) {
      diagCount.set(key, (diagCount.get(key) ?? 0) + 1);
    }
  }
  const add = (
    ref: ObjectRef,
    kind: ChainNodeKind,
    summary: string,
    health: Health,
  ) => {
    const key = objectKey(ref);
    nodes.set(key, {
      key,
      kind,
      kindLabel: ref.kind,
      name: ref.name,
      namespace: ref.namespace,
      summary,
      health,
      column: kindColumn[ref.kind] ?? 3,
      diagnostics: diagCount.get(key) ?? 0,
      ref,
    });
    return key;
  };

  const gatewaysByName = new Map<string, string>();
  for (const g of chain.gateways) {
    const key = add(
      g.ref,
      'gateway',
      g.servers.map(s => `${s.protocol} :${s.port}`).join(' · ') ||
        'no servers',
      g.health,
    );
    gatewaysByName.set(`${g.ref.namespace}/${g.ref.name}`, key);
  }
  for (const vs of chain.virtualServices) {
    add(
      vs.ref,
      'virtualService',
      pluralize(vs.routeIds.length, 'route'),
      vs.health,
    );
  }
  for (const r of chain.httpRoutes) {
    add(r.ref, 'httpRoute', pluralize(r.routeIds.length, 'rule'), r.health);
  }
  for (const dr of chain.destinationRules) {
    add(
      dr.ref,
      'destinationRule',
      dr.subsets.length
        ? `subsets ${dr.subsets.map(s => s.name).join(', ')}`
        : 'no subsets',
      dr.health,
    );
  }
  for (const s of chain.services) {
    const ports = s.ports.map(p => `:${p.port}`).join(' ');
    add(s.ref, 'service', `${s.type} ${ports}`.trim(), s.health);
  }
  for (const d of chain.deployments) {
    add(
      d.ref,
      'deployment',
      `${d.replicas.ready}/${d.replicas.desired} ready`,
      d.health,
    );
  }
  for (const h of chain.hpas) {
    add(
      h.ref,
      'hpa',
      `${h.currentReplicas} of ${h.minReplicas}–${h.maxReplicas}`,
      h.health,
    );
  }

  // Pods, one node per owning Deployment.
  const podGroups = new Map<string, PodInfo[]>();
  const podToGroup = new Map<string, string>();
  for (const p of chain.pods) {
    const ownerKey = p.owner ? objectKey(p.owner) : undefined;
    const group = podGroupKey(
      ownerKey && nodes.has(ownerKey) ? ownerKey : undefined,
    );
    podGroups.set(group, [...(podGroups.get(group) ?? []), p]);
    podToGroup.set(objectKey(p.ref), group);
  }
  for (const d of chain.deployments) {
    const group = podGroupKey(objectKey(d.ref));
    if (!podGroups.has(group) && d.replicas.desired > 0)
      podGroups.set(group, []);
  }
  for (const [key, pods] of podGroups) {
    const { summary, health } = podsSummary(pods);
    const owner = key.slice('pods:'.length);
    const podDiags = pods.reduce(
      (n, p) => n + (diagCount.get(objectKey(p.ref)) ?? 0),
      0,
    );
    nodes.set(key, {
      key,
      kind: 'pods',
      kindLabel: 'Pods',
      name: owner === 'unowned' ? 'other pods' : nodes.get(owner)?.name ?? '',
      summary,
      health,
      column: 5,
      diagnostics: podDiags,
    });
  }

  // Edges: the references in the data, then the backend's links.
  const raw: ChainEdge[] = [];
  const edge = (from: string, to: string, relation: string, broken = false) =>
    raw.push({ from, to, relation, broken });

  for (const vs of [...chain.virtualServices, ...chain.httpRoutes]) {
    for (const g of vs.gateways) {
      const gk = gatewayKeyFor(g, vs.ref.namespace, gatewaysByName);
      if (gk) edge(gk, objectKey(vs.ref), 'binds');
    }
  }
  for (const r of chain.routes) {
    for (const d of r.destinations) {
      if (d.service)
        edge(objectKey(r.source), objectKey(d.service), 'routes to');
      if (d.destinationRule)
        edge(
          objectKey(r.source),
          objectKey(d.destinationRule),
          'uses subsets of',
        );
    }
  }
  for (const dr of chain.destinationRules) {
    for (const s of chain.services) {
      if (s.fqdn === dr.fqdn)
        edge(objectKey(dr.ref), objectKey(s.ref), 'policy for');
    }
  }
  for (const s of chain.services) {
    for (const d of chain.deployments) {
      if (
        s.ref.namespace === d.ref.namespace &&
        selects(s.selector, d.podLabels)
      )
        edge(objectKey(s.ref), objectKey(d.ref), 'selects');
    }
  }
  for (const h of chain.hpas) {
    if (h.target) edge(objectKey(h.ref), objectKey(h.target), 'scales');
  }
  for (const [key] of podGroups) {
    const owner = key.slice('pods:'.length);
    if (nodes.has(owner)) edge(owner, key, 'owns');
  }
  for (const l of chain.links) edge(l.from, l.to, l.relation, !!l.broken);

  // Normalise: pods -> their group; anything but the owner pointing at a pod
  // group points at its Deployment instead.
  const normalised: ChainEdge[] = [];
  for (const e of raw) {
    let { from, to } = e;
    from = podToGroup.get(from) ?? from;
    to = podToGroup.get(to) ?? to;
    if (to.startsWith('pods:')) {
      const owner = to.slice('pods:'.length);
      if (
        nodes.has(owner) &&
        from !== owner &&
        nodes.get(from)?.kind !== 'hpa'
      ) {
        to = owner;
      }
    }
    if (from === to) continue;
    normalised.push({ ...e, from, to });
  }

  // Placeholders for references to nothing.
  for (const e of normalised) {
    for (const key of [e.to, e.from]) {
      if (nodes.has(key) || !e.broken) continue;
      const ref = parseObjectKey(key);
      nodes.set(key, {
        key,
        kind: 'missing',
        kindLabel: ref?.kind ?? 'Object',
        name: ref?.name ?? key,
        namespace: ref?.namespace,
        summary: 'not found',
        health: 'error',
        column:
          ref && kindColumn[ref.kind] !== undefined ? kindColumn[ref.kind] : 0,
        diagnostics: diagCount.get(key) ?? 0,
        ref,
      });
    }
  }

  // The chain reads Gateway -> VirtualService -> DestinationRule -> Service:
  // a route to a Service that has a DestinationRule is drawn through it.
  const drOf = new Map<string, string[]>();
  for (const e of normalised) {
    if (
      nodes.get(e.from)?.kind === 'destinationRule' &&
      nodes.get(e.to)?.kind === 'service'
    ) {
      drOf.set(e.to, [...(drOf.get(e.to) ?? []), e.from]);
    }
  }
  const drawn: ChainEdge[] = [];
  for (const e of normalised) {
    const fromKind = nodes.get(e.from)?.kind;
    const drs = drOf.get(e.to);
    if (
      (fromKind === 'virtualService' || fromKind === 'httpRoute') &&
      drs &&
      !e.broken
    ) {
      for (const dr of drs)
        drawn.push({ ...e, to: dr, relation: 'routes via' });
    } else {
      drawn.push(e);
    }
  }

  const edges = new Map<string, ChainEdge>();
  for (const e of drawn) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) continue;
    const id = `${e.from}→${e.to}`;
    const prev = edges.get(id);
    edges.set(id, prev ? { ...prev, broken: prev.broken || e.broken } : e);
  }

  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

export interface NodePosition {
  x: number;
  y: number;
}

export interface ChainLayout {
  positions: Map<string, NodePosition>;
  /** Columns in use, left to right, with their x. */
  columns: Array<{ index: number; label: string; x: number }>;
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
}

/**
 * Places the nodes in columns; each node sits level with the nodes that
 * lead to it where it can, so most edges are straight.
 */
export function layoutChain(
  graph: ChainGraph,
  options: {
    width: number;
    nodeHeight?: number;
    gap?: number;
    rowGap?: number;
  },
): ChainLayout {
  const nodeHeight = options.nodeHeight ?? 64;
  const gap = options.gap ?? 40;
  const rowGap = options.rowGap ?? 16;
  const used = [...new Set(graph.nodes.map(n => n.column))].sort(
    (a, b) => a - b,
  );
  const colWidth = Math.max(
    176,
    used.length ? (options.width + gap) / used.length : 0,
  );
  const nodeWidth = colWidth - gap;
  const columns = used.map((index, i) => ({
    index,
    label: COLUMN_LABELS[index] ?? '',
    x: i * colWidth,
  }));
  const xOf = new Map(columns.map(c => [c.index, c.x]));

  const incoming = new Map<string, string[]>();
  const byKey = new Map(graph.nodes.map(n => [n.key, n]));
  for (const e of graph.edges) {
    const a = byKey.get(e.from)!;
    const b = byKey.get(e.to)!;
    // Treat every edge as left -> right for placement.
    const [left, right] = a.column <= b.column ? [a, b] : [b, a];
    if (left.column === right.column) continue;
    incoming.set(right.key, [...(incoming.get(right.key) ?? []), left.key]);
  }

  const positions = new Map<string, NodePosition>();
  const step = nodeHeight + rowGap;
  for (const col of used) {
    const inColumn = graph.nodes.filter(
      n => n.column === col && n.kind !== 'hpa',
    );
    const wanted = (n: ChainNode) => {
      const ys = (incoming.get(n.key) ?? [])
        .map(k => positions.get(k)?.y)
        .filter((y): y is number => y !== undefined);
      return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : Infinity;
    };
    inColumn.sort(
      (a, b) =>
        wanted(a) - wanted(b) ||
        Number(a.kind === 'missing') - Number(b.kind === 'missing') ||
        a.name.localeCompare(b.name),
    );
    let next = 0;
    const place = (n: ChainNode, y: number) => {
      positions.set(n.key, { x: xOf.get(col)!, y });
      next = y + step;
    };
    for (const n of inColumn) {
      const w = wanted(n);
      place(n, Number.isFinite(w) ? Math.max(next, w) : next);
      // An HPA sits right below the Deployment it scales.
      if (n.kind === 'deployment') {
        for (const h of graph.nodes.filter(
          x =>
            x.kind === 'hpa' &&
            graph.edges.some(e => e.from === x.key && e.to === n.key),
        )) {
          place(h, next);
        }
      }
    }
    for (const h of graph.nodes.filter(
      x => x.column === col && x.kind === 'hpa' && !positions.has(x.key),
    )) {
      place(h, next);
    }
  }

  let height = 0;
  for (const p of positions.values())
    height = Math.max(height, p.y + nodeHeight);
  const width = used.length ? used.length * colWidth - gap : 0;
  return { positions, columns, width, height, nodeWidth, nodeHeight };
}
