import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { Condition } from '@mesh-chain/plugin-mesh-common';
import { formatAge, isConditionBad } from '../../utils/format';
import { HealthIcon } from './HealthIcon';

const useStyles = makeStyles(theme => ({
  title: {
    fontSize: '0.8rem',
    fontWeight: 600,
    color: theme.palette.text.secondary,
    margin: theme.spacing(2, 0, 0.5),
  },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'grid',
    gridTemplateColumns: '20px 1fr',
    columnGap: theme.spacing(1),
    padding: theme.spacing(0.75, 0),
    '& + &': { borderTop: `1px solid ${theme.palette.divider}` },
  },
  type: { fontWeight: 600, fontSize: '0.8rem' },
  text: { fontSize: '0.85rem' },
  meta: { fontSize: '0.75rem', color: theme.palette.text.secondary },
}));

/**
 * Kubernetes conditions, each in words: what it means (`describe`, or the
 * condition's own message), with type, status and reason for reference.
 */
export function ConditionList(props: {
  conditions: Condition[];
  title: string;
  describe?: (c: Condition) => string;
  now?: number;
}) {
  const classes = useStyles();
  const { conditions, describe, now = Date.now() } = props;
  return (
    <div>
      <Typography component="h5" className={classes.title}>
        {props.title}
      </Typography>
      <ul className={classes.list}>
        {conditions.map(c => {
          const bad = isConditionBad(c);
          const since = c.lastTransitionTime
            ? ` · since ${formatAge(
                now - new Date(c.lastTransitionTime).getTime(),
              )}`
            : '';
          return (
            <li key={c.type} className={classes.item}>
              <HealthIcon
                health={bad ? 'warning' : 'ok'}
                title={bad ? 'Needs attention' : 'Fine'}
              />
              <div>
                <div className={classes.text}>
                  {describe ? describe(c) : c.message ?? c.reason ?? c.status}
                </div>
                <div className={classes.meta}>
                  {c.type}: {c.status}
                  {c.reason ? ` (${c.reason})` : ''}
                  {since}
                </div>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
