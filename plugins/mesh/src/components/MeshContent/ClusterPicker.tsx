import { makeStyles } from '@material-ui/core/styles';
import type { ClusterChain } from '@mesh-chain/plugin-mesh-common';
import { HealthIcon } from '../common/HealthIcon';
import { clusterHealth } from '../ClusterView';
import { pluralize } from '../../utils/format';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    margin: theme.spacing(0, 0, 2),
    padding: 0,
    listStyle: 'none',
  },
  tile: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: 2,
    minWidth: 180,
    padding: theme.spacing(1, 1.5),
    borderRadius: 8,
    border: `1px solid ${theme.palette.divider}`,
    background: theme.palette.background.paper,
    color: theme.palette.text.primary,
    font: 'inherit',
    textAlign: 'left',
    cursor: 'pointer',
    '&:hover': { borderColor: theme.palette.text.secondary },
    '&:focus-visible': {
      outline: `3px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
    },
  },
  pressed: {
    borderColor: theme.palette.primary.main,
    boxShadow: `inset 0 0 0 1px ${theme.palette.primary.main}`,
    background: theme.palette.action.selected,
  },
  name: {
    display: 'flex',
    alignItems: 'center',
    gap: 6,
    fontWeight: 600,
    fontSize: '0.9rem',
  },
  sub: { fontSize: '0.78rem', color: theme.palette.text.secondary },
}));

function summary(chain: ClusterChain): string {
  if (chain.error) return `error: ${chain.error.reason}`;
  const ready = chain.deployments.reduce((n, d) => n + d.replicas.ready, 0);
  const desired = chain.deployments.reduce((n, d) => n + d.replicas.desired, 0);
  const problems = chain.diagnostics.filter(d => d.severity !== 'info').length;
  return `${ready}/${desired} ready · ${
    problems ? pluralize(problems, 'problem') : 'no problems'
  }`;
}

/** The clusters side by side; pick one, or all. */
export function ClusterPicker(props: {
  clusters: ClusterChain[];
  selected: string;
  onSelect: (cluster: string) => void;
}) {
  const classes = useStyles();
  const { clusters, selected, onSelect } = props;
  const tile = (key: string, content: React.ReactNode, label: string) => (
    <li key={key}>
      <button
        type="button"
        className={`${classes.tile} ${selected === key ? classes.pressed : ''}`}
        aria-pressed={selected === key}
        aria-label={label}
        onClick={() => onSelect(key)}
      >
        {content}
      </button>
    </li>
  );
  return (
    <ul className={classes.root} aria-label="Clusters">
      {tile(
        'all',
        <>
          <span className={classes.name}>All clusters</span>
          <span className={classes.sub}>
            {pluralize(clusters.length, 'cluster')}
          </span>
        </>,
        `All clusters (${clusters.length})`,
      )}
      {clusters.map(c => {
        const health = clusterHealth(c);
        const title = c.cluster.title ?? c.cluster.name;
        return tile(
          c.cluster.name,
          <>
            <span className={classes.name}>
              <HealthIcon health={health} />
              {title}
            </span>
            <span className={classes.sub}>{summary(c)}</span>
          </>,
          `${title}: ${summary(c)}`,
        );
      })}
    </ul>
  );
}
