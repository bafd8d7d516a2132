import { makeStyles } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HelpIcon from '@material-ui/icons/Help';
import InfoIcon from '@material-ui/icons/Info';
import WarningIcon from '@material-ui/icons/Warning';
import type { Health, Severity } from '@mesh-chain/plugin-mesh-common';
import { healthLabel } from '../../utils/format';

const useStyles = makeStyles(theme => ({
  ok: { color: theme.palette.status.ok },
  warning: { color: theme.palette.status.warning },
  error: { color: theme.palette.status.error },
  unknown: { color: theme.palette.text.secondary },
  info: { color: theme.palette.info.main },
  icon: { verticalAlign: 'middle' },
}));

/**
 * An icon for a health or severity, coloured from the theme. The shape
 * differs per state, so it does not rely on colour alone; `title` gives it
 * an accessible name, otherwise it is hidden from screen readers.
 */
export function HealthIcon(props: {
  health: Health | Severity;
  title?: string;
  fontSize?: 'small' | 'inherit' | 'default' | 'large';
  className?: string;
}) {
  const classes = useStyles();
  const { health, title, fontSize = 'small' } = props;
  const Icon = {
    ok: CheckCircleIcon,
    warning: WarningIcon,
    error: ErrorIcon,
    unknown: HelpIcon,
    info: InfoIcon,
  }[health];
  const a11y = title
    ? { role: 'img', 'aria-label': title, 'aria-hidden': false }
    : { 'aria-hidden': true };
  return (
    <Icon
      fontSize={fontSize}
      className={`${classes[health]} ${classes.icon} ${props.className ?? ''}`}
      {...a11y}
    />
  );
}

export function healthTitle(health: Health): string {
  return healthLabel[health];
}
