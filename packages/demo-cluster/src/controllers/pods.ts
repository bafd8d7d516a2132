/*
 * Scheduler and kubelet: pods are bound to one of three simulated nodes,
 * pull and start their containers, become Ready (after their readiness
 * probe's initial delay, when they have one), and terminate within their
 * grace period when deleted.
 *
 * Simulated failures, for demos of broken rollouts:
 *  - an image on a host ending in `.invalid` (RFC 6761), e.g.
 *    `registry.invalid/app:1`, fails to pull: ErrImagePull, then ImagePullBackOff;
 *  - the pod annotation `demo.mesh-chain.dev/simulate: crashloop` makes the
 *    containers exit with an error after a few seconds: CrashLoopBackOff;
 *  - `demo.mesh-chain.dev/simulate: never-ready` keeps them running but not Ready.
 */
import { now } from '../api/ObjectApi';
import type { KubeObject } from '../types';
import { ControllerRuntime, keyOf, splitKey } from './runtime';
import { fnv1a32 } from '../fnv';

/** The annotation that asks for a simulated failure. @public */
export const SIMULATE_ANNOTATION = 'demo.mesh-chain.dev/simulate';

export const NODES = [
  { name: 'demo-node-1', ip: '172.18.0.2' },
  { name: 'demo-node-2', ip: '172.18.0.3' },
  { name: 'demo-node-3', ip: '172.18.0.4' },
];

const MANAGER = 'kubelet';

function imageFails(image: string | undefined): boolean {
  if (!image) return false;
  const first = image.split('/')[0];
  const host =
    first.includes('.') || first.includes(':') ? first.split(':')[0] : '';
  return host.endsWith('.invalid');
}

function condition(type: string, status: boolean, at: string, reason?: string) {
  return {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(reason && { reason }),
  };
}

export class PodLifecycleController {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly usedIPs = new Set<string>();
  private readonly pullAttempts = new Map<string, number>();
  private readonly terminating = new Set<string>();
  private readonly pods;

  constructor(private readonly rt: ControllerRuntime) {
    this.pods = rt.type('v1', 'Pod');
  }

  start() {
    for (const pod of this.rt.store.list(this.pods)) {
      if (pod.status?.podIP) this.usedIPs.add(pod.status.podIP);
    }
    this.rt.on('Pod', event => {
      const key = keyOf(event.object);
      if (event.type === 'DELETED') {
        this.cancel(key);
        this.terminating.delete(key);
        this.pullAttempts.delete(event.object.metadata.uid ?? '');
        if (event.object.status?.podIP)
          this.usedIPs.delete(event.object.status.podIP);
        return;
      }
      if (event.type === 'ADDED' || event.object.metadata.deletionTimestamp) {
        this.plan(event.object);
      }
    });
    for (const pod of this.rt.store.list(this.pods)) this.plan(pod);
  }

  private cancel(key: string) {
    this.rt.cancel(this.timers.get(key));
    this.timers.delete(key);
  }

  private schedule(
    pod: KubeObject,
    seconds: number,
    fn: (pod: KubeObject) => void,
  ) {
    const key = keyOf(pod);
    const uid = pod.metadata.uid;
    this.cancel(key);
    const t = this.rt.after(seconds, () => {
      this.timers.delete(key);
      const [ns, name] = splitKey(key);
      const current = this.rt.get(this.pods, ns, name);
      if (!current || current.metadata.uid !== uid) return;
      fn(current);
    });
    if (t) this.timers.set(key, t);
  }

