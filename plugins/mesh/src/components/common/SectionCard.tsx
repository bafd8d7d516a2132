import { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';

const useStyles = makeStyles(theme => ({
  card: {
    padding: theme.spacing(2, 2.5),
    borderRadius: 8,
    boxSizing: 'border-box',
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1.5),
    flexWrap: 'wrap',
  },
  title: {
    fontSize: '1.05rem',
    fontWeight: 600,
  },
  subtitle: { color: theme.palette.text.secondary },
}));

/**
 * A titled card for a section of the tab; a `section` landmark labelled by
 * its heading, so screen-reader users can jump between sections.
 */
export function SectionCard(props: {
  title: string;
  id: string;
  subtitle?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const classes = useStyles();
  const headingId = `${props.id}-heading`;
  return (
    <Paper
      component="section"
      aria-labelledby={headingId}
      className={`${classes.card} ${props.className ?? ''}`}
      variant="outlined"
    >
      <div className={classes.header}>
        <div>
          <Typography
            variant="h6"
            component="h3"
            id={headingId}
            className={classes.title}
          >
            {props.title}
          </Typography>
          {props.subtitle && (
            <Typography variant="body2" className={classes.subtitle}>
              {props.subtitle}
            </Typography>
          )}
        </div>
        {props.action}
      </div>
      {props.children}
    </Paper>
  );
}
