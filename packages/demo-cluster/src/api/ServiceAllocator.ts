/*
 * Service address allocation, as the API server's registry does it on
 * create/update: cluster IPs from the service CIDR, node ports from
 * 30000-32767 (a requested port that is taken or out of range is rejected
 * with 422), and load balancer addresses from a documentation-only range
 * (203.0.113.0/24, RFC 5737) for the simulated cloud controller.
 */
import { randomInt } from 'crypto';
import type { StatusCause } from './errors';
import type { KubeObject } from '../types';

const SERVICE_CIDR = '10.96.0.0/16';
const NODE_PORT_RANGE = [30000, 32767] as const;

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (
    parts.length !== 4 ||
    parts.some(p => !Number.isInteger(p) || p < 0 || p > 255)
  ) {
    return undefined;
  }
  return (
    ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]
  );
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const CLUSTER_BASE = ipToInt('10.96.0.0')!;
const CLUSTER_SIZE = 1 << 16;
const LB_BASE = ipToInt('203.0.113.0')!;

function key(svc: KubeObject) {
  return `${svc.metadata.namespace}/${svc.metadata.name}`;
}

/** What a Service needs allocated; filled in on the object by `allocate`. */
export class ServiceAllocator {
  private readonly clusterIPs = new Map<string, string>();
  private readonly nodePorts = new Map<number, string>();
  private readonly lbIPs = new Map<string, string>();

