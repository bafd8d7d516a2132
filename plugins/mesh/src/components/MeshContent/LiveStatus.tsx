import { makeStyles } from '@material-ui/core/styles';
import CircularProgress from '@material-ui/core/CircularProgress';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useNow } from '../../hooks/useNow';
import { formatAge } from '../../utils/format';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    fontSize: '0.85rem',
    color: theme.palette.text.secondary,
    whiteSpace: 'nowrap',
  },
  dot: {
    width: 8,
    height: 8,
    borderRadius: '50%',
    background: theme.palette.text.disabled,
  },
  live: {
    background: theme.palette.status.ok,
    boxShadow: `0 0 0 3px ${theme.palette.status.ok}33`,
  },
  label: { fontWeight: 600, color: theme.palette.text.primary },
}));

/** "Live · updated 12 s ago" and a refresh button. */
export function LiveStatus(props: {
  live: boolean;
  updatedAt?: number;
  refreshing: boolean;
  onRefresh: () => void;
}) {
  const classes = useStyles();
  const now = useNow(1000);
  const { live, updatedAt, refreshing, onRefresh } = props;
  return (
    <div className={classes.root} data-testid="live-status">
      <Tooltip
        title={
          live
            ? 'Changes in the clusters are pushed to this page as they happen.'
            : 'Live updates are off (the signals plugin is not installed); use refresh.'
        }
      >
        <span style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
          <span
            className={`${classes.dot} ${live ? classes.live : ''}`}
            aria-hidden
          />
          <span className={classes.label}>
            {live ? 'Live' : 'Live updates off'}
          </span>
        </span>
      </Tooltip>{' '}
      {updatedAt !== undefined && (
        <span>
          · updated{' '}
          <time dateTime={new Date(updatedAt).toISOString()}>
            {formatAge(now - updatedAt)}
          </time>
        </span>
      )}
      {refreshing ? (
        <CircularProgress size={20} aria-label="Refreshing" />
      ) : (
        <Tooltip title="Refresh now">
          <IconButton size="small" aria-label="Refresh" onClick={onRefresh}>
            <RefreshIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
    </div>
  );
}
