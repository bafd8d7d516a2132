/*
 * Keeping memory bounded: each object is reduced to its record before it
 * is cached (or read directly for a chain): the fields the chain engine,
 * its diagnostics and the chain answer read, by kind (`chainRecordOf` of
 * `@mesh-chain/plugin-mesh-common`), shaped as a smaller Kubernetes object. No `managedFields`, no
 * annotations, no uid; pods keep their containers' names, images and
 * ports, their phase, pod IP, Ready condition and container states and
 * restarts; ReplicaSets only their labels and owner. Then the size limits
 * of `limits.ts` apply: over-long strings are cut (saying so), and an
 * object over the per-object budget loses its spec and status (a problem
 * of the object). Repeated strings, and equal objects and arrays, are
 * kept once (`sharedValues.ts`), and objects of the same shape share one
 * hidden class (`sharedShapes.ts`).
 *
 * "Show YAML" reads the object from the cluster instead
 * (`displayObject.ts`).
 */

import {
  chainRecordOf,
  KubeObject,
  WatchedKind,
} from '@mesh-chain/plugin-mesh-common';
import { boundObject } from './limits';
import { checkObject, TrimmedObject } from './objectChecks';
import { shareValues } from './sharedValues';

export type { TrimmedObject } from './objectChecks';

/**
 * Validates one object of a watched kind and keeps the fields the chain
 * reads (see above), within the size limits. `apiVersion` and `kind`
 * are filled in when the API server leaves them out (list items).
 */
export function keepChainFields(
  kind: WatchedKind,
  raw: unknown,
  defaults: { apiVersion: string; kind: string },
): TrimmedObject {
  const checked = checkObject(raw, defaults);
  if ('problem' in checked) {
    return checked;
  }
  const { labels, problems } = checked;
  const record = chainRecordOf(kind, {
    apiVersion: checked.apiVersion,
    kind: checked.kind,
    // Labels as checked: strings only.
    metadata: { ...checked.metadata, labels },
    ...(checked.spec && { spec: checked.spec }),
    ...(checked.status && { status: checked.status }),
  });
  problems.push(...boundObject(record));
  const object: KubeObject = shareValues(record);
  return problems.length
    ? { object, problem: problems.join(', ') }
    : { object };
}
