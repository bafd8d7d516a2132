/*
 * Garbage collection (dependents go when their owner goes, in the
 * background) and namespace deletion (a Terminating namespace loses its
 * contents, then goes).
 */
import { RESOURCE_TYPES, ResourceType, resourceKey } from '../api/resources';
import type { KubeObject } from '../types';
import { ControllerRuntime } from './runtime';

export class GarbageCollector {
  /** Owner uid to dependents (`type key|namespace|name`). */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly types = new Map(
    RESOURCE_TYPES.map(t => [resourceKey(t), t]),
  );

  constructor(private readonly rt: ControllerRuntime) {}

  private ref(t: ResourceType, o: KubeObject) {
    return `${resourceKey(t)}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
  }

  private index(t: ResourceType, o: KubeObject, add: boolean) {
    for (const owner of o.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(owner.uid);
      if (!set) this.dependents.set(owner.uid, (set = new Set()));
      if (add) set.add(this.ref(t, o));
      else set.delete(this.ref(t, o));
    }
  }

  start() {
    const uids = new Set<string>();
    for (const t of RESOURCE_TYPES) {
      for (const o of this.rt.store.list(t)) {
        this.index(t, o, true);
        if (o.metadata.uid) uids.add(o.metadata.uid);
      }
    }
    this.rt.onAny(event => {
      if (event.old) this.index(event.resource, event.old, false);
      if (event.type !== 'DELETED')
        this.index(event.resource, event.object, true);
      if (event.type === 'DELETED' && event.object.metadata.uid) {
        this.collect(event.object.metadata.uid);
      }
    });
    // Dependents whose owners are gone (e.g. deleted while we were stopped).
    for (const uid of [...this.dependents.keys()]) {
      if (!uids.has(uid)) this.rt.after(0, () => this.collect(uid));
    }
  }

  private collect(ownerUid: string) {
    const set = this.dependents.get(ownerUid);
    if (!set) return;
    this.dependents.delete(ownerUid);
    for (const ref of set) {
      const [key, ns, name] = ref.split('|');
      const t = this.types.get(key);
      const o = t && this.rt.get(t, ns, name);
      if (!t || !o) continue;
      const remaining = (o.metadata.ownerReferences ?? []).filter(
        r => r.uid !== ownerUid,
      );
      // Still owned by someone else that exists: keep it.
      if (remaining.length) continue;
      this.rt.delete(t, o);
    }
  }
}

export class NamespaceController {
  private readonly namespaces;
  private readonly busy = new Set<string>();

  constructor(private readonly rt: ControllerRuntime) {
    this.namespaces = rt.type('v1', 'Namespace');
  }

  start() {
    this.rt.on('Namespace', event => {
      if (event.type !== 'DELETED' && event.object.metadata.deletionTimestamp) {
        this.finalize(event.object.metadata.name);
      }
    });
    for (const ns of this.rt.store.list(this.namespaces)) {
      if (ns.metadata.deletionTimestamp) this.finalize(ns.metadata.name);
    }
  }

  private finalize(name: string) {
    if (this.busy.has(name)) return;
    this.busy.add(name);
    const step = () => {
      const ns = this.rt.get(this.namespaces, '', name);
      if (!ns) {
        this.busy.delete(name);
        return;
      }
      let left = 0;
      for (const t of RESOURCE_TYPES) {
        if (!t.namespaced) continue;
        for (const o of this.rt.store.list(t, name)) {
          left++;
          if (!o.metadata.deletionTimestamp) this.rt.delete(t, o);
        }
      }
      if (left === 0) {
        this.busy.delete(name);
        this.rt.api.remove(this.namespaces, '', name, ns);
        return;
      }
      this.rt.after(0.5, step);
    };
    this.rt.after(0, step);
  }
}
