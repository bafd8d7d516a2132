import { parseQuantity } from '@mesh-chain/plugin-mesh-common';
import {
  checkCpu,
  checkDns1035Label,
  checkDns1123Label,
  checkDns1123Subdomain,
  checkDuration,
  checkHost,
  checkImage,
  checkLabelKey,
  checkLabelValue,
  checkMemory,
  checkPath,
  checkRegex,
} from '../lib/formats';
import { Zod } from '../lib/zod';

/*
 * The typed inputs of `mesh:chain:render`: everything a service owner decides
 * about one service and its way in from outside. Shapes and defaults are
 * declared here (and become the action's JSON schema); the rules that need
 * more than a type (ranges, formats, and fields that depend on each other)
 * are in `checkChainSpec`, which names the field and the fix for each problem.
 */

const durationHint = 'a duration such as 250ms, 5s or 1m';

/** @public */
export function chainSpecSchema(z: Zod) {
  const quantities = z
    .object({
      cpu: z
        .string()
        .optional()
        .describe('CPU, e.g. `100m` (a tenth of a core), `0.5` or `2`.'),
      memory: z
        .string()
        .optional()
        .describe('Memory, e.g. `128Mi` or `1Gi` (units are case-sensitive).'),
    })
    .strict();

  const scalingRules = z
    .object({
      stabilizationWindowSeconds: z
        .number()
        .int()
        .optional()
        .describe(
          'Seconds of past recommendations to consider before scaling (0-3600). Kubernetes defaults to 0 for scale up, 300 for scale down.',
        ),
      selectPolicy: z
        .enum(['Max', 'Min', 'Disabled'])
        .optional()
        .describe(
          'Which policy wins when several apply; `Disabled` turns scaling in this direction off.',
        ),
      policies: z
        .array(
          z
            .object({
              type: z
                .enum(['Pods', 'Percent'])
                .describe(
                  'Limit by a number of pods or a percentage of the current replicas.',
                ),
              value: z
                .number()
                .int()
                .describe('Pods or percent per period (at least 1).'),
              periodSeconds: z
                .number()
                .int()
                .describe('Length of the period, 1-1800 seconds.'),
            })
            .strict(),
        )
        .optional()
        .describe('How fast replicas may change.'),
    })
    .strict();

  return z
    .object({
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
      image: z
        .string()
        .describe(
          'Container image, e.g. `ghcr.io/acme/checkout:1.4.2` (a tag or digest is recommended over `latest`).',
        ),
      containerPort: z
        .number()
        .int()
        .describe('Port the container listens on (1-65535).'),
      protocol: z
        .enum(['http', 'http2', 'grpc'])
        .default('http')
        .describe(
          'Application protocol; Istio reads it from the Service port name (`http-...`, `http2-...`, `grpc-...`).',
        ),
      replicas: z
        .number()
        .int()
        .default(2)
        .describe(
          'Pods per version (1-100). Ignored when autoscaling is enabled: the HorizontalPodAutoscaler owns the replica count.',
        ),
      resources: z
        .object({
          requests: quantities
            .optional()
            .describe(
              'What the scheduler reserves; autoscaling on utilization needs these.',
            ),
          limits: quantities
            .optional()
            .describe('The most the container may use.'),
        })
        .strict()
        .optional()
        .describe('CPU and memory requests and limits of the container.'),
      env: z
        .array(
          z
            .object({
              name: z.string().describe('Environment variable name.'),
              value: z.string().describe('Its value.'),
            })
            .strict(),
        )
        .optional()
        .describe(
          'Environment variables of the container (plain values; use Secrets for credentials).',
        ),
      healthCheckPath: z
        .string()
        .optional()
        .describe(
          'HTTP path for readiness and liveness probes, e.g. `/healthz`. No probes when absent.',
        ),
      versions: z
        .array(
          z
            .object({
              name: z
                .string()
                .describe(
                  'Version name, the `version` pod label and DestinationRule subset, e.g. `v1`.',
                ),
              image: z
                .string()
                .optional()
                .describe('Image of this version; defaults to `image`.'),
              weight: z
                .number()
                .int()
                .describe(
                  'Percent of the traffic this version gets (0-100; all versions add up to 100).',
                ),
            })
            .strict(),
        )
        .default([{ name: 'v1', weight: 100 }])
        .describe(
          'Versions running side by side (canary). Each gets a Deployment and a DestinationRule subset; the VirtualService splits traffic by weight. The first version keeps the plain name.',
        ),
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
      routes: z
        .array(
          z
            .object({
              path: z.string().describe('Path to match, e.g. `/` or `/api`.'),
              match: z
                .enum(['prefix', 'exact', 'regex'])
                .default('prefix')
                .describe('How the path is matched.'),
              rewrite: z
                .string()
                .optional()
                .describe(
                  'Replace the matched path (prefix) with this before forwarding, e.g. `/`.',
                ),
              timeout: z
                .string()
                .optional()
                .describe(`Request timeout, ${durationHint}.`),
              retries: z
                .union([
                  z
                    .number()
                    .int()
                    .describe(
                      'Retries per request (0-10), on the conditions Istio retries by default.',
                    ),
                  z
                    .object({
                      attempts: z
                        .number()
                        .int()
                        .describe('Retries per request (0-10).'),
                      perTryTimeout: z
                        .string()
                        .optional()
                        .describe(`Timeout of each try, ${durationHint}.`),
                      retryOn: z
                        .string()
                        .optional()
                        .describe(
                          'When to retry, e.g. `5xx,connect-failure,reset`.',
                        ),
                    })
                    .strict(),
                ])
                .optional()
                .describe(
                  'Retry policy: a number of attempts, or attempts with perTryTimeout and retryOn.',
                ),
            })
            .strict(),
        )
        .default([{ path: '/', match: 'prefix' }])
        .describe(
          'HTTP routes, first match wins: list more specific paths first.',
        ),
      meshRouting: z
        .boolean()
        .default(false)
        .describe(
          'Also apply the routes (and the version split) to calls from inside the mesh, by binding the VirtualService to `mesh` with the Service host.',
        ),
      trafficPolicy: z
        .object({
          loadBalancer: z
            .object({
              simple: z
                .enum(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH'])
                .optional()
                .describe('A simple load balancing algorithm.'),
              consistentHash: z
                .object({
                  httpHeaderName: z
                    .string()
                    .optional()
                    .describe('Hash on this request header.'),
                  httpCookie: z
                    .object({
                      name: z.string().describe('Cookie name.'),
                      path: z.string().optional().describe('Cookie path.'),
                      ttl: z
                        .string()
                        .describe(`Cookie lifetime, ${durationHint}.`),
                    })
                    .strict()
                    .optional()
                    .describe('Hash on this cookie (generated when absent).'),
                  useSourceIp: z
                    .boolean()
                    .optional()
                    .describe('Hash on the client IP.'),
                  httpQueryParameterName: z
                    .string()
                    .optional()
                    .describe('Hash on this query parameter.'),
                })
                .strict()
                .optional()
                .describe('Session affinity: exactly one hash key.'),
            })
            .strict()
            .optional()
            .describe(
              'Load balancing: `simple` or `consistentHash`, not both.',
            ),
          connectionPool: z
            .object({
              maxConnections: z
                .number()
                .int()
                .optional()
                .describe('Max TCP connections to the service.'),
              connectTimeout: z
                .string()
                .optional()
                .describe(`TCP connect timeout, ${durationHint}.`),
              http1MaxPendingRequests: z
                .number()
                .int()
                .optional()
                .describe(
                  'Max requests queued while waiting for a connection.',
                ),
              http2MaxRequests: z
                .number()
                .int()
                .optional()
                .describe('Max concurrent requests.'),
              maxRequestsPerConnection: z
                .number()
                .int()
                .optional()
                .describe(
                  'Max requests per connection (1 disables keep-alive).',
                ),
              maxRetries: z
                .number()
                .int()
                .optional()
                .describe('Max concurrent retries.'),
              idleTimeout: z
                .string()
                .optional()
                .describe(`Idle connection timeout, ${durationHint}.`),
            })
            .strict()
            .optional()
            .describe('Connection pool limits (circuit breaking).'),
          outlierDetection: z
            .object({
              consecutive5xxErrors: z
                .number()
                .int()
                .optional()
                .describe('5xx errors in a row before a pod is ejected.'),
              interval: z
                .string()
                .optional()
                .describe(`How often pods are analysed, ${durationHint}.`),
              baseEjectionTime: z
                .string()
                .optional()
                .describe(`Minimum ejection time, ${durationHint}.`),
              maxEjectionPercent: z
                .number()
                .int()
                .optional()
                .describe(
                  'Most pods that may be ejected at once, in percent (0-100).',
                ),
            })
            .strict()
            .optional()
            .describe('Ejecting failing pods from the load balancing pool.'),
        })
        .strict()
        .optional()
        .describe('Istio traffic policy of the DestinationRule.'),
      autoscaling: z
        .object({
          enabled: z
            .boolean()
            .default(true)
            .describe('Render a HorizontalPodAutoscaler per version.'),
          minReplicas: z
            .number()
            .int()
            .default(2)
            .describe('Fewest pods (1 or more).'),
          maxReplicas: z
            .number()
            .int()
            .default(5)
            .describe('Most pods (at least minReplicas, at most 100).'),
          cpuUtilization: z
            .number()
            .int()
            .optional()
            .describe(
              'Target average CPU use in percent of the CPU request (1-100); needs resources.requests.cpu.',
            ),
          memoryUtilization: z
            .number()
            .int()
            .optional()
            .describe(
              'Target average memory use in percent of the memory request (1-100); needs resources.requests.memory.',
            ),
          behavior: z
            .object({
              scaleUp: scalingRules
                .optional()
                .describe('Rules for adding pods.'),
              scaleDown: scalingRules
                .optional()
                .describe('Rules for removing pods.'),
            })
            .strict()
            .optional()
            .describe('Scaling speed (`spec.behavior` of autoscaling/v2).'),
        })
        .strict()
        .optional()
        .describe('Horizontal pod autoscaling on CPU and/or memory.'),
      clusterDomain: z
        .string()
        .default('cluster.local')
        .describe(
          'DNS domain of the cluster, used in fully qualified Service hosts.',
        ),
    })
    .strict();
}

/** The parsed inputs of `mesh:chain:render`, defaults applied. @public */
export type ChainSpec = ReturnType<ReturnType<typeof chainSpecSchema>['parse']>;

/** One problem with an input field. @public */
export interface SpecProblem {
  /** The field, e.g. `service.nodePort` or `routes[1].path`. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Ports the Istio sidecar and its agent listen on inside every pod. */
const ISTIO_RESERVED_PORTS = [
  15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090,
];

const RESERVED_LABELS = [
  'app',
  'version',
  'app.kubernetes.io/name',
  'app.kubernetes.io/version',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
  'backstage.io/kubernetes-id',
];

/**
 * Everything about a `ChainSpec` that a type cannot say, each problem naming
 * the field and the fix.
 *
 * @public
 */
export function checkChainSpec(spec: ChainSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const add = (field: string, message: string) =>
    problems.push({ field, message });
  const format = (
    field: string,
    value: string,
    check: (v: string) => string | undefined,
    example: string,
  ) => {
    const problem = check(value);
    if (problem) {
      add(field, `'${value}' ${problem}, e.g. ${example}`);
    }
    return !problem;
  };
  const range = (
    field: string,
    value: number | undefined,
    min: number,
    max: number,
    what: string,
  ) => {
    if (value !== undefined && (value < min || value > max)) {
      add(field, `${value} is out of range; ${what} must be ${min}-${max}`);
    }
  };

  if (format('name', spec.name, checkDns1035Label, 'checkout')) {
    // Deployments of other versions are named <name>-<version>, and the new
    // Gateway <name>-gateway; their names are label values too.
    const longest = Math.max(
      0,
      ...spec.versions.slice(1).map(v => v.name.length + 1),
    );
    if (spec.name.length + longest > 63) {
      add(
        'name',
        `'${spec.name}' is too long for the Deployment names of the other versions (<name>-<version> must fit in 63 characters); shorten the name or the version names`,
      );
    }
  }
  format('namespace', spec.namespace, checkDns1123Label, 'shop');
  if (spec.kubernetesId !== undefined) {
    format('kubernetesId', spec.kubernetesId, checkLabelValue, 'checkout');
  }
  if (spec.partOf !== undefined) {
    format('partOf', spec.partOf, checkLabelValue, 'webshop');
  }
  for (const [key, value] of Object.entries(spec.labels ?? {})) {
    const keyProblem = checkLabelKey(key);
    if (keyProblem) {
      add(`labels.${key}`, `the label key '${key}' ${keyProblem}`);
    }
    if (RESERVED_LABELS.includes(key)) {
      add(
        `labels.${key}`,
        `'${key}' is set by the chain itself (selectors and subsets rely on it); remove it from labels`,
      );
    }
    format(`labels.${key}`, value, checkLabelValue, 'team-a');
  }

  format('image', spec.image, checkImage, 'ghcr.io/acme/checkout:1.4.2');
  range('containerPort', spec.containerPort, 1, 65535, 'a port');
  if (ISTIO_RESERVED_PORTS.includes(spec.containerPort)) {
    add(
      'containerPort',
      `${
        spec.containerPort
      } is one of the ports the Istio sidecar uses (${ISTIO_RESERVED_PORTS.join(
        ', ',
      )}); pick another port, e.g. 8080`,
    );
  }
  const autoscaled = spec.autoscaling?.enabled === true;
  if (!autoscaled) {
    range('replicas', spec.replicas, 1, 100, 'replicas');
  }

  // Resources
  const requests = spec.resources?.requests;
  const limits = spec.resources?.limits;
  if (requests?.cpu !== undefined) {
    format('resources.requests.cpu', requests.cpu, checkCpu, '100m');
  }
  if (requests?.memory !== undefined) {
    format('resources.requests.memory', requests.memory, checkMemory, '128Mi');
  }
  if (limits?.cpu !== undefined) {
    format('resources.limits.cpu', limits.cpu, checkCpu, '500m');
  }
  if (limits?.memory !== undefined) {
    format('resources.limits.memory', limits.memory, checkMemory, '256Mi');
  }
  const reqCpu = requests?.cpu && parseQuantity(requests.cpu);
  const limCpu = limits?.cpu && parseQuantity(limits.cpu);
  if (reqCpu && limCpu && reqCpu > limCpu) {
    add(
      'resources.requests.cpu',
      `the request ${requests!.cpu} is more than the limit ${
        limits!.cpu
      }; Kubernetes rejects that, lower the request or raise the limit`,
    );
  }
  const reqMem = requests?.memory && parseQuantity(requests.memory);
  const limMem = limits?.memory && parseQuantity(limits.memory);
  if (reqMem && limMem && reqMem > limMem) {
    add(
      'resources.requests.memory',
      `the request ${requests!.memory} is more than the limit ${
        limits!.memory
      }; Kubernetes rejects that, lower the request or raise the limit`,
    );
  }

  // Environment
  const envNames = new Set<string>();
  (spec.env ?? []).forEach((e, i) => {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(e.name)) {
      add(
        `env[${i}].name`,
        `'${e.name}' is not a valid environment variable name; use letters, digits, "_", "-" and ".", not starting with a digit, e.g. LOG_LEVEL`,
      );
    }
    if (envNames.has(e.name)) {
      add(`env[${i}].name`, `'${e.name}' is set twice; keep one`);
    }
    envNames.add(e.name);
  });
  if (spec.healthCheckPath !== undefined) {
    format('healthCheckPath', spec.healthCheckPath, checkPath, '/healthz');
  }

  // Versions
  if (spec.versions.length === 0) {
    add(
      'versions',
      'is empty; give at least one version, e.g. [{ name: v1, weight: 100 }]',
    );
  }
  const versionNames = new Set<string>();
  let weights = 0;
  spec.versions.forEach((v, i) => {
    format(`versions[${i}].name`, v.name, checkDns1123Label, 'v1');
    if (versionNames.has(v.name)) {
      add(
        `versions[${i}].name`,
        `'${v.name}' is used twice; version names must be unique`,
      );
    }
    versionNames.add(v.name);
    if (v.image !== undefined) {
      format(
        `versions[${i}].image`,
        v.image,
        checkImage,
        'ghcr.io/acme/checkout:1.5.0',
      );
    }
    range(`versions[${i}].weight`, v.weight, 0, 100, 'a weight');
    weights += v.weight;
  });
  if (spec.versions.length > 0 && weights !== 100) {
    add(
      'versions',
      `the weights add up to ${weights}; they must add up to 100 (e.g. 90 and 10)`,
    );
  }

  // Service
  range('service.port', spec.service.port, 1, 65535, 'a port');
  if (spec.service.nodePort !== undefined) {
    if (spec.service.type === 'ClusterIP') {
      add(
        'service.nodePort',
        'is only used with service.type NodePort or LoadBalancer; remove it or change the type',
      );
    } else {
      range(
        'service.nodePort',
        spec.service.nodePort,
        30000,
        32767,
        'a node port (the default node port range)',
      );
    }
  }

  // Gateway
  const gw = spec.gateway;
  if (gw.mode === 'existing') {
    if (!gw.ref) {
      add(
        'gateway.ref',
        'is required when gateway.mode is existing; give the shared Gateway as namespace/name, e.g. istio-system/public-gateway',
      );
    } else {
      const parts = gw.ref.split('/');
      if (
        parts.length !== 2 ||
        checkDns1123Label(parts[0]) ||
        checkDns1123Subdomain(parts[1])
      ) {
        add(
          'gateway.ref',
          `'${gw.ref}' is not namespace/name; write the Gateway's namespace and name separated by "/", e.g. istio-system/public-gateway`,
        );
      }
    }
    if (gw.name !== undefined) {
      add(
        'gateway.name',
        'only names a new Gateway; remove it, or set gateway.mode to new',
      );
    }
    if (spec.tls) {
      add(
        'tls',
        `TLS is configured on the shared Gateway ${
          gw.ref ?? ''
        }, not per service; remove tls, or set gateway.mode to new`,
      );
    }
  } else {
    if (gw.ref !== undefined) {
      add(
        'gateway.ref',
        'is only used with gateway.mode existing; remove it, or set gateway.mode to existing',
      );
    }
    if (gw.name !== undefined) {
      format(
        'gateway.name',
        gw.name,
        checkDns1123Subdomain,
        `${spec.name}-gateway`,
      );
    }
    const selector = Object.entries(gw.selector);
    if (selector.length === 0) {
      add(
        'gateway.selector',
        'is empty, which would configure every gateway workload; give the ingress gateway pod labels, e.g. { istio: ingressgateway }',
      );
    }
    for (const [key, value] of selector) {
      const keyProblem = checkLabelKey(key);
      if (keyProblem) {
        add(`gateway.selector.${key}`, `the label key '${key}' ${keyProblem}`);
      }
      format(
        `gateway.selector.${key}`,
        value,
        checkLabelValue,
        'ingressgateway',
      );
    }
  }

  // Hosts
  if (spec.hosts.length === 0) {
    add(
      'hosts',
      'is empty; give at least one host name clients use, e.g. checkout.example.com',
    );
  }
  const hosts = new Set<string>();
  spec.hosts.forEach((host, i) => {
    format(`hosts[${i}]`, host, checkHost, 'checkout.example.com');
    if (hosts.has(host)) {
      add(`hosts[${i}]`, `'${host}' is listed twice; keep one`);
    }
    hosts.add(host);
  });

  // TLS
  if (spec.tls) {
    format(
      'tls.credentialName',
      spec.tls.credentialName,
      checkDns1123Subdomain,
      `${spec.name}-tls`,
    );
  }

  // Routes
  if (spec.routes.length === 0) {
    add('routes', 'is empty; give at least one route, e.g. [{ path: / }]');
  }
  spec.routes.forEach((route, i) => {
    const at = `routes[${i}]`;
    if (route.match === 'regex') {
      format(`${at}.path`, route.path, checkRegex, '/api/v[0-9]+/.*');
    } else {
      format(`${at}.path`, route.path, checkPath, '/api');
    }
    if (route.rewrite !== undefined) {
      format(`${at}.rewrite`, route.rewrite, checkPath, '/');
      if (route.match === 'regex') {
        add(
          `${at}.rewrite`,
          'a prefix rewrite needs a prefix or exact match; use match prefix, or remove rewrite',
        );
      }
    }
    if (route.timeout !== undefined) {
      format(`${at}.timeout`, route.timeout, checkDuration, '5s');
    }
    const retries =
      typeof route.retries === 'number'
        ? {
            attempts: route.retries,
            perTryTimeout: undefined,
            retryOn: undefined,
          }
        : route.retries;
    if (retries) {
      range(
        typeof route.retries === 'number'
          ? `${at}.retries`
          : `${at}.retries.attempts`,
        retries.attempts,
        0,
        10,
        'attempts',
      );
      if (retries.perTryTimeout !== undefined) {
        format(
          `${at}.retries.perTryTimeout`,
          retries.perTryTimeout,
          checkDuration,
          '2s',
        );
      }
      if (retries.retryOn !== undefined) {
        const known = [
          '5xx',
          'gateway-error',
          'reset',
          'reset-before-request',
          'connect-failure',
          'envoy-ratelimited',
          'retriable-4xx',
          'refused-stream',
          'retriable-status-codes',
          'retriable-headers',
          'http3-post-connect-failure',
          'cancelled',
          'deadline-exceeded',
          'internal',
          'resource-exhausted',
          'unavailable',
        ];
        const unknown = retries.retryOn
          .split(',')
          .map(s => s.trim())
          .filter(s => !known.includes(s) && !/^\d{3}$/.test(s));
        if (unknown.length) {
          add(
            `${at}.retries.retryOn`,
            `'${unknown.join(
              ',',
            )}' is not a retry condition Envoy knows; use e.g. 5xx,connect-failure,reset`,
          );
        }
      }
    }
    // An earlier route that matches everything this one matches makes it
    // unreachable (istioctl IST0130).
    spec.routes.slice(0, i).forEach((earlier, j) => {
      const shadows =
        (earlier.match === 'prefix' &&
          route.match !== 'regex' &&
          route.path.startsWith(earlier.path)) ||
        (earlier.match === 'exact' &&
          route.match === 'exact' &&
          earlier.path === route.path);
      if (shadows) {
        add(
          `${at}.path`,
          `is never reached: routes[${j}] (${earlier.match} ${earlier.path}) matches every request it would; list routes[${i}] before routes[${j}], or remove one`,
        );
      }
    });
  });
  spec.routes.forEach((route, i) => {
    const total = route.timeout && toMillis(route.timeout);
    const perTry =
      typeof route.retries === 'object'
        ? route.retries.perTryTimeout
        : undefined;
    const per = perTry && toMillis(perTry);
    if (total && per && per > total) {
      add(
        `routes[${i}].retries.perTryTimeout`,
        `${perTry} is longer than the route timeout ${route.timeout}, so no retry would ever happen; make it shorter`,
      );
    }
  });

  // Traffic policy
  const tp = spec.trafficPolicy;
  const lb = tp?.loadBalancer;
  if (lb) {
    if (lb.simple && lb.consistentHash) {
      add(
        'trafficPolicy.loadBalancer',
        'sets both simple and consistentHash; Istio takes one of them, remove the other',
      );
    }
    if (!lb.simple && !lb.consistentHash) {
      add(
        'trafficPolicy.loadBalancer',
        'is empty; set simple (e.g. LEAST_REQUEST) or consistentHash, or remove it',
      );
    }
    const hash = lb.consistentHash;
    if (hash) {
      const keys = (
        [
          'httpHeaderName',
          'httpCookie',
          'useSourceIp',
          'httpQueryParameterName',
        ] as const
      ).filter(k => hash[k] !== undefined && hash[k] !== false);
      if (keys.length !== 1) {
        add(
          'trafficPolicy.loadBalancer.consistentHash',
          `needs exactly one hash key (httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName), got ${
            keys.length ? keys.join(', ') : 'none'
          }`,
        );
      }
      if (
        hash.httpHeaderName !== undefined &&
        !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(hash.httpHeaderName)
      ) {
        add(
          'trafficPolicy.loadBalancer.consistentHash.httpHeaderName',
          `'${hash.httpHeaderName}' is not an HTTP header name, e.g. x-user-id`,
        );
      }
      if (hash.httpCookie) {
        if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(hash.httpCookie.name)) {
          add(
            'trafficPolicy.loadBalancer.consistentHash.httpCookie.name',
            `'${hash.httpCookie.name}' is not a cookie name, e.g. session`,
          );
        }
        format(
          'trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl',
          hash.httpCookie.ttl,
          checkDuration,
          '3600s',
        );
        if (hash.httpCookie.path !== undefined) {
          format(
            'trafficPolicy.loadBalancer.consistentHash.httpCookie.path',
            hash.httpCookie.path,
            checkPath,
            '/',
          );
        }
      }
    }
  }
  const pool = tp?.connectionPool;
  if (pool) {
    for (const key of [
      'maxConnections',
      'http1MaxPendingRequests',
      'http2MaxRequests',
      'maxRequestsPerConnection',
      'maxRetries',
    ] as const) {
      range(
        `trafficPolicy.connectionPool.${key}`,
        pool[key],
        1,
        2 ** 31 - 1,
        key,
      );
    }
    if (pool.connectTimeout !== undefined) {
      format(
        'trafficPolicy.connectionPool.connectTimeout',
        pool.connectTimeout,
        checkDuration,
        '1s',
      );
    }
    if (pool.idleTimeout !== undefined) {
      format(
        'trafficPolicy.connectionPool.idleTimeout',
        pool.idleTimeout,
        checkDuration,
        '60s',
      );
    }
  }
  const outlier = tp?.outlierDetection;
  if (outlier) {
    range(
      'trafficPolicy.outlierDetection.consecutive5xxErrors',
      outlier.consecutive5xxErrors,
      0,
      1000,
      'consecutive5xxErrors',
    );
    range(
      'trafficPolicy.outlierDetection.maxEjectionPercent',
      outlier.maxEjectionPercent,
      0,
      100,
      'a percentage',
    );
    if (outlier.interval !== undefined) {
      format(
        'trafficPolicy.outlierDetection.interval',
        outlier.interval,
        checkDuration,
        '10s',
      );
    }
    if (outlier.baseEjectionTime !== undefined) {
      format(
        'trafficPolicy.outlierDetection.baseEjectionTime',
        outlier.baseEjectionTime,
        checkDuration,
        '30s',
      );
    }
  }

  // Autoscaling
  const as = spec.autoscaling;
  if (as?.enabled) {
    range('autoscaling.minReplicas', as.minReplicas, 1, 100, 'minReplicas');
    range('autoscaling.maxReplicas', as.maxReplicas, 1, 100, 'maxReplicas');
    if (as.minReplicas > as.maxReplicas) {
      add(
        'autoscaling.minReplicas',
        `${as.minReplicas} is more than maxReplicas ${as.maxReplicas}; minReplicas must be <= maxReplicas`,
      );
    }
    range(
      'autoscaling.cpuUtilization',
      as.cpuUtilization,
      1,
      100,
      'a utilization target in percent',
    );
    range(
      'autoscaling.memoryUtilization',
      as.memoryUtilization,
      1,
      100,
      'a utilization target in percent',
    );
    if (as.cpuUtilization === undefined && as.memoryUtilization === undefined) {
      add(
        'autoscaling',
        'has no target; set cpuUtilization and/or memoryUtilization (e.g. cpuUtilization: 70), or disable autoscaling',
      );
    }
    if (as.cpuUtilization !== undefined && !requests?.cpu) {
      add(
        'resources.requests.cpu',
        'is required by autoscaling.cpuUtilization: the autoscaler measures CPU as a percentage of the request; set it, e.g. 100m',
      );
    }
    if (as.memoryUtilization !== undefined && !requests?.memory) {
      add(
        'resources.requests.memory',
        'is required by autoscaling.memoryUtilization: the autoscaler measures memory as a percentage of the request; set it, e.g. 128Mi',
      );
    }
    for (const direction of ['scaleUp', 'scaleDown'] as const) {
      const rules = as.behavior?.[direction];
      if (!rules) continue;
      const at = `autoscaling.behavior.${direction}`;
      range(
        `${at}.stabilizationWindowSeconds`,
        rules.stabilizationWindowSeconds,
        0,
        3600,
        'stabilizationWindowSeconds',
      );
      (rules.policies ?? []).forEach((p, i) => {
        range(
          `${at}.policies[${i}].value`,
          p.value,
          1,
          10000,
          'a policy value',
        );
        range(
          `${at}.policies[${i}].periodSeconds`,
          p.periodSeconds,
          1,
          1800,
          'periodSeconds',
        );
      });
    }
  } else if (as?.behavior) {
    add(
      'autoscaling.behavior',
      'is only used when autoscaling is enabled; remove it or set autoscaling.enabled',
    );
  }

  if (checkDns1123Subdomain(spec.clusterDomain)) {
    add(
      'clusterDomain',
      `'${spec.clusterDomain}' is not a DNS domain, e.g. cluster.local`,
    );
  }
  return problems;
}

function toMillis(duration: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(h|m|s|ms)$/.exec(duration);
  if (!m) return undefined;
  return Number(m[1]) * { h: 3600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'h'];
}
