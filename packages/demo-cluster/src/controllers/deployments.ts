/*
 * The Deployment controller, after kube-controller-manager's: one
 * ReplicaSet per pod template (named with the template hash), rolling
 * updates within maxSurge / maxUnavailable, Recreate, rollbacks reusing an
 * old ReplicaSet, revision history cleanup, and the status and conditions
 * (Available, Progressing with its progress deadline) a real controller
 * reports.
 */
import { now } from '../api/ObjectApi';
import type { KubeObject } from '../types';
import {
  ControllerRuntime,
  controllerOf,
  keyOf,
  setCondition,
  splitKey,
} from './runtime';
import { fnv1a32 } from '../fnv';

const MANAGER = 'kube-controller-manager';
const COMPONENT = 'deployment-controller';
const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map(k => `${JSON.stringify(k)}:${sortedJson((v as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function withoutHash(template: any): any {
  const t = JSON.parse(JSON.stringify(template ?? {}));
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL];
  return t;
}

/**
 * The `pod-template-hash` of a pod template: FNV-32a of the template,
 * encoded with the API machinery's "safe" alphabet. @public
 */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const text =
    sortedJson(withoutHash(template)) +
    (collisionCount ? String(collisionCount) : '');
  return [...String(fnv1a32(text))]
    .map(c => SAFE[c.charCodeAt(0) % SAFE.length])
    .join('');
}

/** Resolves an int-or-percent against a total (rounding up or down). */
function intOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.endsWith('%')) {
    const x = (parseInt(v, 10) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return 0;
}

function surgeAndUnavailable(d: KubeObject): [number, number] {
  const desired = d.spec?.replicas ?? 1;
  if (d.spec?.strategy?.type !== 'RollingUpdate') return [0, 0];
  const ru = d.spec.strategy.rollingUpdate ?? {};
  const surge = intOrPercent(ru.maxSurge ?? '25%', desired, true);
  let unavailable = intOrPercent(ru.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, Math.min(unavailable, desired)];
}

const replicas = (rs: KubeObject) => rs.spec?.replicas ?? 0;
const revisionOf = (rs: KubeObject) =>
  Number(rs.metadata.annotations?.[REVISION] ?? 0);

export class DeploymentController {
  private readonly deployments;
  private readonly rs;
  private readonly owned = new Map<string, Set<string>>();
  private readonly queue;
  private readonly deadlines = new Map<string, NodeJS.Timeout>();

  constructor(private readonly rt: ControllerRuntime) {
    this.deployments = rt.type('apps/v1', 'Deployment');
    this.rs = rt.type('apps/v1', 'ReplicaSet');
    this.queue = rt.queue('deployment', key => this.sync(key));
  }

  private ownerKey(rs: KubeObject) {
    const ref = controllerOf(rs);
    return ref?.kind === 'Deployment'
      ? `${rs.metadata.namespace}/${ref.name}`
      : undefined;
  }

  private index(rs: KubeObject, add: boolean) {
    const owner = this.ownerKey(rs);
    if (!owner) return;
    let set = this.owned.get(owner);
    if (!set) this.owned.set(owner, (set = new Set()));
    if (add) set.add(rs.metadata.name);
    else set.delete(rs.metadata.name);
  }

  start() {
    for (const rs of this.rt.store.list(this.rs)) this.index(rs, true);
    this.rt.on('ReplicaSet', event => {
      if (event.old) this.index(event.old, false);
      if (event.type !== 'DELETED') this.index(event.object, true);
      const owner = this.ownerKey(event.object);
      if (owner) this.queue.add(owner);
    });
    this.rt.on('Deployment', event => {
      if (event.type !== 'DELETED') this.queue.add(keyOf(event.object));
    });
    for (const d of this.rt.store.list(this.deployments))
      this.queue.add(keyOf(d));
  }

  private replicaSetsOf(d: KubeObject): KubeObject[] {
    const out: KubeObject[] = [];
    for (const name of this.owned.get(keyOf(d)) ?? []) {
      const rs = this.rt.get(this.rs, d.metadata.namespace!, name);
      if (rs && controllerOf(rs)?.uid === d.metadata.uid) out.push(rs);
    }
    return out;
  }

  private scale(d: KubeObject, rs: KubeObject, to: number): KubeObject {
    const from = replicas(rs);
    if (from === to) return rs;
    const desired = d.spec?.replicas ?? 1;
    const [surge] = surgeAndUnavailable(d);
    const updated = this.rt.mutate(this.rs, rs, MANAGER, r => {
      r.spec.replicas = to;
      r.metadata.annotations = {
        ...(r.metadata.annotations ?? {}),
        'deployment.kubernetes.io/desired-replicas': String(desired),
        'deployment.kubernetes.io/max-replicas': String(desired + surge),
      };
    });
    this.rt.event(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${to > from ? 'up' : 'down'} replica set ${
        rs.metadata.name
      } from ${from} to ${to}`,
      COMPONENT,
    );
    return updated;
  }

  private sync(key: string) {
    const [ns, name] = splitKey(key);
    const d = this.rt.get(this.deployments, ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const all = this.replicaSetsOf(d);
    const template = d.spec?.template;
    const hash = podTemplateHash(template);
    const wanted = sortedJson(withoutHash(template));
    let newRS = all.find(
      rs => sortedJson(withoutHash(rs.spec?.template)) === wanted,
    );
    let old = all.filter(rs => rs !== newRS);
    const desired = d.spec?.replicas ?? 1;
    const maxOldRevision = Math.max(0, ...old.map(revisionOf));
    let createdNew = false;

    if (d.spec?.paused) {
      this.updateStatus(d, newRS, old, false, createdNew);
      return;
    }

    if (!newRS) {
      newRS = this.createReplicaSet(d, hash, maxOldRevision + 1, old);
      if (!newRS) return;
      createdNew = true;
    } else if (revisionOf(newRS) <= maxOldRevision) {
      // A rollback to an older template: it becomes the newest revision.
      newRS = this.rt.mutate(this.rs, newRS, MANAGER, r => {
        r.metadata.annotations = {
          ...(r.metadata.annotations ?? {}),
          [REVISION]: String(maxOldRevision + 1),
        };
      });
    }

    let scaled = false;
    if (d.spec?.strategy?.type === 'Recreate') {
      const oldRunning = old.some(
        rs => replicas(rs) > 0 || (rs.status?.replicas ?? 0) > 0,
      );
      for (const rs of old) {
        if (replicas(rs) > 0) {
          this.scale(d, rs, 0);
          scaled = true;
        }
      }
      if (!oldRunning && replicas(newRS) !== desired) {
        newRS = this.scale(d, newRS, desired);
        scaled = true;
      }
    } else {
      const [surge, unavailable] = surgeAndUnavailable(d);
      const activeOld = old.filter(rs => replicas(rs) > 0);
      if (!activeOld.length) {
        if (replicas(newRS) !== desired) {
          newRS = this.scale(d, newRS, desired);
          scaled = true;
        }
      } else {
        // Scale up the new ReplicaSet within maxSurge.
        if (replicas(newRS) > desired) {
          newRS = this.scale(d, newRS, desired);
          scaled = true;
        } else if (replicas(newRS) < desired) {
          const total = [newRS, ...old].reduce((a, rs) => a + replicas(rs), 0);
          const room = desired + surge - total;
          if (room > 0) {
            newRS = this.scale(
              d,
              newRS,
              replicas(newRS) + Math.min(room, desired - replicas(newRS)),
            );
            scaled = true;
          }
        }
        // Scale down old ReplicaSets within maxUnavailable.
        const minAvailable = desired - unavailable;
        const allPods = [newRS, ...old].reduce((a, rs) => a + replicas(rs), 0);
        const newUnavailable =
          replicas(newRS) - (newRS.status?.availableReplicas ?? 0);
        let maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown > 0) {
          // First the old pods that are not available anyway.
          for (const rs of [...activeOld].sort(
            (a, b) => revisionOf(a) - revisionOf(b),
          )) {
            if (maxScaledDown <= 0) break;
            const unhealthy =
              replicas(rs) - (rs.status?.availableReplicas ?? 0);
            const down = Math.min(maxScaledDown, Math.max(0, unhealthy));
            if (down > 0) {
              const updated = this.scale(d, rs, replicas(rs) - down);
              old = old.map(x => (x === rs ? updated : x));
              maxScaledDown -= down;
              scaled = true;
            }
          }
          const available = [newRS, ...old].reduce(
            (a, rs) => a + (rs.status?.availableReplicas ?? 0),
            0,
          );
          let total = Math.min(maxScaledDown, available - minAvailable);
          for (const rs of [...old]
            .filter(x => replicas(x) > 0)
            .sort((a, b) => revisionOf(a) - revisionOf(b))) {
            if (total <= 0) break;
            const down = Math.min(total, replicas(rs));
            const updated = this.scale(d, rs, replicas(rs) - down);
            old = old.map(x => (x === rs ? updated : x));
            total -= down;
            scaled = true;
          }
        }
      }
    }

    this.cleanup(d, old);
    this.updateStatus(d, newRS, old, scaled, createdNew);
  }

  private createReplicaSet(
    d: KubeObject,
    hash: string,
    revision: number,
    old: KubeObject[],
  ): KubeObject | undefined {
    const desired = d.spec?.replicas ?? 1;
    const [surge] = surgeAndUnavailable(d);
    const template = JSON.parse(JSON.stringify(d.spec.template));
    template.metadata = template.metadata ?? {};
    template.metadata.labels = {
      ...(template.metadata.labels ?? {}),
      [HASH_LABEL]: hash,
    };
    let initial = desired;
    if (d.spec?.strategy?.type === 'Recreate') {
      initial = old.some(
        rs => replicas(rs) > 0 || (rs.status?.replicas ?? 0) > 0,
      )
        ? 0
        : desired;
    } else if (old.some(rs => replicas(rs) > 0)) {
      const total = old.reduce((a, rs) => a + replicas(rs), 0);
      initial = Math.max(0, Math.min(desired, desired + surge - total));
    }
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(desired),
          'deployment.kubernetes.io/max-replicas': String(desired + surge),
          [REVISION]: String(revision),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: d.metadata.name,
            uid: d.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: initial,
        ...(d.spec.minReadySeconds !== undefined && {
          minReadySeconds: d.spec.minReadySeconds,
        }),
        selector: {
          ...d.spec.selector,
          matchLabels: {
            ...(d.spec.selector?.matchLabels ?? {}),
            [HASH_LABEL]: hash,
          },
        },
        template,
      },
    };
    try {
      const created = this.rt.create(this.rs, rs, MANAGER);
      if (initial > 0) {
        this.rt.event(
          d,
          'Normal',
          'ScalingReplicaSet',
          `Scaled up replica set ${created.metadata.name} from 0 to ${initial}`,
          COMPONENT,
        );
      }
      return created;
    } catch (error) {
      this.rt.report(`create replicaset for ${d.metadata.name}`, error);
      return undefined;
    }
  }

  private cleanup(d: KubeObject, old: KubeObject[]) {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const idle = old
      .filter(
        rs =>
          replicas(rs) === 0 &&
          (rs.status?.replicas ?? 0) === 0 &&
          !rs.metadata.deletionTimestamp,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.rt.delete(this.rs, rs);
    }
  }

  private updateStatus(
    d: KubeObject,
    newRS: KubeObject | undefined,
    old: KubeObject[],
    scaled: boolean,
    createdNew: boolean,
  ) {
    const all = newRS ? [newRS, ...old] : old;
    const desired = d.spec?.replicas ?? 1;
    const [, unavailable] = surgeAndUnavailable(d);
    const sum = (f: (rs: KubeObject) => number) =>
      all.reduce((a, rs) => a + f(rs), 0);
    const status: any = {
      observedGeneration: d.metadata.generation,
      replicas: sum(rs => rs.status?.replicas ?? 0),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sum(rs => rs.status?.readyReplicas ?? 0),
      availableReplicas: sum(rs => rs.status?.availableReplicas ?? 0),
    };
    status.unavailableReplicas = Math.max(
      0,
      sum(replicas) - status.availableReplicas,
    );
    const previous = d.status ?? {};
    let conditions = previous.conditions;
    const minAvailable = desired - unavailable;
    conditions = setCondition(
      conditions,
      status.availableReplicas >= minAvailable
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
      { lastUpdateTime: true },
    );
    const rsName = newRS?.metadata.name ?? d.metadata.name;
    const complete =
      status.updatedReplicas === desired &&
      status.replicas === desired &&
      status.availableReplicas === desired &&
      old.every(rs => replicas(rs) === 0);
    const progressed =
      createdNew ||
      scaled ||
      status.updatedReplicas > (previous.updatedReplicas ?? 0) ||
      status.readyReplicas > (previous.readyReplicas ?? 0) ||
      status.availableReplicas > (previous.availableReplicas ?? 0);
    const current = (conditions as any[]).find(c => c.type === 'Progressing');
    const deadline = d.spec?.progressDeadlineSeconds ?? 600;
    if (d.spec?.paused) {
      conditions = setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentPaused',
          message: 'Deployment is paused',
        },
        { lastUpdateTime: true },
      );
    } else if (complete) {
      conditions = setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
        { lastUpdateTime: true },
      );
    } else if (createdNew) {
      this.rt.remember(`${d.metadata.uid}/progress`);
      conditions = setCondition(
        conditions,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetCreated',
          message: `Created new replica set "${rsName}"`,
        },
        { lastUpdateTime: true },
      );
    } else if (progressed || !current) {
      conditions = setCondition(
        conditions,
        current || progressed
          ? {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${rsName}" is progressing.`,
            }
          : {
              type: 'Progressing',
              status: 'True',
              reason: 'FoundNewReplicaSet',
              message: `Found new replica set "${rsName}"`,
            },
        { lastUpdateTime: true },
      );
      // Each bit of progress moves the deadline.
      const c = (conditions as any[]).find(x => x.type === 'Progressing');
      c.lastUpdateTime = now();
      this.rt.remember(`${d.metadata.uid}/progress`);
    } else if (
      current?.status === 'True' &&
      current.reason !== 'NewReplicaSetAvailable'
    ) {
      const since = this.rt.secondsSince(
        `${d.metadata.uid}/progress`,
        current.lastUpdateTime,
      );
      if (since >= deadline) {
        conditions = setCondition(
          conditions,
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${rsName}" has timed out progressing.`,
          },
          { lastUpdateTime: true },
        );
        this.rt.event(
          d,
          'Warning',
          'ProgressDeadlineExceeded',
          `Deployment "${d.metadata.name}" has timed out progressing.`,
          COMPONENT,
        );
      }
    }
    status.conditions = conditions;
    if (!status.readyReplicas) delete status.readyReplicas;
    if (!status.availableReplicas) delete status.availableReplicas;
    if (!status.unavailableReplicas) delete status.unavailableReplicas;
    if (!status.updatedReplicas) delete status.updatedReplicas;
    const updated = this.rt.mutate(
      this.deployments,
      d,
      MANAGER,
      x => {
        x.status = status;
      },
      'status',
    );
    this.armDeadline(updated, deadline, complete);
  }

  /** Re-syncs when the progress deadline would pass without progress. */
  private armDeadline(d: KubeObject, deadline: number, complete: boolean) {
    const key = keyOf(d);
    this.rt.cancel(this.deadlines.get(key));
    this.deadlines.delete(key);
    const c = (d.status?.conditions ?? []).find(
      (x: any) => x.type === 'Progressing',
    );
    if (complete || !c || c.status !== 'True') return;
    const left =
      deadline -
      this.rt.secondsSince(`${d.metadata.uid}/progress`, c.lastUpdateTime);
    const t = this.rt.after(Math.max(0, left) + 0.05, () => {
      this.deadlines.delete(key);
      this.queue.add(key);
    });
    if (t) this.deadlines.set(key, t);
  }
}
