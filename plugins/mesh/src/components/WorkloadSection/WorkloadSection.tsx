import { makeStyles, useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type {
  ClusterChain,
  DeploymentInfo,
  Health,
  HpaInfo,
} from '@mesh-chain/plugin-mesh-common';
import { Fields } from '../common/Fields';
import { Code, Labels } from '../common/Labels';
import { MeterBar } from '../common/MeterBar';
import { FoundByMarker } from '../common/FoundBy';
import { ResourceButton } from '../common/ResourceButton';
import { SectionCard } from '../common/SectionCard';
import { StatusChip } from '../common/StatusChip';
import { ConditionList } from '../common/ConditionList';
import { domId } from '../../utils/domId';
import { autoscalerOf } from '../../utils/resolve';

const useStyles = makeStyles(theme => ({
  stats: {
    display: 'grid',
    gridTemplateColumns: 'repeat(4, minmax(0, 1fr))',
    gap: theme.spacing(1),
    margin: theme.spacing(0, 0, 2),
    padding: 0,
  },
  stat: {
    margin: 0,
    padding: theme.spacing(1, 1.5),
    borderRadius: 6,
    background: theme.palette.action.hover,
    display: 'flex',
    flexDirection: 'column-reverse',
  },
  statValue: {
    fontSize: '1.5rem',
    fontWeight: 700,
    lineHeight: 1.2,
    margin: 0,
    fontVariantNumeric: 'tabular-nums',
  },
  statLabel: {
    fontSize: '0.75rem',
    color: theme.palette.text.secondary,
  },
  statBad: { color: theme.palette.status.error },
  rollout: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
    flexWrap: 'wrap',
  },
  bars: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr max-content',
    alignItems: 'center',
    columnGap: theme.spacing(1),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(1, 0, 2),
    fontSize: '0.8rem',
  },
  images: { margin: 0, paddingLeft: theme.spacing(2) },
  deployment: {
    '& + &': {
      marginTop: theme.spacing(3),
      paddingTop: theme.spacing(2),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
  },
  hpaNote: { marginBottom: theme.spacing(1.5) },
}));

const rolloutText: Record<
  DeploymentInfo['rollout']['state'],
  [Health, string]
> = {
  complete: ['ok', 'Rollout complete'],
  progressing: ['warning', 'Rolling out'],
  stalled: ['error', 'Rollout stalled'],
  paused: ['warning', 'Rollout paused'],
};

function strategyText(d: DeploymentInfo): string {
  if (d.strategy.type === 'Recreate')
    return 'Recreate (all pods replaced at once)';
  const parts = [
    d.strategy.maxSurge !== undefined && `max surge ${d.strategy.maxSurge}`,
    d.strategy.maxUnavailable !== undefined &&
      `max unavailable ${d.strategy.maxUnavailable}`,
  ].filter(Boolean);
  return `Rolling update${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** One Deployment: replica counts, rollout, images, strategy, conditions. */
export function DeploymentDetails(props: {
  deployment: DeploymentInfo;
  cluster: string;
  hpa?: HpaInfo;
}) {
  const classes = useStyles();
  const theme = useTheme();
  const { deployment: d, cluster, hpa } = props;
  const r = d.replicas;
  const [health, label] = rolloutText[d.rollout.state];
  const stats: Array<[string, number, boolean]> = [
    ['Desired', r.desired, false],
    ['Updated', r.updated, r.updated < r.desired],
    ['Ready', r.ready, r.ready < r.desired],
    ['Available', r.available, r.available < r.desired],
  ];
  const outdated =
    d.generation !== undefined &&
    d.observedGeneration !== undefined &&
    d.observedGeneration < d.generation;
  return (
    <div>
      {hpa && (
        <Typography variant="body2" className={classes.hpaNote}>
          Scaled by{' '}
          <ResourceButton cluster={cluster} resource={hpa.ref} withKind />: it
          wants <strong>{hpa.desiredReplicas}</strong> (min {hpa.minReplicas},
          max {hpa.maxReplicas}).
        </Typography>
      )}
      <div role="group" aria-label="Replicas">
        <dl className={classes.stats}>
          {stats.map(([name, value, bad]) => (
            <div key={name} className={classes.stat}>
              <dd
                className={`${classes.statValue} ${bad ? classes.statBad : ''}`}
              >
                {value}
              </dd>
              <dt className={classes.statLabel}>{name}</dt>
            </div>
          ))}
        </dl>
      </div>
      <div className={classes.rollout}>
        <StatusChip health={health} label={label} />
        {r.unavailable > 0 && (
          <Typography variant="body2">{r.unavailable} unavailable</Typography>
        )}
        {outdated && (
          <Typography variant="body2">
            controller has not seen the latest change yet
          </Typography>
        )}
      </div>
      {d.rollout.message && (
        <Typography variant="body2" color="textSecondary">
          {d.rollout.message}
        </Typography>
      )}
      <div className={classes.bars} aria-hidden>
        <span>Updated</span>
        <MeterBar
          value={r.updated}
          max={Math.max(r.desired, r.current, 1)}
          color={theme.palette.primary.main}
        />
        <span>
          {r.updated}/{r.desired}
        </span>
        <span>Ready</span>
        <MeterBar
          value={r.ready}
          max={Math.max(r.desired, r.current, 1)}
          color={
            r.ready >= r.desired
              ? theme.palette.status.ok
              : theme.palette.status.warning
          }
        />
        <span>
          {r.ready}/{r.desired}
        </span>
      </div>
      <Fields
        items={[
          [
            d.images.length > 1 ? 'Images' : 'Image',
            d.images.length === 1 ? (
              <Code>{d.images[0]}</Code>
            ) : (
              <ul className={classes.images}>
                {d.images.map(i => (
                  <li key={i}>
                    <Code>{i}</Code>
                  </li>
                ))}
              </ul>
            ),
          ],
          ['Strategy', strategyText(d)],
          ['Pods exist', `${r.current}`],
          ['Selector', <Labels labels={d.selector} />],
        ]}
      />
      {d.conditions.length > 0 && (
        <ConditionList conditions={d.conditions} title="Conditions" />
      )}
    </div>
  );
}

/** The Deployments of a cluster's chain. */
export function WorkloadSection(props: { chain: ClusterChain }) {
  const classes = useStyles();
  const { chain } = props;
  const cluster = chain.cluster.name;
  return (
    <SectionCard title="Workload" id={domId(cluster, 'workload')}>
      {chain.deployments.length === 0 ? (
        <Typography variant="body2">
          No Deployment carries this component’s labels.
        </Typography>
      ) : (
        chain.deployments.map(d => (
          <div key={d.ref.name} className={classes.deployment}>
            <Typography variant="subtitle2" component="h4" gutterBottom>
              <ResourceButton cluster={cluster} resource={d.ref} withKind />
              <FoundByMarker found={d} />
            </Typography>
            <DeploymentDetails
              deployment={d}
              cluster={cluster}
              hpa={autoscalerOf(chain, d)}
            />
          </div>
        ))
      )}
    </SectionCard>
  );
}
