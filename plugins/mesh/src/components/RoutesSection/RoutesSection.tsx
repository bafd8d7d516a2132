import { Fragment } from 'react';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  ClusterChain,
  ObjectRef,
  RouteDestination,
  RouteInfo,
} from '@mesh-chain/plugin-mesh-common';
import { objectKey, parseObjectKey } from '@mesh-chain/plugin-mesh-common';
import { describeMatch, refName } from '../../utils/format';
import { Found, FoundByMarker } from '../common/FoundBy';
import { domId } from '../../utils/domId';
import { ResourceButton } from '../common/ResourceButton';
import { SectionCard } from '../common/SectionCard';
import { useOpenResource } from '../common/SelectionContext';
import { Code } from '../common/Labels';
import { LinkButton } from '../common/LinkButton';
import { ExternalLink } from '../common/ExternalLink';
import { VisuallyHidden } from '../common/VisuallyHidden';

const useStyles = makeStyles(theme => ({
  scroll: { overflowX: 'auto' },
  table: {
    '& td, & th': { verticalAlign: 'top' },
    '& th': { whiteSpace: 'nowrap' },
  },
  urlCell: { minWidth: 180, maxWidth: 300 },
  gatewayCell: { minWidth: 120 },
  matchCell: { minWidth: 140 },
  nowrap: { whiteSpace: 'nowrap' },
  matched: {
    background: theme.palette.action.selected,
    boxShadow: `inset 4px 0 0 ${theme.palette.primary.main}`,
  },
  index: { fontWeight: 700, whiteSpace: 'nowrap' },
  sub: { fontSize: '0.75rem', color: theme.palette.text.secondary },
  urls: { margin: 0, padding: 0, listStyle: 'none' },
  matchList: { margin: 0, padding: 0, listStyle: 'none' },
  or: {
    fontSize: '0.7rem',
    textTransform: 'uppercase',
    color: theme.palette.text.secondary,
    margin: '2px 0',
  },
  dest: {
    display: 'grid',
    gridTemplateColumns: '1fr 44px',
    columnGap: theme.spacing(1),
    alignItems: 'center',
    minWidth: 200,
    '& + &': { marginTop: theme.spacing(0.75) },
  },
  destName: { fontSize: '0.85rem', overflowWrap: 'anywhere' },
  weight: {
    fontVariantNumeric: 'tabular-nums',
    textAlign: 'right',
    fontWeight: 600,
  },
  bar: {
    gridColumn: '1 / span 2',
    height: 6,
    borderRadius: 3,
    background: theme.palette.action.selected,
    overflow: 'hidden',
    marginTop: 2,
  },
  barFill: { height: '100%', borderRadius: 3 },
  subset: {
    display: 'inline-block',
    padding: '0 6px',
    marginLeft: 4,
    borderRadius: 4,
    fontSize: '0.75rem',
    fontWeight: 600,
    color: theme.palette.type === 'dark' ? '#111' : '#fff',
  },
  note: { fontSize: '0.8rem', marginTop: theme.spacing(0.5) },
  muted: { color: theme.palette.text.secondary },
  matchedLabel: {
    display: 'inline-block',
    marginTop: 4,
    padding: '0 6px',
    borderRadius: 4,
    fontSize: '0.7rem',
    fontWeight: 700,
    color: theme.palette.primary.contrastText,
    background: theme.palette.primary.main,
  },
}));

/** A colour per subset name, the same in every row; readable on both themes. */
export function subsetColor(theme: Theme, subset: string | undefined): string {
  const palette =
    theme.palette.type === 'dark'
      ? ['#4f8ff7', '#c678dd', '#2bb3a3', '#e5a33a', '#e06c75', '#8e9eff']
      : ['#1f5fc9', '#8e44ad', '#0e7c6f', '#a85d00', '#b83244', '#4d5bd6'];
  if (!subset) return theme.palette.text.secondary;
  let h = 0;
  for (const c of subset) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return palette[h % palette.length];
}

function Destination(props: { d: RouteDestination; cluster: string }) {
  const classes = useStyles();
  const theme = useTheme();
  const open = useOpenResource();
  const { d, cluster } = props;
  const color = subsetColor(theme, d.subset);
  return (
    <div className={classes.dest}>
      <span className={classes.destName}>
        {d.service ? (
          <LinkButton
            onClick={() => open(cluster, objectKey(d.service!))}
            aria-haspopup="dialog"
          >
            {d.host.split('.').map((part, i) => (
              <Fragment key={i}>
                {i > 0 && '.'}
                {i > 0 && <wbr />}
                {part}
              </Fragment>
            ))}
          </LinkButton>
        ) : (
          <span title="No Service with this host in the cluster">
            {d.host} <span className={classes.muted}>(no such Service)</span>
          </span>
        )}
        {d.port !== undefined && (
          <span className={classes.muted}>:{d.port}</span>
        )}
        {d.subset && (
          <span className={classes.subset} style={{ background: color }}>
            <VisuallyHidden>subset </VisuallyHidden>
            {d.subset}
          </span>
        )}
      </span>
      <span className={classes.weight}>{d.weight}%</span>
      <div className={classes.bar} aria-hidden>
        <div
          className={classes.barFill}
          style={{ width: `${d.weight}%`, background: color }}
        />
      </div>
    </div>
  );
}