  /** Decides the next step for a pod from its current state. */
  private plan(pod: KubeObject) {
    const { timing } = this.rt;
    if (pod.metadata.deletionTimestamp) {
      const key = keyOf(pod);
      if (this.terminating.has(key)) return;
      this.terminating.add(key);
      const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
      this.schedule(pod, Math.min(grace, timing.podTerminationSeconds), p => {
        this.rt.api.remove(
          this.pods,
          p.metadata.namespace!,
          p.metadata.name,
          p,
        );
      });
      return;
    }
    if (!pod.spec?.nodeName) {
      this.schedule(pod, timing.podScheduleSeconds, p => this.bind(p));
      return;
    }
    const statuses: any[] = pod.status?.containerStatuses ?? [];
    const simulate = pod.metadata.annotations?.[SIMULATE_ANNOTATION];
    if (
      !statuses.length ||
      statuses.some(c => c.state?.waiting?.reason === 'ContainerCreating')
    ) {
      this.schedule(pod, timing.podStartSeconds, p => this.startContainers(p));
      return;
    }
    if (statuses.some(c => c.state?.waiting?.reason === 'ErrImagePull')) {
      this.schedule(pod, 2, p => this.backOff(p, 'ImagePullBackOff'));
      return;
    }
    if (statuses.some(c => c.state?.waiting?.reason === 'ImagePullBackOff')) {
      const uid = pod.metadata.uid ?? '';
      const attempts = (this.pullAttempts.get(uid) ?? 0) + 1;
      this.pullAttempts.set(uid, attempts);
      this.schedule(pod, Math.min(300, 10 * 2 ** (attempts - 1)), p =>
        this.startContainers(p),
      );
      return;
    }
    if (statuses.some(c => c.state?.waiting?.reason === 'CrashLoopBackOff')) {
      const restarts = Math.max(...statuses.map(c => c.restartCount ?? 0));
      this.schedule(
        pod,
        Math.min(300, 10 * 2 ** Math.max(0, restarts - 1)),
        p => this.run(p),
      );
      return;
    }
    const running = statuses.every(c => c.state?.running);
    if (running && simulate === 'crashloop') {
      this.schedule(pod, timing.crashAfterSeconds, p => this.crash(p));
      return;
    }
    if (
      running &&
      simulate !== 'never-ready' &&
      !statuses.every(c => c.ready)
    ) {
      const probe = Math.max(
        0,
        ...(pod.spec?.containers ?? []).map((c: any) =>
          c.readinessProbe
            ? (c.readinessProbe.initialDelaySeconds ?? 0) + 1
            : timing.podReadySeconds,
        ),
      );
      this.schedule(pod, probe, p => this.ready(p));
    }
  }

  /** A free address in 10.244.0.0/16, starting from a spot derived from the pod. */
  private allocateIP(pod: KubeObject): string {
    const start = fnv1a32(pod.metadata.uid ?? pod.metadata.name);
    for (let i = 0; i < 65536; i++) {
      const v = (start + i) % 65536;
      const last = v & 255;
      if (v < 256 || last === 0 || last === 255) continue;
      const ip = `10.244.${v >> 8}.${last}`;
      if (!this.usedIPs.has(ip)) {
        this.usedIPs.add(ip);
        return ip;
      }
    }
    throw new Error('pod IP range 10.244.0.0/16 exhausted');
  }

