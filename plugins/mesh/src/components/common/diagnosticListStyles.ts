/*
 * How a list of diagnostics looks, on the tab and on a template's form.
 */
import { makeStyles } from '@material-ui/core/styles';

export const useDiagnosticListStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'grid',
    gridTemplateColumns: '24px 1fr',
    columnGap: theme.spacing(1.5),
    padding: theme.spacing(1.5, 0),
    '& + &': { borderTop: `1px solid ${theme.palette.divider}` },
  },
  head: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'baseline',
    gap: theme.spacing(1),
  },
  severity: {
    fontSize: '0.7rem',
    fontWeight: 700,
    letterSpacing: '0.06em',
    textTransform: 'uppercase',
  },
  error: { color: theme.palette.status.error },
  warning: { color: theme.palette.warningText ?? theme.palette.status.warning },
  info: { color: theme.palette.info.main },
  code: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    color: theme.palette.text.secondary,
  },
  title: { fontWeight: 600 },
  fix: {
    marginTop: theme.spacing(1),
    padding: theme.spacing(1, 1.5),
    borderRadius: 6,
    background: theme.palette.action.hover,
    borderLeft: `3px solid ${theme.palette.primary.main}`,
  },
  none: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
}));
