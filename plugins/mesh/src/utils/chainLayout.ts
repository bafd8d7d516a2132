/*
 * Where the boxes of a chain picture go: one column per kind, each box
 * level with the boxes that lead to it where it can be, an HPA right below
 * the Deployment it scales.
 */
import { COLUMN_LABELS, type ChainGraph, type ChainNode } from './chainGraph';

/** @public */
export interface NodePosition {
  x: number;
  y: number;
}

/** @public */
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
 *
 * @public
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
