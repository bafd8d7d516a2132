import { createContext, ReactNode, useContext } from 'react';

/** Opens the details drawer for a node of a cluster's chain. */
export type OpenResource = (cluster: string, key: string) => void;

const SelectionContext = createContext<OpenResource>(() => {});

export function SelectionProvider(props: {
  open: OpenResource;
  children: ReactNode;
}) {
  return (
    <SelectionContext.Provider value={props.open}>
      {props.children}
    </SelectionContext.Provider>
  );
}

export function useOpenResource(): OpenResource {
  return useContext(SelectionContext);
}
