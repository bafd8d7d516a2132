import { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';

/** Where `mesh:chain:apply` may write, from `mesh.scaffolder.targets`. @public */
export interface ApplyTarget {
  cluster: string;
  /** Namespace patterns; `*` matches any run of characters. */
  namespaces: string[];
}

/** Reads `mesh.scaffolder.targets`. @public */
export function readApplyTargets(config: Config): ApplyTarget[] {
  const targets =
    config.getOptionalConfigArray('mesh.scaffolder.targets') ?? [];
  return targets.map((t, i) => {
    const cluster = t.getString('cluster');
    const namespaces = t.getStringArray('namespaces');
    if (namespaces.length === 0) {
      throw new InputError(
        `mesh.scaffolder.targets[${i}].namespaces is empty; list the namespaces templates may write to in cluster '${cluster}' (or ['*'] for all)`,
      );
    }
    return { cluster, namespaces };
  });
}

function matches(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(value);
}

/**
 * Throws `NotAllowedError` unless the configured targets allow writing to
 * the namespace of the cluster.
 *
 * @public
 */
export function assertTargetAllowed(
  targets: ApplyTarget[],
  cluster: string,
  namespace: string,
): void {
  const allowed = targets.some(
    t => t.cluster === cluster && t.namespaces.some(p => matches(p, namespace)),
  );
  if (allowed) {
    return;
  }
  const forCluster = targets.filter(t => t.cluster === cluster);
  let known: string;
  if (targets.length === 0) {
    known =
      'no targets are configured, so templates may not apply to any cluster';
  } else if (forCluster.length === 0) {
    known = `allowed clusters: ${[...new Set(targets.map(t => t.cluster))].join(
      ', ',
    )}`;
  } else {
    known = `allowed namespaces in '${cluster}': ${forCluster
      .flatMap(t => t.namespaces)
      .join(', ')}`;
  }
  throw new NotAllowedError(
    `Templates may not apply to namespace '${namespace}' of cluster '${cluster}' (${known}). An administrator can allow it under mesh.scaffolder.targets in app-config.yaml.`,
  );
}
