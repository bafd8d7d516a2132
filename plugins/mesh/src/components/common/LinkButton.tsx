import { ButtonHTMLAttributes } from 'react';
import { makeStyles, Theme } from '@material-ui/core/styles';

/** How a link looks in the tab: link colour, underlined on hover, a focus ring. */
export function linkLook(theme: Theme) {
  return {
    color: theme.palette.link ?? theme.palette.primary.main,
    textDecoration: 'none',
    '&:hover': { textDecoration: 'underline' },
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
      borderRadius: 2,
    },
  };
}

const useStyles = makeStyles(theme => ({
  button: {
    display: 'inline',
    padding: 0,
    margin: 0,
    border: 0,
    background: 'none',
    font: 'inherit',
    fontSize: 'inherit',
    textAlign: 'left',
    cursor: 'pointer',
    ...linkLook(theme),
  },
}));

/** A button that looks like a link: it opens something on this page. */
export function LinkButton(props: ButtonHTMLAttributes<HTMLButtonElement>) {
  const classes = useStyles();
  const { className, ...rest } = props;
  return (
    <button
      type="button"
      className={`${classes.button} ${className ?? ''}`}
      {...rest}
    />
  );
}