  /** Records the addresses of existing Services (at start-up). */
  rebuild(services: KubeObject[]) {
    this.clusterIPs.clear();
    this.nodePorts.clear();
    this.lbIPs.clear();
    for (const svc of services) {
      const owner = key(svc);
      if (svc.spec?.clusterIP && svc.spec.clusterIP !== 'None') {
        this.clusterIPs.set(svc.spec.clusterIP, owner);
      }
      for (const p of svc.spec?.ports ?? []) {
        if (p.nodePort) this.nodePorts.set(p.nodePort, owner);
      }
      for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
        if (ing.ip) this.lbIPs.set(ing.ip, owner);
      }
    }
  }

  /**
   * Fills in `spec.clusterIP(s)` and node ports on `svc` (in place), checking
   * requested values. With `commit` false (dry run) nothing is reserved.
   * Returns causes for a 422 when a requested value cannot be had.
   */
  allocate(
    svc: KubeObject,
    old: KubeObject | undefined,
    commit: boolean,
  ): StatusCause[] {
    const owner = key(svc);
    const spec = svc.spec;
    const causes: StatusCause[] = [];
    const reserveIP: string[] = [];
    const reservePorts: number[] = [];

    if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else {
      const wanted: string | undefined =
        spec.clusterIP ?? (spec.clusterIPs ?? [])[0] ?? old?.spec?.clusterIP;
      if (wanted === 'None') {
        spec.clusterIP = 'None';
        spec.clusterIPs = ['None'];
      } else if (wanted) {
        const n = ipToInt(wanted);
        const holder = this.clusterIPs.get(wanted);
        if (
          n === undefined ||
          n < CLUSTER_BASE ||
          n >= CLUSTER_BASE + CLUSTER_SIZE
        ) {
          causes.push({
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify([
              wanted,
            ])}: failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`,
            field: 'spec.clusterIPs',
          });
        } else if (holder && holder !== owner) {
          causes.push({
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify([
              wanted,
            ])}: failed to allocate IP ${wanted}: provided IP is already allocated`,
            field: 'spec.clusterIPs',
          });
        } else {
          spec.clusterIP = wanted;
          spec.clusterIPs = [wanted];
          reserveIP.push(wanted);
        }
      } else {
        const ip = this.freeClusterIP();
        if (!ip) {
          causes.push({
            reason: 'InternalError',
            message: 'failed to allocate a serviceIP: range is full',
            field: 'spec.clusterIPs',
          });
        } else {
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
          reserveIP.push(ip);
        }
      }
    }

    const wantsNodePorts =
      spec.type === 'NodePort' ||
      (spec.type === 'LoadBalancer' &&
        spec.allocateLoadBalancerNodePorts !== false);
    const taken = new Set<number>();
    (spec.ports ?? []).forEach((p: any, i: number) => {
      if (!wantsNodePorts) {
        if (spec.type === 'ClusterIP' || spec.type === 'ExternalName')
          delete p.nodePort;
        return;
      }
      const previous = old?.spec?.ports?.find(
        (o: any) =>
          o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'),
      )?.nodePort;
      const wanted: number | undefined = p.nodePort ?? previous;
      const field = `spec.ports[${i}].nodePort`;
      if (wanted !== undefined) {
        const holder = this.nodePorts.get(wanted);
        if (wanted < NODE_PORT_RANGE[0] || wanted > NODE_PORT_RANGE[1]) {
          causes.push({
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${wanted}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE[0]}-${NODE_PORT_RANGE[1]}`,
            field,
          });
        } else if ((holder && holder !== owner) || taken.has(wanted)) {
          causes.push({
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${wanted}: provided port is already allocated`,
            field,
          });
        } else {
          p.nodePort = wanted;
          taken.add(wanted);
          reservePorts.push(wanted);
        }
      } else {
        const port = this.freeNodePort(taken);
        if (port) {
          p.nodePort = port;
          taken.add(port);
          reservePorts.push(port);
        }
      }
    });

    if (causes.length || !commit) {
      return causes;
    }
    this.release(old ?? svc, {
      keepIPs: reserveIP,
      keepPorts: reservePorts,
      owner,
    });
    for (const ip of reserveIP) this.clusterIPs.set(ip, owner);
    for (const p of reservePorts) this.nodePorts.set(p, owner);
    return [];
  }

  /** Frees what a Service held (on delete, or what an update gave up). */
  release(
    svc: KubeObject,
    keep: { keepIPs?: string[]; keepPorts?: number[]; owner?: string } = {},
  ) {
    const owner = keep.owner ?? key(svc);
    for (const [ip, holder] of [...this.clusterIPs]) {
      if (holder === owner && !keep.keepIPs?.includes(ip))
        this.clusterIPs.delete(ip);
    }
    for (const [port, holder] of [...this.nodePorts]) {
      if (holder === owner && !keep.keepPorts?.includes(port))
        this.nodePorts.delete(port);
    }
    if (!keep.keepIPs) {
      for (const [ip, holder] of [...this.lbIPs]) {
        if (holder === owner) this.lbIPs.delete(ip);
      }
    }
  }

  /** A load balancer address for a Service (idempotent). */
  loadBalancerIP(svc: KubeObject): string | undefined {
    const owner = key(svc);
    for (const [ip, holder] of this.lbIPs) if (holder === owner) return ip;
    for (let i = 1; i < 255; i++) {
      const ip = intToIp(LB_BASE + i);
      if (!this.lbIPs.has(ip)) {
        this.lbIPs.set(ip, owner);
        return ip;
      }
    }
    return undefined;
  }

  /** Gives up a Service's load balancer address (type changed). */
  releaseLoadBalancer(svc: KubeObject) {
    const owner = key(svc);
    for (const [ip, holder] of [...this.lbIPs]) {
      if (holder === owner) this.lbIPs.delete(ip);
    }
  }

  private freeClusterIP(): string | undefined {
    // Random like the API server, skipping the network and .1 (kubernetes).
    for (let attempt = 0; attempt < 64; attempt++) {
      const n = CLUSTER_BASE + randomInt(2, CLUSTER_SIZE - 1);
      const ip = intToIp(n);
      if (!this.clusterIPs.has(ip)) return ip;
    }
    for (let n = CLUSTER_BASE + 2; n < CLUSTER_BASE + CLUSTER_SIZE - 1; n++) {
      const ip = intToIp(n);
      if (!this.clusterIPs.has(ip)) return ip;
    }
    return undefined;
  }

  private freeNodePort(taken: Set<number>): number | undefined {
    const [lo, hi] = NODE_PORT_RANGE;
    for (let attempt = 0; attempt < 64; attempt++) {
      const p = randomInt(lo, hi + 1);
      if (!this.nodePorts.has(p) && !taken.has(p)) return p;
    }
    for (let p = lo; p <= hi; p++) {
      if (!this.nodePorts.has(p) && !taken.has(p)) return p;
    }
    return undefined;
  }
}
