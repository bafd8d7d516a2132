/*
 * A Kubernetes object as the API server returns it, for every package of
 * the repository that reads or writes objects.
 */

/** An owner reference (`metadata.ownerReferences[]`). @public */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** An entry of `metadata.managedFields` (server-side apply). @public */
export interface ManagedFieldsEntry {
  manager: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** A Kubernetes object as the API server returns it (JSON). @public */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    finalizers?: string[];
    managedFields?: ManagedFieldsEntry[];
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  /** Top-level fields of kinds without spec (roleRef, subsets, data, ...). */
  [key: string]: any;
}
