/*
 * How each object of a chain was found: by the component's label selector,
 * or by following a reference from another object (the first way wins).
 */
import { objectKey } from '../../types';
import type { FoundBy, FoundFrom, ResourceBase } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import { refOf } from './objectInfo';

function keyOf(obj: KubeObject): string {
  return objectKey(refOf(obj));
}

/** The way each object of one resolution was first found. */
export class FoundObjects {
  private readonly found = new Map<
    string,
    { foundBy: FoundBy; foundFrom?: FoundFrom }
  >();

  /** Objects the component's label selector selects. */
  byLabel(objects: Iterable<KubeObject>): void {
    for (const obj of objects) {
      const key = keyOf(obj);
      if (!this.found.has(key)) {
        this.found.set(key, { foundBy: 'label' });
      }
    }
  }

  /** An object reached through a reference from another (unless found already). */
  byReference(obj: KubeObject, from: KubeObject, relation: string): void {
    const key = keyOf(obj);
    if (!this.found.has(key)) {
      this.found.set(key, {
        foundBy: 'reference',
        foundFrom: { ref: refOf(from), relation },
      });
    }
  }

  /** Whether an object was found already, one way or the other. */
  has(obj: KubeObject): boolean {
    return this.found.has(keyOf(obj));
  }

  /** A resource with how it was found. */
  annotate<T extends ResourceBase>(info: T): T {
    const how = this.found.get(objectKey(info.ref));
    return how ? { ...info, ...how } : info;
  }
}
