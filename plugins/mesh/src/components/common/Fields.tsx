import { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'grid',
    gridTemplateColumns: 'minmax(8rem, max-content) 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.75),
    margin: 0,
    alignItems: 'baseline',
  },
  term: {
    color: theme.palette.text.secondary,
    fontSize: theme.typography.body2.fontSize,
  },
  value: {
    margin: 0,
    fontSize: theme.typography.body2.fontSize,
    minWidth: 0,
    overflowWrap: 'anywhere',
  },
}));

/** Label/value pairs as a description list. Empty values are left out. */
export function Fields(props: {
  items: Array<[string, ReactNode | undefined | null | false]>;
  className?: string;
}) {
  const classes = useStyles();
  const items = props.items.filter(
    ([, v]) => v !== undefined && v !== null && v !== false && v !== '',
  );
  return (
    <dl className={`${classes.list} ${props.className ?? ''}`}>
      {items.map(([label, value]) => (
        <div key={label} style={{ display: 'contents' }}>
          <dt className={classes.term}>{label}</dt>
          <dd className={classes.value}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
