import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  track: {
    position: 'relative',
    height: 8,
    borderRadius: 4,
    background: theme.palette.action.selected,
    overflow: 'hidden',
    minWidth: 60,
  },
  fill: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    left: 0,
    borderRadius: 4,
    transition: 'width 400ms ease',
  },
  marker: {
    position: 'absolute',
    top: -2,
    bottom: -2,
    width: 2,
    background: theme.palette.text.primary,
  },
}));

/**
 * A small horizontal bar: `value` of `max`, optionally with a marker (a
 * target) and a colour. Decorative: the numbers are always written next to it.
 */
export function MeterBar(props: {
  value: number;
  max: number;
  marker?: number;
  color: string;
  className?: string;
}) {
  const classes = useStyles();
  const { value, max, marker, color } = props;
  const pct = (v: number) =>
    `${Math.max(0, Math.min(100, max > 0 ? (v / max) * 100 : 0))}%`;
  return (
    <div className={`${classes.track} ${props.className ?? ''}`} aria-hidden>
      <div
        className={classes.fill}
        style={{ width: pct(value), background: color }}
      />
      {marker !== undefined && (
        <div className={classes.marker} style={{ left: pct(marker) }} />
      )}
    </div>
  );
}
