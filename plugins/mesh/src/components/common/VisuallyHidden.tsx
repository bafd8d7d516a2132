import { ReactNode } from 'react';

export const visuallyHiddenStyle: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/** Text for screen readers only. */
export function VisuallyHidden(props: {
  children: ReactNode;
  'aria-live'?: 'polite' | 'assertive';
  role?: string;
  id?: string;
}) {
  const { children, ...rest } = props;
  return (
    <span style={visuallyHiddenStyle} {...rest}>
      {children}
    </span>
  );
}
