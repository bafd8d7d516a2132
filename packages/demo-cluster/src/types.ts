/*
 * The object types are the repository's one definition, in mesh-common.
 */
export type {
  KubeObject,
  ManagedFieldsEntry,
  OwnerReference,
} from '@mesh-chain/plugin-mesh-common';

/** Who makes a request: the user of a token, or a built-in controller. */
export interface Caller {
  user: string;
  groups: string[];
}
