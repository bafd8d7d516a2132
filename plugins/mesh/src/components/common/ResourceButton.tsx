import { Fragment } from 'react';
import type { ObjectRef } from '@mesh-chain/plugin-mesh-common';
import { objectKey } from '@mesh-chain/plugin-mesh-common';
import { refName } from '../../utils/format';
import { useOpenResource } from './SelectionContext';
import { LinkButton } from './LinkButton';

/** A resource name that opens its details drawer. */
export function ResourceButton(props: {
  cluster: string;
  resource: ObjectRef;
  /** Show the kind before the name. */
  withKind?: boolean;
  /** Open this key instead of the resource's own (e.g. a pod group). */
  nodeKey?: string;
}) {
  const open = useOpenResource();
  const { cluster, resource, withKind } = props;
  const label = `${withKind ? `${resource.kind} ` : ''}${refName(resource)}`;
  return (
    <LinkButton
      onClick={() => open(cluster, props.nodeKey ?? objectKey(resource))}
      aria-haspopup="dialog"
    >
      {label.split('/').map((part, i) => (
        <Fragment key={i}>
          {i > 0 && '/'}
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </LinkButton>
  );
}