function retriesText(r: RouteInfo): string {
  if (r.protocol !== 'http') return '—';
  if (!r.retries) return 'Istio default (2)';
  if (r.retries.attempts === 0) return 'off';
  const per = r.retries.perTryTimeout ? ` × ${r.retries.perTryTimeout}` : '';
  const on = r.retries.retryOn
    ? ` on ${r.retries.retryOn.split(',').join(', ')}`
    : '';
  return `${r.retries.attempts}${per}${on}`;
}

/** A Gateway that binds a route's VirtualService or HTTPRoute (a `binds` link). */
interface BindingGateway {
  /** `namespace/name`, as the route's `gateways` name it. */
  name: string;
  /** Absent when the link is broken: no such Gateway. */
  ref?: ObjectRef;
}

/** The Gateways that bind each route source, by its object key. */
function bindingGateways(chain: ClusterChain): Map<string, BindingGateway[]> {
  const gateways = new Map(chain.gateways.map(g => [objectKey(g.ref), g.ref]));
  const bindings = new Map<string, BindingGateway[]>();
  for (const l of chain.links) {
    const written = gateways.get(l.from) ?? parseObjectKey(l.from);
    if (l.relation !== 'binds' || !written) continue;
    const binding = { name: refName(written), ref: gateways.get(l.from) };
    bindings.set(l.to, [...(bindings.get(l.to) ?? []), binding]);
  }
  return bindings;
}

function RouteRow(props: {
  route: RouteInfo;
  cluster: string;
  /** The Gateways that bind the route's source. */
  gateways: BindingGateway[];
  /** How the engine found the route's source. */
  sourceFound: Found;
  matched: boolean;
}) {
  const classes = useStyles();
  const { route: r, cluster, matched } = props;
  const matches = r.match.map(describeMatch);
  return (
    <TableRow
      className={matched ? classes.matched : undefined}
      data-testid="route-row"
    >
      <TableCell>
        <div className={classes.index}>
          #{r.index + 1}
          {r.name ? ` ${r.name}` : ''}
        </div>
        <div className={classes.sub}>
          {r.protocol.toUpperCase()} in{' '}
          <ResourceButton cluster={cluster} resource={r.source} />
          <FoundByMarker found={props.sourceFound} />
        </div>
        {matched && <span className={classes.matchedLabel}>your request</span>}
      </TableCell>
      <TableCell className={classes.urlCell}>
        {r.externalUrls.length ? (
          <ul className={classes.urls}>
            {r.externalUrls.map(u => (
              <li key={u}>
                <ExternalLink href={u}>{u}</ExternalLink>
              </li>
            ))}
          </ul>
        ) : (
          <span className={classes.muted}>
            {r.gateways.every(g => g === 'mesh')
              ? 'inside the mesh only'
              : 'none (gateway not found)'}
          </span>
        )}
        {r.externalUrls.length === 0 && (
          <div className={classes.sub}>hosts {r.hosts.join(', ')}</div>
        )}
      </TableCell>
      <TableCell className={classes.gatewayCell}>
        {r.gateways.map(g => {
          // Istio or Gateway API: the chain's links know which.
          const ref = props.gateways.find(b => b.name === g)?.ref;
          let content;
          if (g === 'mesh') content = <span>mesh (sidecars)</span>;
          else if (ref)
            content = <ResourceButton cluster={cluster} resource={ref} />;
          else
            content = (
              <span>
                {g} <span className={classes.muted}>(not found)</span>
              </span>
            );
          return <div key={g}>{content}</div>;
        })}
      </TableCell>
      <TableCell className={classes.matchCell}>
        {matches.length === 0 ? (
          <span>everything</span>
        ) : (
          <ul className={classes.matchList}>
            {matches.map((m, i) => (
              <li key={i}>
                {i > 0 && <div className={classes.or}>or</div>}
                {m.length ? m.join(' and ') : 'everything'}
              </li>
            ))}
          </ul>
        )}
      </TableCell>
      <TableCell>
        {r.destinations.map((d, i) => (
          <Destination
            key={`${d.fqdn}/${d.subset}/${i}`}
            d={d}
            cluster={cluster}
          />
        ))}
        {r.redirect && (
          <div>
            Redirect {r.redirect.redirectCode ?? 301} to{' '}
            <Code>
              {r.redirect.scheme ? `${r.redirect.scheme}://` : ''}
              {r.redirect.authority ?? ''}
              {r.redirect.uri ?? ''}
            </Code>
          </div>
        )}
        {r.directResponse && (
          <div>Answers {r.directResponse.status} itself</div>
        )}
        {r.mirror && (
          <div className={classes.note}>
            Mirrors {r.mirror.percent ?? 100}% to {r.mirror.host}
            {r.mirror.subset ? ` (${r.mirror.subset})` : ''}
          </div>
        )}
        {r.fault && (
          <div className={classes.note}>
            Fault injection:
            {r.fault.delay &&
              ` delay ${r.fault.delay} for ${r.fault.delayPercent ?? 100}%`}
            {r.fault.abortStatus &&
              ` abort ${r.fault.abortStatus} for ${
                r.fault.abortPercent ?? 100
              }%`}
          </div>
        )}
      </TableCell>
      <TableCell>
        {r.rewrite?.uri !== undefined && (
          <div>
            path → <Code>{r.rewrite.uri}</Code>
          </div>
        )}
        {r.rewrite?.uriRegex && (
          <div>
            path <Code>{r.rewrite.uriRegex.match}</Code> →{' '}
            <Code>{r.rewrite.uriRegex.rewrite}</Code>
          </div>
        )}
        {r.rewrite?.authority && (
          <div>
            host → <Code>{r.rewrite.authority}</Code>
          </div>
        )}
        {!r.rewrite && <span className={classes.muted}>—</span>}
      </TableCell>
      <TableCell>
        <div className={classes.nowrap}>
          <span className={classes.muted}>timeout </span>
          {r.timeout ?? (
            <span title="Istio sets no timeout by default">none</span>
          )}
        </div>
        {r.protocol === 'http' && (
          <div>
            <span className={classes.muted}>retries </span>
            {retriesText(r)}
          </div>
        )}
      </TableCell>
    </TableRow>
  );
}

