import { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import LaunchIcon from '@material-ui/icons/Launch';
import { VisuallyHidden } from './VisuallyHidden';

const useStyles = makeStyles(theme => ({
  link: {
    color: theme.palette.link ?? theme.palette.primary.main,
    textDecoration: 'none',
    overflowWrap: 'anywhere',
    '&:hover': { textDecoration: 'underline' },
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
      borderRadius: 2,
    },
  },
  icon: { fontSize: '0.85em', marginLeft: 2, verticalAlign: 'middle' },
}));

/** A link that opens outside Backstage, in a new tab, and says so. */
export function ExternalLink(props: { href: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <a
      href={props.href}
      target="_blank"
      rel="noopener noreferrer"
      className={classes.link}
    >
      {props.children}
      <LaunchIcon className={classes.icon} aria-hidden />
      <VisuallyHidden> (opens in a new tab)</VisuallyHidden>
    </a>
  );
}
