import { Fragment, useMemo } from 'react';
import useMeasure from 'react-use/esm/useMeasure';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type {
  ClusterChain,
  Health,
  TrafficHealth,
} from '@mesh-chain/plugin-mesh-common';
import LinkIcon from '@material-ui/icons/Link';
import {
  buildChainGraph,
  ChainEdge,
  ChainNode,
  isOnPath,
} from '../../utils/chainGraph';
import { layoutChain } from '../../utils/chainLayout';
import { healthLabel, pluralize } from '../../utils/format';
import { foundByText } from '../common/FoundBy';
import { HealthIcon } from '../common/HealthIcon';
import { VisuallyHidden } from '../common/VisuallyHidden';
import { domId } from '../../utils/domId';

const NODE_HEIGHT = 70;
const HEADER_HEIGHT = 28;

/** The node's right edge shows its traffic health (from Prometheus), when known. */
function trafficBorder(theme: Theme, health: TrafficHealth | undefined) {
  if (!health || health === 'idle') return {};
  const color = {
    healthy: theme.palette.status.ok,
    degraded: theme.palette.status.warning,
    failure: theme.palette.status.error,
  }[health];
  return {
    borderRightColor: color,
    borderRightWidth: 4,
    borderRightStyle: 'solid' as const,
  };
}

function healthColor(theme: Theme, health: Health): string {
  if (health === 'unknown') return theme.palette.text.secondary;
  return theme.palette.status[health];
}

