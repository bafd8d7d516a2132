/*
 * The inputs about how clients reach the service: the Kubernetes Service,
 * the Istio Gateway (new or shared), the hosts and HTTPS.
 */
import { Zod } from '../../../lib/zod';

/** The fields of the Service, Gateway, hosts and TLS. @public */
export function exposureFields(z: Zod) {
  return {
    service: z
      .object({
        type: z
          .enum(['ClusterIP', 'NodePort', 'LoadBalancer'])
          .default('ClusterIP')
          .describe(
            'ClusterIP: reachable only inside the cluster (through the mesh gateway from outside; the usual choice). NodePort: also on every node at `nodePort`. LoadBalancer: also through a cloud load balancer, bypassing the gateway.',
          ),
        port: z
          .number()
          .int()
          .default(80)
          .describe('Port other services call (1-65535).'),
        nodePort: z
          .number()
          .int()
          .optional()
          .describe(
            'Node port for NodePort/LoadBalancer (30000-32767); assigned by Kubernetes when absent.',
          ),
      })
      .strict()
      .default({})
      .describe('The Kubernetes Service in front of the pods.'),
    gateway: z
      .object({
        mode: z
          .enum(['new', 'existing'])
          .default('new')
          .describe(
            '`new`: render a Gateway for this service. `existing`: attach to a shared Gateway given by `ref`.',
          ),
        ref: z
          .string()
          .optional()
          .describe(
            'The shared Gateway as `namespace/name`, e.g. `istio-system/public-gateway` (mode `existing`).',
          ),
        name: z
          .string()
          .optional()
          .describe(
            'Name of the new Gateway (mode `new`); defaults to `<name>-gateway`.',
          ),
        selector: z
          .record(z.string())
          .default({ istio: 'ingressgateway' })
          .describe(
            'Labels of the ingress gateway pods the new Gateway configures.',
          ),
      })
      .strict()
      .default({})
      .describe('How traffic from outside the cluster reaches the service.'),
    hosts: z
      .array(z.string())
      .describe(
        'Host names clients use, e.g. `checkout.example.com` (no scheme, port or path).',
      ),
    tls: z
      .object({
        credentialName: z
          .string()
          .describe(
            "Name of the Secret with the certificate and key (in the gateway's namespace).",
          ),
        mode: z
          .enum(['SIMPLE', 'MUTUAL'])
          .default('SIMPLE')
          .describe('SIMPLE: HTTPS. MUTUAL: HTTPS with client certificates.'),
        httpsRedirect: z
          .boolean()
          .default(true)
          .describe('Redirect plain HTTP to HTTPS.'),
      })
      .strict()
      .optional()
      .describe(
        'HTTPS on the new Gateway. Shared gateways carry their own TLS settings.',
      ),
  };
}