  private bind(pod: KubeObject) {
    const node = NODES[fnv1a32(pod.metadata.name) % NODES.length];
    const at = now();
    const bound = this.rt.mutate(this.pods, pod, 'kube-scheduler', p => {
      p.spec.nodeName = node.name;
    });
    const updated = this.rt.mutate(
      this.pods,
      bound,
      MANAGER,
      p => {
        p.status = {
          ...p.status,
          phase: 'Pending',
          conditions: [
            condition('PodReadyToStartContainers', false, at),
            condition('Initialized', true, at),
            condition('Ready', false, at, 'ContainersNotReady'),
            condition('ContainersReady', false, at, 'ContainersNotReady'),
            condition('PodScheduled', true, at),
          ],
          hostIP: node.ip,
          hostIPs: [{ ip: node.ip }],
          startTime: at,
          containerStatuses: (p.spec.containers ?? []).map((c: any) => ({
            name: c.name,
            image: c.image,
            imageID: '',
            ready: false,
            started: false,
            restartCount: 0,
            state: { waiting: { reason: 'ContainerCreating' } },
            lastState: {},
          })),
        };
      },
      'status',
    );
    this.rt.event(
      updated,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.name}`,
      'default-scheduler',
    );
    this.plan(updated);
  }

  private startContainers(pod: KubeObject) {
    const containers: any[] = pod.spec?.containers ?? [];
    const failing = containers.filter(c => imageFails(c.image));
    if (failing.length) {
      const updated = this.rt.mutate(
        this.pods,
        pod,
        MANAGER,
        p => {
          p.status.containerStatuses = p.status.containerStatuses.map(
            (cs: any) =>
              imageFails(cs.image)
                ? {
                    ...cs,
                    state: {
                      waiting: {
                        reason: 'ErrImagePull',
                        message: `failed to pull and unpack image "${
                          cs.image
                        }": failed to resolve reference "${
                          cs.image
                        }": failed to do request: dial tcp: lookup ${
                          cs.image.split('/')[0]
                        }: no such host`,
                      },
                    },
                  }
                : cs,
          );
        },
        'status',
      );
      for (const c of failing) {
        this.rt.event(
          updated,
          'Normal',
          'Pulling',
          `Pulling image "${c.image}"`,
          'kubelet',
        );
        this.rt.event(
          updated,
          'Warning',
          'Failed',
          `Failed to pull image "${c.image}": no such host`,
          'kubelet',
        );
      }
      this.plan(updated);
      return;
    }
    for (const c of containers) {
      this.rt.event(
        pod,
        'Normal',
        'Pulled',
        `Container image "${c.image}" already present on machine`,
        'kubelet',
      );
      this.rt.event(
        pod,
        'Normal',
        'Created',
        `Created container: ${c.name}`,
        'kubelet',
      );
      this.rt.event(
        pod,
        'Normal',
        'Started',
        `Started container ${c.name}`,
        'kubelet',
      );
    }
    this.run(pod);
  }

  private run(pod: KubeObject) {
    const at = now();
    const ip = pod.status?.podIP ?? this.allocateIP(pod);
    const updated = this.rt.mutate(
      this.pods,
      pod,
      MANAGER,
      p => {
        p.status.phase = 'Running';
        p.status.podIP = ip;
        p.status.podIPs = [{ ip }];
        p.status.conditions = p.status.conditions.map((c: any) =>
          c.type === 'PodReadyToStartContainers' && c.status !== 'True'
            ? { ...c, status: 'True', lastTransitionTime: at }
            : c,
        );
        p.status.containerStatuses = p.status.containerStatuses.map(
          (cs: any) => ({
            ...cs,
            imageID: `docker.io/library/${String(cs.image)
              .split('/')
              .pop()}@sha256:${fnv1a32(cs.image)
              .toString(16)
              .padStart(8, '0')
              .repeat(8)}`,
            containerID: `containerd://${fnv1a32(
              `${p.metadata.uid}/${cs.name}/${cs.restartCount}`,
            )
              .toString(16)
              .padStart(8, '0')
              .repeat(8)}`,
            started: true,
            ready: false,
            state: { running: { startedAt: at } },
          }),
        );
      },
      'status',
    );
    this.plan(updated);
  }

  private ready(pod: KubeObject) {
    const at = now();
    this.rt.remember(`${pod.metadata.uid}/ready`);
    const updated = this.rt.mutate(
      this.pods,
      pod,
      MANAGER,
      p => {
        p.status.containerStatuses = p.status.containerStatuses.map(
          (cs: any) => ({ ...cs, ready: true }),
        );
        p.status.conditions = p.status.conditions.map((c: any) =>
          c.type === 'Ready' || c.type === 'ContainersReady'
            ? {
                type: c.type,
                status: 'True',
                lastProbeTime: null,
                lastTransitionTime: at,
              }
            : c,
        );
      },
      'status',
    );
    this.plan(updated);
  }

  private crash(pod: KubeObject) {
    const at = now();
    const updated = this.rt.mutate(
      this.pods,
      pod,
      MANAGER,
      p => {
        p.status.containerStatuses = p.status.containerStatuses.map(
          (cs: any) => ({
            ...cs,
            ready: false,
            started: false,
            restartCount: (cs.restartCount ?? 0) + 1,
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: cs.state?.running?.startedAt ?? at,
                finishedAt: at,
              },
            },
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 10s restarting failed container=${cs.name} pod=${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`,
              },
            },
          }),
        );
        p.status.conditions = p.status.conditions.map((c: any) =>
          (c.type === 'Ready' || c.type === 'ContainersReady') &&
          c.status === 'True'
            ? {
                ...c,
                status: 'False',
                reason: 'ContainersNotReady',
                lastTransitionTime: at,
              }
            : c,
        );
      },
      'status',
    );
    this.rt.event(
      updated,
      'Warning',
      'BackOff',
      'Back-off restarting failed container',
      'kubelet',
    );
    this.plan(updated);
  }

  private backOff(pod: KubeObject, reason: 'ImagePullBackOff') {
    const updated = this.rt.mutate(
      this.pods,
      pod,
      MANAGER,
      p => {
        p.status.containerStatuses = p.status.containerStatuses.map((cs: any) =>
          cs.state?.waiting?.reason === 'ErrImagePull'
            ? {
                ...cs,
                state: {
                  waiting: {
                    reason,
                    message: `Back-off pulling image "${cs.image}"`,
                  },
                },
              }
            : cs,
        );
      },
      'status',
    );
    this.rt.event(
      updated,
      'Normal',
      'BackOff',
      `Back-off pulling image "${
        (pod.spec.containers ?? []).find((c: any) => imageFails(c.image))?.image
      }"`,
      'kubelet',
    );
    this.plan(updated);
  }

  stop() {
    for (const t of this.timers.values()) this.rt.cancel(t);
    this.timers.clear();
  }
}
