import { ReactNode } from 'react';
import { makeStyles } from '@material-ui/core/styles';
import LaunchIcon from '@material-ui/icons/Launch';
import { linkLook } from './LinkButton';
import { VisuallyHidden } from './VisuallyHidden';

const useStyles = makeStyles(theme => ({
  link: { ...linkLook(theme), overflowWrap: 'anywhere' },
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