/** One row per route, in the order they are tried. */
export function RoutesSection(props: {
  chain: ClusterChain;
  matchedRouteId?: string;
}) {
  const classes = useStyles();
  const { chain, matchedRouteId } = props;
  const cluster = chain.cluster.name;
  const gateways = bindingGateways(chain);
  const sources = new Map(
    [...chain.virtualServices, ...chain.httpRoutes].map(s => [
      objectKey(s.ref),
      s,
    ]),
  );
  // Group by source, keep each source's order.
  const routes = [...chain.routes].sort(
    (a, b) =>
      `${a.source.namespace}/${a.source.name}`.localeCompare(
        `${b.source.namespace}/${b.source.name}`,
      ) || a.index - b.index,
  );
  let body;
  if (!chain.istio && !chain.gatewayApi) {
    body = (
      <Typography variant="body2">
        Neither Istio nor the Gateway API is installed in this cluster, so there
        are no routes: traffic reaches the Service directly.
      </Typography>
    );
  } else if (routes.length === 0) {
    body = (
      <Typography variant="body2">
        No VirtualService or HTTPRoute sends traffic to this component’s
        Services, so nothing outside the cluster reaches it through the mesh.
      </Typography>
    );
  } else {
    body = (
      <div className={classes.scroll}>
        <Table
          size="small"
          className={classes.table}
          aria-label={`Routes in ${cluster}`}
        >
          <TableHead>
            <TableRow>
              <TableCell>Route</TableCell>
              <TableCell>External URL</TableCell>
              <TableCell>Gateway</TableCell>
              <TableCell>Match</TableCell>
              <TableCell>Destinations</TableCell>
              <TableCell>Rewrite</TableCell>
              <TableCell>Timeout, retries</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {routes.map(r => (
              <RouteRow
                key={r.id}
                route={r}
                cluster={cluster}
                gateways={gateways.get(objectKey(r.source)) ?? []}
                sourceFound={sources.get(objectKey(r.source)) ?? {}}
                matched={r.id === matchedRouteId}
              />
            ))}
          </TableBody>
        </Table>
      </div>
    );
  }
  return (
    <SectionCard
      title="Routes"
      id={domId(cluster, 'routes')}
      subtitle={
        routes.length > 1
          ? 'Tried top to bottom; the first match wins.'
          : undefined
      }
    >
      {body}
    </SectionCard>
  );
}
