import { makeStyles, useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  ClusterChain,
  Health,
  HpaInfo,
  HpaMetricInfo,
} from '@mesh-chain/plugin-mesh-common';
import {
  describeHpaCondition,
  describeMetric,
  formatAge,
  formatTimestamp,
  metricValues,
} from '../../utils/format';
import { domId } from '../../utils/domId';
import { ConditionList } from '../common/ConditionList';
import { Fields } from '../common/Fields';
import { HealthIcon } from '../common/HealthIcon';
import { Labels } from '../common/Labels';
import { MeterBar } from '../common/MeterBar';
import { FoundByMarker } from '../common/FoundBy';
import { ResourceButton } from '../common/ResourceButton';
import { SectionCard } from '../common/SectionCard';
import { useNow } from '../../hooks/useNow';
import { VisuallyHidden } from '../common/VisuallyHidden';

const useStyles = makeStyles(theme => ({
  range: { margin: theme.spacing(1, 0, 2.5) },
  rangeText: { marginBottom: theme.spacing(1) },
  big: {
    fontSize: '1.5rem',
    fontWeight: 700,
    fontVariantNumeric: 'tabular-nums',
  },
  track: {
    position: 'relative',
    height: 10,
    borderRadius: 5,
    background: theme.palette.action.selected,
  },
  belowMin: {
    position: 'absolute',
    left: 0,
    top: 0,
    bottom: 0,
    borderRadius: '5px 0 0 5px',
    backgroundImage: `repeating-linear-gradient(45deg, ${theme.palette.action.disabledBackground} 0 4px, transparent 4px 8px)`,
  },
  fill: {
    position: 'absolute',
    left: 0,
    top: 0,
    bottom: 0,
    borderRadius: 5,
    transition: 'width 400ms ease',
  },
  desired: {
    position: 'absolute',
    top: -4,
    width: 4,
    height: 18,
    marginLeft: -2,
    borderRadius: 2,
    background: theme.palette.text.primary,
  },
  scale: {
    position: 'relative',
    height: 18,
    fontSize: '0.72rem',
    color: theme.palette.text.secondary,
    marginTop: 4,
  },
  tick: {
    position: 'absolute',
    transform: 'translateX(-50%)',
    whiteSpace: 'nowrap',
  },
  metricName: { fontWeight: 600 },
  metricSub: { fontSize: '0.75rem', color: theme.palette.text.secondary },
  bar: { width: 120 },
  hpa: {
    '& + &': {
      marginTop: theme.spacing(3),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
}));

const TOLERANCE = 0.1;

function metricStatus(
  m: HpaMetricInfo,
  hpa: HpaInfo,
): { health: Health; text: string } {
  const { ratio } = metricValues(m);
  if (ratio === undefined) return { health: 'warning', text: 'cannot be read' };
  if (ratio > 1 + TOLERANCE)
    return hpa.currentReplicas >= hpa.maxReplicas
      ? { health: 'error', text: 'above target, already at max' }
      : { health: 'warning', text: 'above target: scaling up' };
  if (ratio < 1 - TOLERANCE)
    return hpa.currentReplicas <= hpa.minReplicas
      ? { health: 'ok', text: 'below target, at min' }
      : { health: 'ok', text: 'below target: may scale down' };
  return { health: 'ok', text: 'on target' };
}

function ReplicaRange(props: { hpa: HpaInfo }) {
  const classes = useStyles();
  const theme = useTheme();
  const { hpa } = props;
  const max = Math.max(
    hpa.maxReplicas,
    hpa.currentReplicas,
    hpa.desiredReplicas,
    1,
  );
  const pct = (v: number) => `${(Math.min(v, max) / max) * 100}%`;
  const atMax = hpa.currentReplicas >= hpa.maxReplicas;
  const color = atMax
    ? theme.palette.status.warning
    : theme.palette.primary.main;
  return (
    <div className={classes.range}>
      <Typography variant="body2" className={classes.rangeText}>
        <span className={classes.big}>{hpa.currentReplicas}</span>{' '}
        {hpa.currentReplicas === 1 ? 'replica' : 'replicas'} now
        {hpa.desiredReplicas !== hpa.currentReplicas ? (
          <>
            , wants <strong>{hpa.desiredReplicas}</strong>
          </>
        ) : (
          ', as wanted'
        )}{' '}
        · min {hpa.minReplicas} · max {hpa.maxReplicas}
        {atMax && <strong> · at maximum</strong>}
      </Typography>
      <div aria-hidden>
        <div className={classes.track}>
          <div
            className={classes.belowMin}
            style={{ width: pct(hpa.minReplicas) }}
          />
          <div
            className={classes.fill}
            style={{ width: pct(hpa.currentReplicas), background: color }}
          />
          <div
            className={classes.desired}
            style={{ left: pct(hpa.desiredReplicas) }}
            title={`wants ${hpa.desiredReplicas}`}
          />
        </div>
        <div className={classes.scale}>
          <span className={classes.tick} style={{ left: 0, transform: 'none' }}>
            0
          </span>
          {hpa.minReplicas > 0 && (
            <span
              className={classes.tick}
              style={{ left: pct(hpa.minReplicas) }}
            >
              min {hpa.minReplicas}
            </span>
          )}
          <span
            className={classes.tick}
            style={{
              left: pct(hpa.maxReplicas),
              transform: 'translateX(-100%)',
            }}
          >
            max {hpa.maxReplicas}
          </span>
        </div>
      </div>
    </div>
  );
}

/** One HPA: range, every metric current vs target, conditions, last scale. */
export function HpaDetails(props: { hpa: HpaInfo; cluster: string }) {
  const classes = useStyles();
  const theme = useTheme();
  const now = useNow(15_000);
  const { hpa, cluster } = props;
  return (
    <div>
      <ReplicaRange hpa={hpa} />
      {hpa.metrics.length === 0 ? (
        <Typography variant="body2">
          No metrics: it keeps the replica count at its minimum.
        </Typography>
      ) : (
        <Table size="small" aria-label={`Metrics of ${hpa.ref.name}`}>
          <TableHead>
            <TableRow>
              <TableCell>Metric</TableCell>
              <TableCell align="right">Current</TableCell>
              <TableCell align="right">Target</TableCell>
              <TableCell>
                <VisuallyHidden>Usage of target</VisuallyHidden>
              </TableCell>
              <TableCell>Status</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {hpa.metrics.map((m, i) => {
              const v = metricValues(m);
              const status = metricStatus(m, hpa);
              return (
                <TableRow key={`${m.type}/${m.name}/${i}`}>
                  <TableCell>
                    <div className={classes.metricName}>
                      {describeMetric(m)}
                    </div>
                    <div className={classes.metricSub}>
                      {m.type}
                      {m.target.type === 'Utilization' ? ', utilization' : ''}
                      {m.target.type === 'AverageValue'
                        ? ', average value'
                        : ''}
                      {m.target.type === 'Value' ? ', value' : ''}
                    </div>
                    {m.selector && <Labels labels={m.selector} />}
                  </TableCell>
                  <TableCell align="right">{v.current ?? '—'}</TableCell>
                  <TableCell align="right">{v.target}</TableCell>
                  <TableCell className={classes.bar}>
                    {v.ratio !== undefined && (
                      <MeterBar
                        value={v.ratio}
                        max={Math.max(1.5, v.ratio)}
                        marker={1}
                        color={
                          v.ratio > 1 + TOLERANCE
                            ? theme.palette.status.warning
                            : theme.palette.status.ok
                        }
                      />
                    )}
                  </TableCell>
                  <TableCell>
                    <HealthIcon health={status.health} /> {status.text}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      <ConditionList
        conditions={hpa.conditions}
        title="Conditions"
        describe={describeHpaCondition}
        now={now}
      />
      <Fields
        className={classes.range}
        items={[
          [
            'Scales',
            hpa.target ? (
              <ResourceButton
                cluster={cluster}
                resource={hpa.target}
                withKind
              />
            ) : (
              `${hpa.scaleTargetRef.kind} ${hpa.scaleTargetRef.name} (not found)`
            ),
          ],
          [
            'Last scaled',
            hpa.lastScaleTime
              ? `${formatAge(
                  now - new Date(hpa.lastScaleTime).getTime(),
                )} (${formatTimestamp(hpa.lastScaleTime)})`
              : 'never',
          ],
          [
            'Behavior',
            hpa.behavior ? 'custom scaling policies (see YAML)' : 'defaults',
          ],
        ]}
      />
    </div>
  );
}

/** The HPAs of a cluster's chain. */
export function AutoscalingSection(props: { chain: ClusterChain }) {
  const classes = useStyles();
  const { chain } = props;
  const cluster = chain.cluster.name;
  return (
    <SectionCard title="Autoscaling" id={domId(cluster, 'autoscaling')}>
      {chain.hpas.length === 0 ? (
        <Typography variant="body2">
          No HorizontalPodAutoscaler scales these Deployments; their replica
          counts stay at spec.replicas.
        </Typography>
      ) : (
        chain.hpas.map(h => (
          <div key={h.ref.name} className={classes.hpa}>
            <Typography variant="subtitle2" component="h4" gutterBottom>
              <ResourceButton cluster={cluster} resource={h.ref} withKind />
              <FoundByMarker found={h} />
            </Typography>
            <HpaDetails hpa={h} cluster={cluster} />
          </div>
        ))
      )}
    </SectionCard>
  );
}
