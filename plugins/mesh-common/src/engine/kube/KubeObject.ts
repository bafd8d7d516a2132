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

/** A Kubernetes object as the API server returns it (JSON). @public */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}
