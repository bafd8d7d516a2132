/*
 * How the engine found a resource of the chain (`foundBy`, `foundFrom` in
 * the answer): by the component's label selector, or by following a
 * reference from another object. Label is the usual case and goes
 * unmarked; a resource found by reference carries a small link mark.
 */
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import LinkIcon from '@material-ui/icons/Link';
import type { ResourceBase } from '@mesh-chain/plugin-mesh-common';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { refLabel } from '../../utils/format';
import { LinkButton } from './LinkButton';
import { VisuallyHidden } from './VisuallyHidden';

/** The part of a resource that says how it was found. */
export type Found = Pick<ResourceBase, 'foundBy' | 'foundFrom'>;

const useStyles = makeStyles(theme => ({
  mark: {
    fontSize: '1em',
    verticalAlign: 'middle',
    marginLeft: 4,
    color: theme.palette.text.secondary,
  },
  note: { color: theme.palette.text.secondary, fontSize: '0.85rem' },
}));

/**
 * How a resource was found, in words: "found by the component's label",
 * "found via binds of VirtualService shop/storefront". Empty when the
 * answer does not say (older backends).
 */
export function foundByText(found: Found): string {
  if (found.foundBy === 'label') return 'found by the component’s label';
  if (found.foundBy !== 'reference') return '';
  return found.foundFrom
    ? `found via ${found.foundFrom.relation} of ${refLabel(
        found.foundFrom.ref,
      )}`
    : 'found by reference';
}

/** A small mark beside a resource found by reference; nothing otherwise. */
export function FoundByMarker(props: { found: Found }) {
  const classes = useStyles();
  if (props.found.foundBy !== 'reference') return null;
  const text = foundByText(props.found);
  return (
    <span
      data-testid="found-by-reference"
      title={`Not labelled for this component: ${text}`}
    >
      <LinkIcon className={classes.mark} aria-hidden />
      <VisuallyHidden>{` (${text})`}</VisuallyHidden>
    </span>
  );
}

/**
 * The drawer's line about how a resource was found; the object it was
 * found from opens its own drawer.
 */
export function FoundByNote(props: {
  found: Found;
  onOpen: (key: string) => void;
}) {
  const classes = useStyles();
  const { foundBy, foundFrom } = props.found;
  if (foundBy === 'label') {
    return (
      <Typography className={classes.note} data-testid="found-by">
        Found by the component’s label selector.
      </Typography>
    );
  }
  if (foundBy !== 'reference') return null;
  return (
    <Typography className={classes.note} data-testid="found-by">
      <LinkIcon className={classes.mark} aria-hidden /> Not labelled for this
      component: found by reference
      {foundFrom && (
        <>
          , via <strong>{foundFrom.relation}</strong> of{' '}
          <LinkButton onClick={() => props.onOpen(objectKey(foundFrom.ref))}>
            {refLabel(foundFrom.ref)}
          </LinkButton>
        </>
      )}
      .
    </Typography>
  );
}
