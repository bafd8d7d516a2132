import { useEffect, useState } from 'react';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  ClusterChain,
  TrafficHistoryResponse,
} from '@mesh-chain/plugin-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { meshApiRef } from '../../api';

const WINDOWS = ['5m', '15m', '1h', '6h'] as const;

const useStyles = makeStyles(theme => ({
  head: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    margin: theme.spacing(2, 0, 1),
  },
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(420px, 1fr))',
    gap: theme.spacing(2),
  },
  chart: { minWidth: 0 },
  note: { color: theme.palette.text.secondary },
}));

const time = (t: number) =>
  new Date(t * 1000).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });

type ClusterPart = TrafficHistoryResponse['clusters'][number];

function RouteChart(props: {
  title: string;
  route: ClusterPart['routes'][number];
}) {
  const classes = useStyles();
  const theme = useTheme();
  const { route } = props;
  const colors = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.info?.main ?? '#888',
    '#8e44ad',
  ];
  const data = route.points.map((p, i) => ({
    t: p.t,
    rps: p.rps,
    errors5xx: p.errors5xx,
    p95: p.p95Ms,
    ...Object.fromEntries(
      route.destinations.map(d => [d.subset ?? d.fqdn, d.points[i]?.rps ?? 0]),
    ),
  }));
  return (
    <figure className={classes.chart} data-testid="traffic-chart">
      <Typography variant="subtitle2" component="figcaption">
        {props.title}
      </Typography>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart
          data={data}
          margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="t" tickFormatter={time} minTickGap={40} />
          <YAxis yAxisId="rps" width={40} />
          <YAxis
            yAxisId="pct"
            orientation="right"
            width={36}
            unit="%"
            domain={[0, 100]}
          />
          <Tooltip labelFormatter={t => time(Number(t))} />
          <Legend />
          {route.destinations.length > 1 &&
            route.destinations.map((d, i) => (
              <Line
                key={d.subset ?? d.fqdn}
                yAxisId="rps"
                dataKey={d.subset ?? d.fqdn}
                name={`${d.subset ?? d.fqdn} req/s`}
                stroke={colors[i % colors.length]}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          <Line
            yAxisId="rps"
            dataKey="rps"
            name="req/s"
            stroke={theme.palette.text.primary}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="pct"
            dataKey="errors5xx"
            name="5xx %"
            stroke={theme.palette.status.error}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function AutoscalerChart(props: {
  autoscaler: ClusterPart['autoscalers'][number];
}) {
  const classes = useStyles();
  const theme = useTheme();
  const { autoscaler } = props;
  return (
    <figure className={classes.chart} data-testid="autoscaler-chart">
      <Typography variant="subtitle2" component="figcaption">
        Autoscaler {autoscaler.ref.name}: replicas, and its metric against the
        target
      </Typography>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart
          data={autoscaler.points}
          margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="t" tickFormatter={time} minTickGap={40} />
          <YAxis yAxisId="replicas" width={30} allowDecimals={false} />
          <YAxis yAxisId="metric" orientation="right" width={40} />
          <Tooltip labelFormatter={t => time(Number(t))} />
          <Legend />
          <Line
            yAxisId="replicas"
            dataKey="currentReplicas"
            name="replicas"
            stroke={theme.palette.primary.main}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="replicas"
            dataKey="maxReplicas"
            name="max"
            stroke={theme.palette.status.warning}
            strokeDasharray="4 4"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="metric"
            dataKey="current"
            name="metric"
            stroke={theme.palette.secondary.main}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="metric"
            dataKey="target"
            name="target"
            stroke={theme.palette.text.secondary}
            strokeDasharray="2 4"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Charts of the chain's routes and autoscalers over a chosen window. */
export function TrafficChart(props: { chain: ClusterChain }) {
  const classes = useStyles();
  const { chain } = props;
  const api = useApi(meshApiRef);
  const { entity } = useEntity();
  const [window, setWindow] = useState<string>('15m');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick(x => x + 1), 30_000);
    return () => clearInterval(timer);
  }, []);
  const cluster = chain.cluster.name;
  const { value, error } = useAsync(
    async () =>
      api.getTraffic
        ? api.getTraffic(getCompoundEntityRef(entity), { window, cluster })
        : undefined,
    [api, entity, window, cluster, tick],
  );
  if (!api.getTraffic) return null;
  const part = value?.clusters.find(c => c.cluster === cluster);
  const label = (routeId: string) => {
    const r = chain.routes.find(x => x.id === routeId);
    return r ? `${r.source.name} ${r.protocol}[${r.index}]` : routeId;
  };
  return (
    <section aria-label={`Traffic charts in ${cluster}`}>
      <div className={classes.head}>
        <Typography variant="subtitle1" component="h3">
          Over time
        </Typography>
        <TextField
          select
          size="small"
          label="Window"
          value={window}
          onChange={e => setWindow(e.target.value)}
          inputProps={{ 'aria-label': 'Chart window' }}
        >
          {WINDOWS.map(w => (
            <MenuItem key={w} value={w}>
              {w}
            </MenuItem>
          ))}
        </TextField>
      </div>
      {error && (
        <Typography variant="body2" className={classes.note}>
          The charts could not be loaded: {error.message}
        </Typography>
      )}
      {part?.state === 'error' && (
        <Typography variant="body2" className={classes.note}>
          {part.message}
        </Typography>
      )}
      {part?.state === 'ok' && (
        <div className={classes.grid}>
          {part.routes.map(r => (
            <RouteChart key={r.routeId} title={label(r.routeId)} route={r} />
          ))}
          {part.autoscalers.map(a => (
            <AutoscalerChart key={a.ref.name} autoscaler={a} />
          ))}
        </div>
      )}
    </section>
  );
}
