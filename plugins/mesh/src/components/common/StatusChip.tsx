import { makeStyles } from '@material-ui/core/styles';
import type { Health } from '@mesh-chain/plugin-mesh-common';
import { HealthIcon } from './HealthIcon';

const useStyles = makeStyles(theme => ({
  chip: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: 4,
    padding: '1px 8px 1px 4px',
    borderRadius: 12,
    fontSize: '0.75rem',
    fontWeight: 600,
    lineHeight: '20px',
    border: `1px solid ${theme.palette.divider}`,
    whiteSpace: 'nowrap',
  },
}));

/** A rounded label with a health icon, e.g. "stalled". */
export function StatusChip(props: { health: Health; label: string }) {
  const classes = useStyles();
  return (
    <span className={classes.chip}>
      <HealthIcon health={props.health} fontSize="inherit" />
      {props.label}
    </span>
  );
}
