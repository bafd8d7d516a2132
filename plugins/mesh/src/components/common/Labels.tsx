import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  item: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    padding: '1px 6px',
    borderRadius: 4,
    background: theme.palette.action.hover,
    border: `1px solid ${theme.palette.divider}`,
  },
}));

/** `key=value` pairs, e.g. a selector. */
export function Labels(props: { labels?: Record<string, string> }) {
  const classes = useStyles();
  const entries = Object.entries(props.labels ?? {});
  if (!entries.length) return <span>none</span>;
  return (
    <ul className={classes.list}>
      {entries.map(([k, v]) => (
        <li key={k} className={classes.item}>
          {k}={v}
        </li>
      ))}
    </ul>
  );
}

/** Inline code. */
export function Code(props: { children: React.ReactNode }) {
  const classes = useStyles();
  return <code className={classes.item}>{props.children}</code>;
}
