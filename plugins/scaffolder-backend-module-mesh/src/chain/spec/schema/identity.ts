/*
 * The inputs that name the service and place it: name, namespace, the
 * catalog labels, the Namespace to create, and the cluster's DNS domain.
 */
import { Zod } from '../../../lib/zod';

/** The fields that name and place the service. @public */
export function identityFields(z: Zod) {
  return {
    name: z
      .string()
      .describe(
        'Name of the service: the Deployment, Service, VirtualService and DestinationRule are named after it. A DNS-1035 label: lower case letters, digits and "-", starting with a letter, at most 63 characters.',
      ),
    namespace: z
      .string()
      .describe(
        'Kubernetes namespace for every object of the service (DNS-1123 label).',
      ),
    kubernetesId: z
      .string()
      .optional()
      .describe(
        'Value of the `backstage.io/kubernetes-id` label on every object, which links them to the catalog entity. Defaults to the name.',
      ),
    partOf: z
      .string()
      .optional()
      .describe(
        'System the service belongs to, set as the `app.kubernetes.io/part-of` label.',
      ),
    labels: z
      .record(z.string())
      .optional()
      .describe(
        'Extra labels for every object and pod (cannot override the labels the chain relies on).',
      ),
    createNamespace: z
      .boolean()
      .default(false)
      .describe(
        'Also render a Namespace (labelled for Istio sidecar injection when `istioInjection` is true). Applying it creates the namespace if it does not exist.',
      ),
    istioInjection: z
      .boolean()
      .default(true)
      .describe(
        'Label the rendered Namespace `istio-injection=enabled` so that pods get an Istio sidecar. Only used with `createNamespace`.',
      ),
  };
}

/** The cluster's DNS domain. @public */
export function clusterFields(z: Zod) {
  return {
    clusterDomain: z
      .string()
      .default('cluster.local')
      .describe(
        'DNS domain of the cluster, used in fully qualified Service hosts.',
      ),
  };
}
