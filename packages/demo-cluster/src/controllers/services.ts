/*
 * Service controllers: the endpoints controller (Endpoints follow the pods a
 * Service selects: ready ones in `addresses`, others in
 * `notReadyAddresses`; named target ports resolved per pod, pods without
 * the named port left out) and the cloud controller's load balancers
 * (LoadBalancer Services get an address from 203.0.113.0/24).
 */
import { fromSelectorMap } from '../api/selectors';
import type { KubeObject } from '../types';
import { ControllerRuntime, isPodReady, keyOf, splitKey } from './runtime';

const MANAGER = 'kube-controller-manager';

function resolvePort(
  pod: KubeObject,
  targetPort: unknown,
  protocol: string,
): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  if (typeof targetPort === 'string' && /^\d+$/.test(targetPort))
    return Number(targetPort);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === targetPort && (p.protocol ?? 'TCP') === protocol)
        return p.containerPort;
    }
  }
  return undefined;
}

export class EndpointsController {
  private readonly services;
  private readonly endpoints;
  private readonly pods;
  private readonly queue;

  constructor(private readonly rt: ControllerRuntime) {
    this.services = rt.type('v1', 'Service');
    this.endpoints = rt.type('v1', 'Endpoints');
    this.pods = rt.type('v1', 'Pod');
    this.queue = rt.queue('endpoints', key => this.sync(key));
  }

  start() {
    this.rt.on('Service', event => this.queue.add(keyOf(event.object)));
    this.rt.on('Pod', event => {
      const ns = event.object.metadata.namespace!;
      for (const svc of this.rt.store.list(this.services, ns)) {
        const selector = fromSelectorMap(svc.spec?.selector);
        if (
          selector.matches(event.object.metadata.labels) ||
          (event.old && selector.matches(event.old.metadata.labels))
        ) {
          this.queue.add(keyOf(svc));
        }
      }
    });
    this.rt.on('Endpoints', event => {
      // Someone changed managed Endpoints: put them back.
      if (event.type !== 'ADDED') this.queue.add(keyOf(event.object));
    });
    for (const svc of this.rt.store.list(this.services))
      this.queue.add(keyOf(svc));
  }

  private sync(key: string) {
    const [ns, name] = splitKey(key);
    const svc = this.rt.get(this.services, ns, name);
    const existing = this.rt.get(this.endpoints, ns, name);
    if (!svc) {
      if (existing) this.rt.delete(this.endpoints, existing);
      return;
    }
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) {
      return; // Endpoints of selector-less Services are the user's.
    }
    const selector = fromSelectorMap(svc.spec.selector);
    const pods = this.rt.store
      .list(this.pods, ns)
      .filter(
        p =>
          selector.matches(p.metadata.labels) &&
          p.status?.podIP &&
          !p.metadata.deletionTimestamp,
      );
    const subsets = new Map<
      string,
      { addresses: any[]; notReadyAddresses: any[]; ports: any[] }
    >();
    for (const pod of pods) {
      const ports: any[] = [];
      let missing = false;
      for (const sp of svc.spec.ports ?? []) {
        const protocol = sp.protocol ?? 'TCP';
        const port = resolvePort(pod, sp.targetPort ?? sp.port, protocol);
        if (port === undefined) {
          missing = true;
          break;
        }
        ports.push({ ...(sp.name && { name: sp.name }), port, protocol });
      }
      if (missing) continue;
      const sig = JSON.stringify(ports);
      let subset = subsets.get(sig);
      if (!subset)
        subsets.set(
          sig,
          (subset = { addresses: [], notReadyAddresses: [], ports }),
        );
      const address = {
        ip: pod.status.podIP,
        nodeName: pod.spec.nodeName,
        targetRef: {
          kind: 'Pod',
          namespace: ns,
          name: pod.metadata.name,
          uid: pod.metadata.uid,
        },
      };
      (isPodReady(pod) ? subset.addresses : subset.notReadyAddresses).push(
        address,
      );
    }
    const byIp = (a: any, b: any) => String(a.ip).localeCompare(String(b.ip));
    const list = [...subsets.values()]
      .map(s => ({
        ...(s.addresses.length && { addresses: s.addresses.sort(byIp) }),
        ...(s.notReadyAddresses.length && {
          notReadyAddresses: s.notReadyAddresses.sort(byIp),
        }),
        ports: s.ports,
      }))
      .sort((a, b) =>
        JSON.stringify(a.ports).localeCompare(JSON.stringify(b.ports)),
      );
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec.clusterIP === 'None')
      labels['service.kubernetes.io/headless'] = '';
    if (!existing) {
      this.rt.create(
        this.endpoints,
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: {
            name,
            namespace: ns,
            ...(Object.keys(labels).length && { labels }),
          },
          ...(list.length && { subsets: list }),
        },
        MANAGER,
      );
      return;
    }
    this.rt.mutate(this.endpoints, existing, MANAGER, e => {
      if (Object.keys(labels).length) e.metadata.labels = labels;
      else delete e.metadata.labels;
      if (list.length) e.subsets = list;
      else delete e.subsets;
    });
  }
}

export class LoadBalancerController {
  private readonly services;
  private readonly pending = new Set<string>();

  constructor(private readonly rt: ControllerRuntime) {
    this.services = rt.type('v1', 'Service');
  }

  start() {
    this.rt.on('Service', event => {
      if (event.type === 'DELETED') return;
      this.check(event.object);
    });
    for (const svc of this.rt.store.list(this.services)) this.check(svc);
  }

  private check(svc: KubeObject) {
    const key = keyOf(svc);
    const ingress = svc.status?.loadBalancer?.ingress ?? [];
    if (svc.spec?.type === 'LoadBalancer') {
      if (ingress.length || this.pending.has(key)) return;
      this.pending.add(key);
      this.rt.event(
        svc,
        'Normal',
        'EnsuringLoadBalancer',
        'Ensuring load balancer',
        'service-controller',
      );
      this.rt.after(this.rt.timing.loadBalancerSeconds, () => {
        this.pending.delete(key);
        const [ns, name] = splitKey(key);
        const current = this.rt.get(this.services, ns, name);
        if (!current || current.spec?.type !== 'LoadBalancer') return;
        const ip = this.rt.api.allocator.loadBalancerIP(current);
        if (!ip) return;
        const updated = this.rt.mutate(
          this.services,
          current,
          'cloud-controller-manager',
          s => {
            s.status = { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } };
          },
          'status',
        );
        this.rt.event(
          updated,
          'Normal',
          'EnsuredLoadBalancer',
          'Ensured load balancer',
          'service-controller',
        );
      });
    } else if (ingress.length) {
      this.rt.api.allocator.releaseLoadBalancer(svc);
      this.rt.mutate(
        this.services,
        svc,
        'cloud-controller-manager',
        s => {
          s.status = { loadBalancer: {} };
        },
        'status',
      );
    }
  }
}
