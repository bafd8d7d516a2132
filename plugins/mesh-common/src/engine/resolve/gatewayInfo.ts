/*
 * Gateways (Istio and Gateway API) and the workload that serves them.
 */
import type { GatewayInfo, GatewayServer, ServiceType } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import type { ChainReads } from '../reads/ChainReads';
import { baseOf, isPodReady, refOf, serviceAddresses } from './objectInfo';
import { podsSelectedBy, servicesSelecting } from './services';

/** A gateway in the chain with the objects behind its workload. */
export interface ResolvedGateway {
  obj: KubeObject;
  info: GatewayInfo;
  pods: KubeObject[];
  service?: KubeObject;
}

/** The servers of an Istio Gateway. */
export function istioServers(gw: KubeObject): GatewayServer[] {
  const servers: any[] = Array.isArray(gw.spec?.servers) ? gw.spec.servers : [];
  return servers
    .filter(s => s?.port?.number !== undefined)
    .map(s => ({
      ...((s.name ?? s.port.name) && { name: s.name ?? s.port.name }),
      port: s.port.number,
      protocol: String(s.port.protocol ?? 'HTTP').toUpperCase(),
      hosts: Array.isArray(s.hosts) ? s.hosts : [],
      ...(s.tls && {
        tls: {
          ...(s.tls.mode && { mode: s.tls.mode }),
          ...(s.tls.credentialName && {
            credentialName: s.tls.credentialName,
          }),
          ...(s.tls.httpsRedirect !== undefined && {
            httpsRedirect: !!s.tls.httpsRedirect,
          }),
        },
      }),
    }));
}

function gatewayApiServers(gw: KubeObject): GatewayServer[] {
  const listeners: any[] = Array.isArray(gw.spec?.listeners)
    ? gw.spec.listeners
    : [];
  return listeners
    .filter(l => l?.port !== undefined)
    .map(l => ({
      ...(l.name && { name: l.name }),
      port: l.port,
      protocol: String(l.protocol ?? 'HTTP').toUpperCase(),
      hosts: l.hostname ? [l.hostname] : [],
      ...(l.tls && {
        tls: {
          mode: l.tls.mode ?? 'Terminate',
          ...(l.tls.certificateRefs?.[0]?.name && {
            credentialName: l.tls.certificateRefs[0].name,
          }),
        },
      }),
    }));
}

const TYPE_RANK: Record<string, number> = {
  LoadBalancer: 3,
  NodePort: 2,
  ClusterIP: 1,
};

/** The Service in front of gateway pods: the most exposed one selecting them. */
function gatewayService(
  reads: ChainReads,
  pods: KubeObject[],
): KubeObject | undefined {
  const pod = pods[0];
  if (!pod) {
    return undefined;
  }
  let best: KubeObject | undefined;
  for (const svc of servicesSelecting(
    reads,
    pod.metadata.namespace ?? '',
    pod.metadata.labels,
  )) {
    if (
      !best ||
      (TYPE_RANK[svc.spec?.type ?? 'ClusterIP'] ?? 0) >
        (TYPE_RANK[best.spec?.type ?? 'ClusterIP'] ?? 0)
    ) {
      best = svc;
    }
  }
  return best;
}

/** The gateway port a Service port forwards to, on the gateway pods. */
export function forwardedPort(
  svcPort: any,
  pods: KubeObject[],
): number | undefined {
  const t = svcPort.targetPort ?? svcPort.port;
  if (typeof t === 'number') {
    return t;
  }
  if (/^\d+$/.test(String(t))) {
    return Number(t);
  }
  for (const pod of pods.slice(0, 1)) {
    for (const c of Array.isArray(pod.spec?.containers)
      ? pod.spec.containers
      : []) {
      for (const cp of Array.isArray(c.ports) ? c.ports : []) {
        if (cp.name === t) {
          return cp.containerPort;
        }
      }
    }
  }
  return undefined;
}

function workloadOf(
  servers: GatewayServer[],
  pods: KubeObject[],
  service: KubeObject | undefined,
  extraAddresses: string[],
): GatewayInfo['workload'] {
  const nodePorts: Record<string, number> = {};
  const servicePorts: Record<string, number> = {};
  const svcPorts: any[] = Array.isArray(service?.spec?.ports)
    ? service!.spec.ports
    : [];
  for (const server of servers) {
    // Istio reads a server port as the gateway Service's port (80 on a
    // Service 80->8080); a server on the container port works as well.
    const sp =
      svcPorts.find(p => p.port === server.port) ??
      svcPorts.find(p => forwardedPort(p, pods) === server.port);
    if (!sp) {
      continue;
    }
    if (sp.port !== server.port) {
      servicePorts[String(server.port)] = sp.port;
    }
    if (sp.nodePort !== undefined) {
      nodePorts[String(server.port)] = sp.nodePort;
    }
  }
  const addresses = [
    ...new Set([
      ...(service ? serviceAddresses(service) : []),
      ...extraAddresses,
    ]),
  ];
  return {
    pods: pods.length,
    readyPods: pods.filter(isPodReady).length,
    ...(service && {
      service: refOf(service),
      serviceType: (service.spec?.type ?? 'ClusterIP') as ServiceType,
    }),
    addresses,
    nodePorts,
    servicePorts,
  };
}

/** An Istio Gateway with the workload its selector selects, anywhere. */
export function resolveIstioGateway(
  reads: ChainReads,
  gw: KubeObject,
): ResolvedGateway {
  const selector: Record<string, string> = gw.spec?.selector ?? {};
  const pods = podsSelectedBy(reads, selector);
  const service = gatewayService(reads, pods);
  const servers = istioServers(gw);
  return {
    obj: gw,
    pods,
    ...(service && { service }),
    info: {
      ...baseOf(gw),
      flavor: 'istio',
      selector,
      servers,
      workload: workloadOf(servers, pods, service, []),
    },
  };
}

/**
 * A Gateway API Gateway with the workload Istio deploys for it (pods
 * labelled with the Gateway's name in its namespace).
 */
export function resolveGatewayApiGateway(
  reads: ChainReads,
  gw: KubeObject,
): ResolvedGateway {
  const namespace = gw.metadata.namespace ?? '';
  const name = gw.metadata.name;
  const pods = [
    ...podsSelectedBy(
      reads,
      { 'gateway.networking.k8s.io/gateway-name': name },
      namespace,
    ),
    ...podsSelectedBy(reads, { 'istio.io/gateway-name': name }, namespace),
  ].filter((p, i, all) => all.indexOf(p) === i);
  const service = gatewayService(reads, pods);
  const servers = gatewayApiServers(gw);
  const statusAddresses: any[] = Array.isArray(gw.status?.addresses)
    ? gw.status.addresses
    : [];
  return {
    obj: gw,
    pods,
    ...(service && { service }),
    info: {
      ...baseOf(gw),
      flavor: 'gateway-api',
      ...(gw.spec?.gatewayClassName && {
        gatewayClassName: gw.spec.gatewayClassName,
      }),
      servers,
      workload: workloadOf(
        servers,
        pods,
        service,
        statusAddresses.map(a => a?.value).filter(Boolean),
      ),
    },
  };
}
