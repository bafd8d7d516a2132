import { Fragment } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { WarningPanel } from '@backstage/core-components';
import {
  ClusterChain,
  describeResponse,
  RouteTraffic,
  TrafficFigures,
  TrafficHealth,
} from '@mesh-chain/plugin-mesh-common';
import { domId } from '../../utils/domId';
import { formatTimestamp } from '../../utils/format';
import { SectionCard } from '../common/SectionCard';
import { TrafficChart } from '../TrafficChart';

const useStyles = makeStyles(theme => ({
  destination: { paddingLeft: theme.spacing(4) },
  num: { textAlign: 'right', whiteSpace: 'nowrap' },
  healthy: { color: theme.palette.status.ok, fontWeight: 600 },
  degraded: { color: theme.palette.status.warning, fontWeight: 600 },
  failure: { color: theme.palette.status.error, fontWeight: 600 },
  idle: { color: theme.palette.text.secondary },
  note: { color: theme.palette.text.secondary, marginTop: theme.spacing(1) },
  diagnostic: { marginTop: theme.spacing(1) },
}));

const HEALTH_LABEL: Record<TrafficHealth, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  failure: 'failing',
  idle: 'no traffic',
};

const num = (n: number, digits = 2) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits });
const ms = (n?: number) => (n === undefined ? '–' : `${num(n, 1)} ms`);

function routeLabel(chain: ClusterChain, routeId: string): string {
  const route = chain.routes.find(r => r.id === routeId);
  if (!route) return routeId;
  return `${route.source.name} ${route.protocol}[${route.index}]${
    route.name ? ` "${route.name}"` : ''
  }`;
}

function Figures(props: { f: TrafficFigures }) {
  const classes = useStyles();
  const { f } = props;
  return (
    <>
      <TableCell className={classes.num}>{num(f.rps)}</TableCell>
      <TableCell className={classes.num}>{num(f.errors5xx, 1)}%</TableCell>
      <TableCell className={classes.num}>{num(f.errors4xx, 1)}%</TableCell>
      <TableCell className={classes.num}>
        {ms(f.latencyMs?.p50)} / {ms(f.latencyMs?.p95)} / {ms(f.latencyMs?.p99)}
      </TableCell>
      <TableCell>
        <span className={classes[f.health]} data-traffic-health={f.health}>
          {HEALTH_LABEL[f.health]}
        </span>
      </TableCell>
    </>
  );
}

function responses(f: TrafficFigures): string {
  return f.responses
    .filter(r => r.code !== '200')
    .map(r => `${describeResponse(r)}: ${num(r.rps)} rps`)
    .join('; ');
}

function RouteRows(props: { chain: ClusterChain; route: RouteTraffic }) {
  const classes = useStyles();
  const { chain, route } = props;
  return (
    <>
      <TableRow data-testid="traffic-route">
        <TableCell>
          <strong>{routeLabel(chain, route.routeId)}</strong>
        </TableCell>
        <TableCell />
        <Figures f={route} />
      </TableRow>
      {route.destinations.map(d => (
        <TableRow
          key={`${d.fqdn}/${d.subset ?? ''}`}
          data-testid="traffic-destination"
        >
          <TableCell className={classes.destination}>
            {d.subset ? `subset ${d.subset} · ` : ''}
            {d.fqdn}
            {responses(d) && (
              <Typography variant="caption" component="div">
                {responses(d)}
              </Typography>
            )}
          </TableCell>
          <TableCell className={classes.num}>
            {num(d.share, 1)}% (weight {d.weight}%)
          </TableCell>
          <Figures f={d} />
        </TableRow>
      ))}
    </>
  );
}

/** What the traffic does on each route, from the cluster's Prometheus. */
export function TrafficSection(props: { chain: ClusterChain }) {
  const classes = useStyles();
  const { chain } = props;
  const t = chain.telemetry;
  const id = domId(chain.cluster.name, 'traffic');
  if (!t) {
    return (
      <SectionCard title="Traffic" id={id}>
        <Typography variant="body2" className={classes.note}>
          No traffic figures: no Prometheus is configured for this cluster
          (mesh.telemetry in the backend's configuration).
        </Typography>
      </SectionCard>
    );
  }
  return (
    <SectionCard
      title="Traffic"
      id={id}
      subtitle={
        t.state === 'ok' && t.measuredAt
          ? `Requests per second over the last ${
              t.windowSeconds
            } s, measured ${formatTimestamp(
              t.measuredAt,
            )}. Health from error rates: 5xx degraded above ${
              t.tolerances.find(x => x.code === '5xx')?.degraded ?? 0
            }%, failing above ${
              t.tolerances.find(x => x.code === '5xx')?.failure ?? 10
            }%; 4xx ${
              t.tolerances.find(x => x.code === '4xx')?.degraded ?? 10
            }% and ${t.tolerances.find(x => x.code === '4xx')?.failure ?? 20}%.`
          : undefined
      }
    >
      {t.state === 'error' && (
        <WarningPanel
          severity="warning"
          title="Traffic figures are missing for this cluster"
          message={t.message}
        />
      )}
      {t.state === 'loading' && (
        <Typography variant="body2" className={classes.note}>
          Asking Prometheus for the traffic; the figures appear by themselves.
        </Typography>
      )}
      {t.state === 'ok' && (
        <>
          {t.routes.length === 0 ? (
            <Typography variant="body2" className={classes.note}>
              The chain has no HTTP route to measure.
            </Typography>
          ) : (
            <Table size="small" aria-label={`Traffic in ${chain.cluster.name}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Route / destination</TableCell>
                  <TableCell className={classes.num}>Share</TableCell>
                  <TableCell className={classes.num}>req/s</TableCell>
                  <TableCell className={classes.num}>5xx</TableCell>
                  <TableCell className={classes.num}>4xx</TableCell>
                  <TableCell className={classes.num}>p50 / p95 / p99</TableCell>
                  <TableCell>Health</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {t.routes.map(r => (
                  <RouteRows key={r.routeId} chain={chain} route={r} />
                ))}
              </TableBody>
            </Table>
          )}
          {t.unrouted.map(u => (
            <Typography key={u.host} variant="body2" className={classes.note}>
              {num(u.rps)} req/s for {u.host} get 404 NR (no route) at the
              ingress gateway.
            </Typography>
          ))}
          {t.diagnostics.map((d, i) => (
            <Fragment key={`${d.code}/${i}`}>
              <div className={classes.diagnostic}>
                <WarningPanel
                  severity={d.severity === 'error' ? 'error' : 'warning'}
                  title={`${d.code} ${d.title}`}
                  message={`${d.message} ${d.fix}`}
                />
              </div>
            </Fragment>
          ))}
          <TrafficChart chain={chain} />
        </>
      )}
    </SectionCard>
  );
}
