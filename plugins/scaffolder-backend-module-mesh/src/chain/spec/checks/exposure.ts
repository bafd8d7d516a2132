/*
 * How clients reach the service: the Service, the Gateway (new or shared),
 * the hosts and TLS.
 */
import {
  checkDns1123Label,
  checkDns1123Subdomain,
  checkHost,
  checkLabelKey,
  checkLabelValue,
} from '../../../lib/formats';
import type { ChainSpec } from '../ChainSpec';
import type { SpecProblems } from './problems';

/** The Service: its port, and a node port only where one is used. */
function checkService(spec: ChainSpec, problems: SpecProblems): void {
  const { add, range } = problems;
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
}

/** The Gateway: a shared one by reference, or a new one by its selector. */
function checkGateway(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format } = problems;
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
}

/** The host names clients use. */
function checkHosts(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format } = problems;
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
}

/** HTTPS on the new Gateway. */
function checkTls(spec: ChainSpec, problems: SpecProblems): void {
  const { format } = problems;
  if (spec.tls) {
    format(
      'tls.credentialName',
      spec.tls.credentialName,
      checkDns1123Subdomain,
      `${spec.name}-tls`,
    );
  }
}

/** The Service, Gateway, hosts and TLS. */
export function checkExposure(spec: ChainSpec, problems: SpecProblems): void {
  checkService(spec, problems);
  checkGateway(spec, problems);
  checkHosts(spec, problems);
  checkTls(spec, problems);
}
