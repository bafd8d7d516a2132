/*
 * The ReplicaSet controller: keeps `spec.replicas` pods from the template,
 * deleting the least useful first (unscheduled, then pending, then not
 * ready, then the newest), and reports replicas, fullyLabeledReplicas,
 * readyReplicas, availableReplicas (ready for minReadySeconds) and
 * observedGeneration.
 */
import { fromLabelSelectorSpec } from '../api/selectors';
import type { KubeObject } from '../types';
import {
  ControllerRuntime,
  controllerOf,
  isPodActive,
  isPodReady,
  keyOf,
  splitKey,
} from './runtime';

const MANAGER = 'kube-controller-manager';
const BURST = 500;

function readySince(pod: KubeObject): string | undefined {
  return (pod.status?.conditions ?? []).find(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  )?.lastTransitionTime;
}

function deletionRank(pod: KubeObject): number[] {
  const phaseRank =
    ({ Running: 2, Pending: 1 } as Record<string, number>)[pod.status?.phase] ??
    0;
  const restarts = (pod.status?.containerStatuses ?? []).reduce(
    (a: number, c: any) => a + (c.restartCount ?? 0),
    0,
  );
  return [
    pod.spec?.nodeName ? 1 : 0,
    phaseRank,
    isPodReady(pod) ? 1 : 0,
    -restarts,
    -Date.parse(pod.metadata.creationTimestamp ?? '0'),
  ];
}

export class ReplicaSetController {
  private readonly rs;
  private readonly pods;
  /** ReplicaSet key to its pods' keys. */
  private readonly owned = new Map<string, Set<string>>();
  private readonly queue;

  constructor(private readonly rt: ControllerRuntime) {
    this.rs = rt.type('apps/v1', 'ReplicaSet');
    this.pods = rt.type('v1', 'Pod');
    this.queue = rt.queue('replicaset', key => this.sync(key));
  }

  private ownerKey(pod: KubeObject): string | undefined {
    const ref = controllerOf(pod);
    return ref?.kind === 'ReplicaSet'
      ? `${pod.metadata.namespace}/${ref.name}`
      : undefined;
  }

  private index(pod: KubeObject, add: boolean) {
    const owner = this.ownerKey(pod);
    if (!owner) return;
    let set = this.owned.get(owner);
    if (!set) {
      set = new Set();
      this.owned.set(owner, set);
    }
    if (add) set.add(keyOf(pod));
    else set.delete(keyOf(pod));
  }

  start() {
    for (const pod of this.rt.store.list(this.pods)) this.index(pod, true);
    this.rt.on('Pod', event => {
      if (event.old) this.index(event.old, false);
      if (event.type !== 'DELETED') this.index(event.object, true);
      const owner = this.ownerKey(event.object);
      if (owner) this.queue.add(owner);
    });
    this.rt.on('ReplicaSet', event => this.queue.add(keyOf(event.object)));
    for (const rs of this.rt.store.list(this.rs)) this.queue.add(keyOf(rs));
  }

  private podsOf(rs: KubeObject): KubeObject[] {
    const keys = this.owned.get(keyOf(rs)) ?? new Set();
    const out: KubeObject[] = [];
    for (const key of keys) {
      const [ns, name] = splitKey(key);
      const pod = this.rt.get(this.pods, ns, name);
      if (pod && controllerOf(pod)?.uid === rs.metadata.uid) out.push(pod);
    }
    return out;
  }

  private sync(key: string) {
    const [ns, name] = splitKey(key);
    const rs = this.rt.get(this.rs, ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const all = this.podsOf(rs);
    const active = all.filter(isPodActive);
    const desired = rs.spec?.replicas ?? 1;
    const diff = desired - active.length;
    if (diff > 0) {
      for (let i = 0; i < Math.min(diff, BURST); i++) {
        const pod = this.createPod(rs);
        if (pod) active.push(pod);
      }
    } else if (diff < 0) {
      const victims = [...active]
        .sort((a, b) => {
          const ra = deletionRank(a);
          const rb = deletionRank(b);
          for (let i = 0; i < ra.length; i++)
            if (ra[i] !== rb[i]) return ra[i] - rb[i];
          return 0;
        })
        .slice(0, -diff);
      for (const pod of victims) {
        this.rt.delete(this.pods, pod);
        this.rt.event(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${pod.metadata.name}`,
          'replicaset-controller',
        );
        active.splice(active.indexOf(pod), 1);
      }
    }
    this.updateStatus(rs, active);
  }

  private createPod(rs: KubeObject): KubeObject | undefined {
    const template = rs.spec?.template ?? {};
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: '',
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        ...(template.metadata?.annotations && {
          annotations: { ...template.metadata.annotations },
        }),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name,
            uid: rs.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: JSON.parse(JSON.stringify(template.spec ?? {})),
    };
    delete (pod.metadata as any).name;
    try {
      const created = this.rt.create(this.pods, pod, MANAGER);
      this.rt.event(
        rs,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${created.metadata.name}`,
        'replicaset-controller',
      );
      return created;
    } catch (error) {
      this.rt.event(
        rs,
        'Warning',
        'FailedCreate',
        `Error creating: ${(error as Error).message}`,
        'replicaset-controller',
      );
      this.rt.report(`create pod for ${rs.metadata.name}`, error);
      return undefined;
    }
  }

  private updateStatus(rs: KubeObject, active: KubeObject[]) {
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const selector = fromLabelSelectorSpec(
      rs.spec?.template?.metadata?.labels
        ? { matchLabels: rs.spec.template.metadata.labels }
        : undefined,
    );
    let ready = 0;
    let available = 0;
    let soonest = Infinity;
    for (const pod of active) {
      if (!isPodReady(pod)) continue;
      ready++;
      const since = this.rt.secondsSince(
        `${pod.metadata.uid}/ready`,
        readySince(pod),
      );
      if (since >= minReady) available++;
      else soonest = Math.min(soonest, minReady - since);
    }
    if (soonest !== Infinity) {
      this.rt.after(soonest + 0.01, () => this.queue.add(keyOf(rs)));
    }
    this.rt.mutate(
      this.rs,
      rs,
      MANAGER,
      r => {
        r.status = {
          replicas: active.length,
          fullyLabeledReplicas: active.filter(p =>
            selector.matches(p.metadata.labels),
          ).length,
          readyReplicas: ready,
          availableReplicas: available,
          observedGeneration: r.metadata.generation,
        };
        if (!ready) delete r.status.readyReplicas;
        if (!available) delete r.status.availableReplicas;
        if (!r.status.fullyLabeledReplicas)
          delete r.status.fullyLabeledReplicas;
      },
      'status',
    );
  }
}
