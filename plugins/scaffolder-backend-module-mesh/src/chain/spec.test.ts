import { z } from '../lib/zod';
import { chainSpecSchema, checkChainSpec } from './spec';

const base = {
  name: 'checkout',
  namespace: 'shop',
  image: 'ghcr.io/acme/checkout:1.4.2',
  containerPort: 8080,
  hosts: ['checkout.example.com'],
};

function problemsOf(input: Record<string, unknown>) {
  return checkChainSpec(chainSpecSchema(z).parse({ ...base, ...input }));
}

describe('checkChainSpec', () => {
  it('accepts the defaults', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      'a name with capitals',
      { name: 'Checkout' },
      'name',
      /lower case letters/,
    ],
    [
      'a name starting with a digit',
      { name: '1checkout' },
      'name',
      /must start with a lower case letter/,
    ],
    [
      'a 64-character name',
      { name: 'a'.repeat(64) },
      'name',
      /64 characters long; the limit is 63/,
    ],
    [
      'a name too long for the canary Deployment',
      {
        name: 'a'.repeat(60),
        versions: [
          { name: 'v1', weight: 50 },
          { name: 'canary', weight: 50 },
        ],
      },
      'name',
      /<name>-<version> must fit in 63/,
    ],
    [
      'a namespace with a dot',
      { namespace: 'shop.prod' },
      'namespace',
      /lower case letters/,
    ],
    [
      'an image with a scheme',
      { image: 'https://ghcr.io/acme/app:1' },
      'image',
      /must not have a scheme/,
    ],
    [
      'an image with a space',
      { image: 'acme/app :1' },
      'image',
      /must not contain spaces/,
    ],
    [
      'an image with a bad tag',
      { image: 'acme/app:-bad' },
      'image',
      /not an image reference/,
    ],
    [
      'container port 0',
      { containerPort: 0 },
      'containerPort',
      /must be 1-65535/,
    ],
    [
      'the sidecar port',
      { containerPort: 15001 },
      'containerPort',
      /ports the Istio sidecar uses/,
    ],
    ['zero replicas', { replicas: 0 }, 'replicas', /replicas must be 1-100/],
    [
      'a malformed CPU request',
      { resources: { requests: { cpu: '100 m' } } },
      'resources.requests.cpu',
      /CPU quantity such as 100m/,
    ],
    [
      'memory in MB',
      { resources: { requests: { memory: '128MB' } } },
      'resources.requests.memory',
      /case-sensitive: Ki, Mi, Gi/,
    ],
    [
      'a request above the limit',
      { resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } },
      'resources.requests.cpu',
      /more than the limit 500m/,
    ],
    [
      'a memory request above the limit',
      {
        resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } },
      },
      'resources.requests.memory',
      /more than the limit 512Mi/,
    ],
    [
      'an env name with a space',
      { env: [{ name: 'LOG LEVEL', value: 'x' }] },
      'env[0].name',
      /not a valid environment variable name/,
    ],
    [
      'an env name twice',
      {
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      },
      'env[1].name',
      /set twice/,
    ],
    [
      'a health path without /',
      { healthCheckPath: 'healthz' },
      'healthCheckPath',
      /must start with "\/"/,
    ],
    [
      'weights not adding up',
      {
        versions: [
          { name: 'v1', weight: 90 },
          { name: 'v2', weight: 20 },
        ],
      },
      'versions',
      /add up to 110; they must add up to 100/,
    ],
    [
      'a duplicate version',
      {
        versions: [
          { name: 'v1', weight: 50 },
          { name: 'v1', weight: 50 },
        ],
      },
      'versions[1].name',
      /used twice/,
    ],
    ['no versions', { versions: [] }, 'versions', /give at least one version/],
    [
      'service port 0',
      { service: { port: 0 } },
      'service.port',
      /a port must be 1-65535/,
    ],
    [
      'a node port out of range',
      { service: { type: 'NodePort', nodePort: 8080 } },
      'service.nodePort',
      /8080 is out of range; a node port .* must be 30000-32767/,
    ],
    [
      'a node port on ClusterIP',
      { service: { type: 'ClusterIP', nodePort: 30080 } },
      'service.nodePort',
      /only used with service.type NodePort or LoadBalancer/,
    ],
    [
      'an existing gateway without ref',
      { gateway: { mode: 'existing' } },
      'gateway.ref',
      /required when gateway.mode is existing/,
    ],
    [
      'a gateway ref without namespace',
      { gateway: { mode: 'existing', ref: 'public-gateway' } },
      'gateway.ref',
      /not namespace\/name/,
    ],
    [
      'TLS on a shared gateway',
      {
        gateway: { mode: 'existing', ref: 'istio-system/gw' },
        tls: { credentialName: 'x' },
      },
      'tls',
      /configured on the shared Gateway/,
    ],
    [
      'a ref with a new gateway',
      { gateway: { mode: 'new', ref: 'istio-system/gw' } },
      'gateway.ref',
      /only used with gateway.mode existing/,
    ],
    [
      'an empty gateway selector',
      { gateway: { selector: {} } },
      'gateway.selector',
      /every gateway workload/,
    ],
    ['no hosts', { hosts: [] }, 'hosts', /at least one host/],
    [
      'a host with a port',
      { hosts: ['checkout.example.com:443'] },
      'hosts[0]',
      /without a port/,
    ],
    [
      'a host with a path',
      { hosts: ['checkout.example.com/api'] },
      'hosts[0]',
      /without a path/,
    ],
    [
      'the catch-all host',
      { hosts: ['*'] },
      'hosts[0]',
      /would take every host/,
    ],
    [
      'a misplaced wildcard',
      { hosts: ['shop.*.example.com'] },
      'hosts[0]',
      /whole first label/,
    ],
    [
      'an upper case host',
      { hosts: ['Shop.example.com'] },
      'hosts[0]',
      /must be lower case/,
    ],
    [
      'an IPv4 address as a host',
      { hosts: ['10.0.0.1'] },
      'hosts[0]',
      /^'10\.0\.0\.1' is an IP address, which Istio does not take as a host here: .*the Host header, or SNI for TLS\); write that DNS name .*, e.g. checkout\.example\.com$/,
    ],
    [
      'an IPv6 address as a host',
      { hosts: ['[2001:db8::1]'] },
      'hosts[0]',
      /is an IP address, which Istio does not take as a host here/,
    ],
    [
      'a duplicate host',
      { hosts: ['a.example.com', 'a.example.com'] },
      'hosts[1]',
      /listed twice/,
    ],
    [
      'a bad TLS secret name',
      { tls: { credentialName: 'Checkout_TLS' } },
      'tls.credentialName',
      /lower case letters/,
    ],
    [
      'a path with a query',
      { routes: [{ path: '/a?b=c' }] },
      'routes[0].path',
      /query string/,
    ],
    [
      'a bad regex',
      { routes: [{ path: '/a(', match: 'regex' }] },
      'routes[0].path',
      /'\/a\(' is not valid RE2, which Istio requires: missing closing \)/,
    ],
    [
      'a look-ahead regex',
      { routes: [{ path: '/(?=a)', match: 'regex' }] },
      'routes[0].path',
      /lookahead \(\?=…\) is not supported by RE2\. RE2 has no lookaround: match the text itself/,
    ],
    [
      'a backreference',
      { routes: [{ path: '/(a)\\1', match: 'regex' }] },
      'routes[0].path',
      /backreference \\1 is not supported by RE2\. RE2 cannot refer back to a group/,
    ],
    [
      'a possessive quantifier',
      { routes: [{ path: '/a++', match: 'regex' }] },
      'routes[0].path',
      /possessive quantifier \+\+ is not supported by RE2\. Drop the last \+/,
    ],
    [
      'a rewrite with a regex match',
      { routes: [{ path: '/a.*', match: 'regex', rewrite: '/' }] },
      'routes[0].rewrite',
      /needs a prefix or exact match/,
    ],
    [
      'a bad timeout',
      { routes: [{ path: '/', timeout: '5 seconds' }] },
      'routes[0].timeout',
      /duration such as 250ms/,
    ],
    [
      'too many retries',
      { routes: [{ path: '/', retries: { attempts: 50 } }] },
      'routes[0].retries.attempts',
      /attempts must be 0-10/,
    ],
    [
      'too many retries as a number',
      { routes: [{ path: '/', retries: 11 }] },
      'routes[0].retries',
      /attempts must be 0-10/,
    ],
    [
      'an unknown retry condition',
      {
        routes: [
          { path: '/', retries: { attempts: 2, retryOn: '5xx,sometimes' } },
        ],
      },
      'routes[0].retries.retryOn',
      /'sometimes' is not a retry condition/,
    ],
    [
      'a per-try timeout above the timeout',
      {
        routes: [
          {
            path: '/',
            timeout: '1s',
            retries: { attempts: 2, perTryTimeout: '2s' },
          },
        ],
      },
      'routes[0].retries.perTryTimeout',
      /longer than the route timeout/,
    ],
    [
      'simple and consistent hash',
      {
        trafficPolicy: {
          loadBalancer: {
            simple: 'RANDOM',
            consistentHash: { useSourceIp: true },
          },
        },
      },
      'trafficPolicy.loadBalancer',
      /both simple and consistentHash/,
    ],
    [
      'two hash keys',
      {
        trafficPolicy: {
          loadBalancer: {
            consistentHash: { useSourceIp: true, httpHeaderName: 'x-user' },
          },
        },
      },
      'trafficPolicy.loadBalancer.consistentHash',
      /exactly one hash key/,
    ],
    [
      'a bad cookie TTL',
      {
        trafficPolicy: {
          loadBalancer: {
            consistentHash: { httpCookie: { name: 's', ttl: '1 hour' } },
          },
        },
      },
      'trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl',
      /duration/,
    ],
    [
      'zero max connections',
      { trafficPolicy: { connectionPool: { maxConnections: 0 } } },
      'trafficPolicy.connectionPool.maxConnections',
      /out of range/,
    ],
    [
      'an ejection percent over 100',
      { trafficPolicy: { outlierDetection: { maxEjectionPercent: 120 } } },
      'trafficPolicy.outlierDetection.maxEjectionPercent',
      /0-100/,
    ],
    [
      'min above max',
      {
        resources: { requests: { cpu: '100m' } },
        autoscaling: {
          enabled: true,
          minReplicas: 6,
          maxReplicas: 3,
          cpuUtilization: 50,
        },
      },
      'autoscaling.minReplicas',
      /6 is more than maxReplicas 3/,
    ],
    [
      'utilization 0',
      {
        resources: { requests: { cpu: '100m' } },
        autoscaling: { enabled: true, cpuUtilization: 0 },
      },
      'autoscaling.cpuUtilization',
      /1-100/,
    ],
    [
      'memory utilization without a request',
      { autoscaling: { enabled: true, memoryUtilization: 80 } },
      'resources.requests.memory',
      /required by autoscaling.memoryUtilization/,
    ],
    [
      'autoscaling without a target',
      { autoscaling: { enabled: true } },
      'autoscaling',
      /has no target/,
    ],
    [
      'a scaling period over 30 minutes',
      {
        resources: { requests: { cpu: '1' } },
        autoscaling: {
          enabled: true,
          cpuUtilization: 50,
          behavior: {
            scaleDown: {
              policies: [{ type: 'Pods', value: 1, periodSeconds: 3600 }],
            },
          },
        },
      },
      'autoscaling.behavior.scaleDown.policies[0].periodSeconds',
      /1-1800/,
    ],
    [
      'behavior without autoscaling',
      { autoscaling: { enabled: false, behavior: {} } },
      'autoscaling.behavior',
      /only used when autoscaling is enabled/,
    ],
    [
      'a reserved label',
      { labels: { app: 'other' } },
      'labels.app',
      /set by the chain itself/,
    ],
    [
      'a bad label value',
      { labels: { team: 'a b' } },
      'labels.team',
      /letters, digits/,
    ],
    [
      'a bad cluster domain',
      { clusterDomain: 'Cluster_Local' },
      'clusterDomain',
      /not a DNS domain/,
    ],
  ])('rejects %s', (_what, input, field, message) => {
    const problems = problemsOf(input);
    expect(problems).toContainEqual({
      field,
      message: expect.stringMatching(message),
    });
  });

  it.each(['(?i)^/API', '/items/(?P<id>\\d+)', '(?s)/\\pL+/[[:alnum:]]+\\z'])(
    'accepts the RE2 route path %s, as Istio does',
    path => {
      expect(problemsOf({ routes: [{ path, match: 'regex' }] })).toEqual([]);
    },
  );

  it('accepts valid edge cases', () => {
    expect(
      problemsOf({
        image: `localhost:5000/a/b_c__d-e:v1.2_3@sha256:${'a'.repeat(64)}`,
        hosts: ['*.example.com', 'shop.example.com'],
        service: { type: 'LoadBalancer', port: 443, nodePort: 32767 },
        routes: [
          { path: '/api/v[0-9]+/.*', match: 'regex' },
          { path: '/exact', match: 'exact' },
          {
            path: '/',
            rewrite: '/',
            timeout: '250ms',
            retries: { attempts: 0 },
          },
        ],
        resources: {
          requests: { cpu: '0.25', memory: '1Gi' },
          limits: { cpu: '250m', memory: '1024Mi' },
        },
        autoscaling: {
          enabled: true,
          minReplicas: 3,
          maxReplicas: 3,
          memoryUtilization: 100,
        },
      }),
    ).toEqual([]);
  });
});
