/*
 * What a cluster's answers to a change mean for the caller: the field
 * managers a 409 conflict names, and the error each failure becomes (a
 * 403 of the cluster's RBAC says which credential to bind, a 422 the
 * field causes).
 */
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { ChangeFieldOwner } from '@mesh-chain/plugin-mesh-common';
import { ChangeClusterError } from './ChangeCluster';
import type { ChangeWriteTarget } from './changeSettings';
import { KNOWN_MANAGERS } from './fieldOwners';

/** The field managers a 409 names (`conflict with "flagger" using ...`). */
export function conflictingManagers(error: unknown): string[] {
  if (!(error instanceof ChangeClusterError) || error.statusCode !== 409) {
    return [];
  }
  const names = [error.message, ...error.causes.map(c => c.message ?? '')]
    .flatMap(m => [...m.matchAll(/conflict with "([^"]+)"/g)])
    .map(m => m[1]);
  return [...new Set(names)];
}

/** The owner a 409 revealed, with its fields as the server named them. */
export function ownerFromConflict(
  manager: string,
  error: ChangeClusterError,
): ChangeFieldOwner {
  const known = KNOWN_MANAGERS.find(k => k.matches.test(manager));
  const fields = error.causes
    .filter(c => c.message?.includes(`"${manager}"`) && c.field)
    .map(c => String(c.field).replace(/^\./, ''));
  return {
    manager,
    fields,
    role: known?.role ?? 'writer',
    description: known?.description ?? manager,
    consequence:
      known?.consequence ??
      `Nothing keeps the field: the change takes it over from ${manager}.`,
    blocks: !!known,
  };
}

/** Turns what a cluster answered into the error the caller gets. */
export function callerError(
  error: unknown,
  cluster: string,
  target: ChangeWriteTarget,
): Error {
  if (!(error instanceof ChangeClusterError)) {
    return error as Error;
  }
  if (error.statusCode === 403) {
    return new NotAllowedError(
      `Cluster '${cluster}' refused the credential of ${target.at} (403 Forbidden by its RBAC): bind that credential's identity to a Role that may patch this kind in this namespace (see the mesh backend's README). The cluster said: ${error.message}`,
    );
  }
  if (error.statusCode === 422 || error.statusCode === 400) {
    const causes = error.causes
      .map(c => [c.field, c.message].filter(Boolean).join(': '))
      .filter(Boolean);
    return new InputError(
      `Cluster '${cluster}' rejected the change: ${error.message}${
        causes.length && !causes.every(c => error.message.includes(c))
          ? ` (${causes.join('; ')})`
          : ''
      }`,
    );
  }
  if (error.statusCode === 404) {
    return new NotFoundError(`${error.message} in cluster '${cluster}'`);
  }
  if (error.statusCode === 409) {
    return new ConflictError(
      `Another field manager took these fields since the preview (${error.message}); preview the change again.`,
    );
  }
  return new ServiceUnavailableError(`Cluster '${cluster}': ${error.message}`);
}