const useStyles = makeStyles(theme => ({
  root: {
    width: '100%',
    overflowX: 'auto',
    overflowY: 'hidden',
    paddingBottom: theme.spacing(1),
  },
  canvas: {
    position: 'relative',
    margin: '0 auto',
  },
  header: {
    position: 'absolute',
    top: 0,
    height: HEADER_HEIGHT,
    fontSize: '0.7rem',
    fontWeight: 600,
    letterSpacing: '0.08em',
    textTransform: 'uppercase',
    color: theme.palette.text.secondary,
  },
  edges: {
    position: 'absolute',
    left: 0,
    top: HEADER_HEIGHT,
    overflow: 'visible',
    pointerEvents: 'none',
  },
  edge: {
    fill: 'none',
    stroke: theme.palette.text.disabled,
    strokeWidth: 1.5,
  },
  edgeBroken: {
    stroke: theme.palette.status.error,
    strokeDasharray: '6 4',
    strokeWidth: 2,
  },
  edgeHighlight: {
    stroke: theme.palette.primary.main,
    strokeWidth: 3,
  },
  edgeDim: { opacity: 0.35 },
  node: {
    position: 'absolute',
    boxSizing: 'border-box',
    height: NODE_HEIGHT,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.75, 1, 0.75, 1.25),
    textAlign: 'left',
    font: 'inherit',
    color: theme.palette.text.primary,
    background: theme.palette.background.paper,
    border: `1px solid ${theme.palette.divider}`,
    borderLeftWidth: 5,
    borderRadius: 8,
    cursor: 'pointer',
    boxShadow: theme.shadows[1],
    transition: 'box-shadow 150ms, transform 150ms, opacity 150ms',
    '&:hover': {
      boxShadow: theme.shadows[4],
      transform: 'translateY(-1px)',
    },
    '&:focus-visible': {
      outline: `3px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
    },
  },
  missing: {
    borderStyle: 'dashed',
    background: theme.palette.errorBackground ?? theme.palette.background.paper,
    // errorBackground is light in both themes: its own text colour keeps
    // the labels readable in the dark one.
    color: theme.palette.errorText ?? theme.palette.text.primary,
    '& *': { color: 'inherit' },
  },
  selected: {
    boxShadow: `0 0 0 2px ${theme.palette.primary.main}`,
  },
  highlighted: {
    boxShadow: `0 0 0 3px ${theme.palette.primary.main}`,
  },
  dim: { opacity: 0.45 },
  nodeIcon: { flexShrink: 0 },
  nodeText: {
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'center',
    minWidth: 0,
    flex: 1,
  },
  kind: {
    fontSize: '0.65rem',
    letterSpacing: '0.06em',
    textTransform: 'uppercase',
    color: theme.palette.text.secondary,
    lineHeight: 1.4,
  },
  name: {
    fontWeight: 600,
    fontSize: '0.875rem',
    lineHeight: 1.3,
    display: '-webkit-box',
    '-webkit-line-clamp': 1,
    '-webkit-box-orient': 'vertical',
    overflow: 'hidden',
    overflowWrap: 'anywhere',
  },
  nameTwoLines: { '-webkit-line-clamp': 2 },
  summary: {
    fontSize: '0.75rem',
    color: theme.palette.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  badge: {
    position: 'absolute',
    top: -9,
    right: -9,
    boxShadow: `0 0 0 2px ${theme.palette.background.paper}`,
    minWidth: 20,
    height: 20,
    padding: '0 6px',
    borderRadius: 10,
    fontSize: '0.7rem',
    fontWeight: 700,
    lineHeight: '20px',
    textAlign: 'center',
    color: theme.palette.getContrastText(theme.palette.status.warning),
    background: theme.palette.status.warning,
  },
  foundMark: {
    position: 'absolute',
    right: 6,
    bottom: 4,
    fontSize: '0.9rem',
    color: theme.palette.text.secondary,
  },
  badgeError: {
    color: theme.palette.getContrastText(theme.palette.status.error),
    background: theme.palette.status.error,
  },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
    color: theme.palette.text.secondary,
    fontSize: '0.75rem',
    alignItems: 'center',
  },
  legendItem: { display: 'inline-flex', alignItems: 'center', gap: 4 },
  legendLine: {
    display: 'inline-block',
    width: 24,
    height: 0,
    borderTop: `2px dashed ${theme.palette.status.error}`,
  },
  legendPath: {
    display: 'inline-block',
    width: 24,
    height: 0,
    borderTop: `3px solid ${theme.palette.primary.main}`,
  },
  empty: { padding: theme.spacing(2), color: theme.palette.text.secondary },
}));

function edgePath(
  a: { x: number; y: number },
  b: { x: number; y: number },
  nodeWidth: number,
): string {
  const mid = NODE_HEIGHT / 2;
  if (a.x === b.x) {
    // Same column (an HPA below its Deployment): a short vertical line.
    const [top, bottom] = a.y < b.y ? [a, b] : [b, a];
    const x = a.x + nodeWidth / 2;
    return `M ${x} ${top.y + NODE_HEIGHT} L ${x} ${bottom.y}`;
  }
  const [l, r] = a.x < b.x ? [a, b] : [b, a];
  const x1 = l.x + nodeWidth;
  const y1 = l.y + mid;
  const x2 = r.x;
  const y2 = r.y + mid;
  const c = (x2 - x1) / 2;
  return `M ${x1} ${y1} C ${x1 + c} ${y1}, ${x2 - c} ${y2}, ${x2} ${y2}`;
}

/** The kind, when the column's header does not already say it. */
function kindTag(n: ChainNode): string | undefined {
  switch (n.kind) {
    case 'missing':
      return `${n.kindLabel} · missing`;
    case 'hpa':
      return 'Autoscaler (HPA)';
    case 'virtualService':
      return 'VirtualService';
    case 'httpRoute':
      return 'HTTPRoute';
    default:
      return undefined;
  }
}

/** Lets long names wrap after dashes and dots. */
function breakable(name: string) {
  return name.split(/(?<=[-.])/).map((part, i) => (
    <Fragment key={i}>
      {part}
      <wbr />
    </Fragment>
  ));
}

function capitalized(text: string): string {
  return text.charAt(0).toLocaleUpperCase('en-US') + text.slice(1);
}

function nodeLabel(n: ChainNode): string {
  const where = n.namespace ? ` in ${n.namespace}` : '';
  const diags = n.diagnostics
    ? `, ${pluralize(n.diagnostics, 'diagnostic')}`
    : '';
  const found =
    n.foundBy === 'reference' ? ` ${capitalized(foundByText(n))}.` : '';
  return `${n.kindLabel} ${n.name}${where}: ${n.summary}. ${
    healthLabel[n.health]
  }${diags}.${found} Open details.`;
}

/**
 * The chain of one cluster as a picture: Gateway -> routes ->
 * DestinationRule -> Service -> Deployment (HPA beside it) -> Pods, drawn
 * from the answer's resources and links. Each node is a button that opens
 * its details.
 */
export function ChainDiagram(props: {
  chain: ClusterChain;
  onOpen: (key: string) => void;
  selectedKey?: string;
  /** A traced request's `path`: the object keys it passes. */
  highlight?: ReadonlySet<string>;
}) {
  const classes = useStyles();
  const theme = useTheme();
  const { chain, onOpen, selectedKey, highlight } = props;
  const [measureRef, { width: measured }] = useMeasure<HTMLDivElement>();
  const graph = useMemo(() => buildChainGraph(chain), [chain]);
  const layout = useMemo(
    () =>
      layoutChain(graph, {
        width: measured || 0,
        nodeHeight: NODE_HEIGHT,
        gap: 32,
      }),
    [graph, measured],
  );
  const byKey = useMemo(
    () => new Map(graph.nodes.map(n => [n.key, n])),
    [graph],
  );

  if (graph.nodes.length === 0) {
    return (
      <Typography className={classes.empty}>
        Nothing in this cluster matches the component’s selector.
      </Typography>
    );
  }

  const ordered = [...graph.nodes].sort((a, b) => {
    const pa = layout.positions.get(a.key)!;
    const pb = layout.positions.get(b.key)!;
    return pa.x - pb.x || pa.y - pb.y;
  });
  const onPathNode = (n: ChainNode | undefined) =>
    !!highlight && !!n && isOnPath(n, highlight);
  const onPath = (e: ChainEdge) =>
    onPathNode(byKey.get(e.from)) && onPathNode(byKey.get(e.to));
  const describeEdge = (e: ChainEdge) => {
    const a = byKey.get(e.from)!;
    const b = byKey.get(e.to)!;
    return `${a.kindLabel} ${a.name} ${e.relation} ${b.kindLabel} ${b.name}${
      e.broken ? ' (broken reference: not found)' : ''
    }`;
  };
  const hasBroken = graph.edges.some(e => e.broken);
  const linksId = domId(chain.cluster.name, 'chain-links');

  return (
    <div>
      <div ref={measureRef} className={classes.root}>
        <div
          className={classes.canvas}
          style={{ width: layout.width, height: layout.height + HEADER_HEIGHT }}
          role="group"
          aria-label={`Chain in cluster ${
            chain.cluster.title ?? chain.cluster.name
          }`}
          aria-describedby={linksId}
        >
          {layout.columns.map(c => (
            <div
              key={c.index}
              className={classes.header}
              style={{ left: c.x, width: layout.nodeWidth }}
              aria-hidden
            >
              {c.label}
            </div>
          ))}
          <svg
            className={classes.edges}
            width={layout.width}
            height={layout.height}
            aria-hidden
          >
            {graph.edges.map(e => {
              const a = layout.positions.get(e.from)!;
              const b = layout.positions.get(e.to)!;
              const cls = [
                classes.edge,
                e.broken ? classes.edgeBroken : '',
                onPath(e) ? classes.edgeHighlight : '',
                highlight?.size && !onPath(e) ? classes.edgeDim : '',
              ].join(' ');
              return (
                <path
                  key={`${e.from}→${e.to}`}
                  d={edgePath(a, b, layout.nodeWidth)}
                  className={cls}
                  data-testid="chain-edge"
                  data-broken={e.broken || undefined}
                  data-highlighted={onPath(e) || undefined}
                >
                  <title>{describeEdge(e)}</title>
                </path>
              );
            })}
          </svg>
          {ordered.map(n => {
            const p = layout.positions.get(n.key)!;
            const on = onPathNode(n);
            const cls = [
              classes.node,
              n.kind === 'missing' ? classes.missing : '',
              selectedKey === n.key ? classes.selected : '',
              on ? classes.highlighted : '',
              highlight?.size && !on ? classes.dim : '',
            ].join(' ');
            return (
              <button
                key={n.key}
                type="button"
                className={cls}
                style={{
                  left: p.x,
                  top: p.y + HEADER_HEIGHT,
                  width: layout.nodeWidth,
                  borderLeftColor: healthColor(theme, n.health),
                  ...trafficBorder(theme, chain.telemetry?.health[n.key]),
                }}
                onClick={() => onOpen(n.key)}
                aria-label={nodeLabel(n)}
                title={`${n.kindLabel} ${n.name}: ${n.summary}${
                  n.foundBy === 'reference' ? ` (${foundByText(n)})` : ''
                }`}
                aria-haspopup="dialog"
                data-testid="chain-node"
                data-kind={n.kind}
                data-health={n.health}
                data-traffic-health={chain.telemetry?.health[n.key]}
                data-highlighted={on || undefined}
                data-found-by={n.foundBy}
              >
                <HealthIcon health={n.health} className={classes.nodeIcon} />
                <span className={classes.nodeText}>
                  {kindTag(n) && (
                    <span className={classes.kind}>{kindTag(n)}</span>
                  )}
                  <span
                    className={`${classes.name} ${
                      kindTag(n) && n.kind !== 'missing'
                        ? ''
                        : classes.nameTwoLines
                    }`}
                  >
                    {breakable(n.name)}
                  </span>
                  {n.kind !== 'missing' && (
                    <span className={classes.summary}>{n.summary}</span>
                  )}
                </span>
                {n.foundBy === 'reference' && (
                  <LinkIcon className={classes.foundMark} aria-hidden />
                )}
                {n.diagnostics > 0 && (
                  <span
                    className={`${classes.badge} ${
                      n.health === 'error' ? classes.badgeError : ''
                    }`}
                    aria-hidden
                    title={pluralize(n.diagnostics, 'diagnostic')}
                  >
                    {n.diagnostics}
                  </span>
                )}
              </button>
            );
          })}
        </div>
      </div>
      <VisuallyHidden id={linksId}>
        {`Links in this chain: ${graph.edges.map(describeEdge).join('; ')}.`}
      </VisuallyHidden>
      <div className={classes.legend} aria-hidden>
        <span className={classes.legendItem}>
          <HealthIcon health="ok" /> healthy
        </span>
        <span className={classes.legendItem}>
          <HealthIcon health="warning" /> warning
        </span>
        <span className={classes.legendItem}>
          <HealthIcon health="error" /> error
        </span>
        {hasBroken && (
          <span className={classes.legendItem}>
            <span className={classes.legendLine} /> reference to nothing
          </span>
        )}
        {!!highlight?.size && (
          <span className={classes.legendItem}>
            <span className={classes.legendPath} /> path of the request
          </span>
        )}
        {graph.nodes.some(n => n.foundBy === 'reference') && (
          <span className={classes.legendItem}>
            <LinkIcon fontSize="inherit" /> found by reference, not by label
          </span>
        )}
        <span>Select a box for details.</span>
      </div>
    </div>
  );
}
