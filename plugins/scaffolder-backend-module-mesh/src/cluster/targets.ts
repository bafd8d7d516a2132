import { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  namespaceMatches,
  readClusterCredential,
  type MeshClusterCredential,
} from '@mesh-chain/plugin-mesh-node';

/** Where `mesh:chain:apply` may write, from `mesh.scaffolder.targets`. @public */
export interface ApplyTarget {
  cluster: string;
  /** Namespace patterns; `*` matches any run of characters. */
  namespaces: string[];
  /**
   * The credential templates write with (`credentials`). Without it they
   * write with the cluster's own credential from
   * `kubernetes.clusterLocatorMethods`, which is what the portal reads with.
   */
  credential?: MeshClusterCredential;
  /** Where the target is configured, e.g. `mesh.scaffolder.targets[0]`. */
  at: string;
}

/**
 * Reads `mesh.scaffolder.targets`, with each target's write credential
 * (`credentials`, configured like a cluster's auth: `serviceAccountToken`,
 * or `authProvider` and its fields).
 *
 * @public
 */
export function readApplyTargets(config: Config): ApplyTarget[] {
  const targets =
    config.getOptionalConfigArray('mesh.scaffolder.targets') ?? [];
  return targets.map((t, i) => {
    const at = `mesh.scaffolder.targets[${i}]`;
    const cluster = t.getString('cluster');
    const namespaces = t.getStringArray('namespaces');
    if (namespaces.length === 0) {
      throw new InputError(
        `${at}.namespaces is empty; list the namespaces templates may write to in cluster '${cluster}' (or ['*'] for all)`,
      );
    }
    const credentials = t.getOptionalConfig('credentials');
    return {
      cluster,
      namespaces,
      at,
      ...(credentials && {
        credential: readClusterCredential(credentials, `${at}.credentials`),
      }),
    };
  });
}

function refusal(
  targets: ApplyTarget[],
  cluster: string,
  namespace: string,
): NotAllowedError {
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
      .map(t => `${t.namespaces.join(', ')} (${t.at})`)
      .join('; ')}`;
  }
  return new NotAllowedError(
    `Templates may not apply to namespace '${namespace}' of cluster '${cluster}' (${known}). An administrator can allow it under mesh.scaffolder.targets in app-config.yaml, with a credential whose RBAC allows writing there.`,
  );
}

/**
 * The target that allows writing to all of the namespaces in the cluster
 * (the first that allows each); throws `NotAllowedError` naming the
 * namespace and the configured targets when none does, and `InputError`
 * when the namespaces belong to targets with different credentials.
 *
 * @public
 */
export function targetFor(
  targets: ApplyTarget[],
  cluster: string,
  namespaces: string[],
): ApplyTarget {
  const chosen = new Map<ApplyTarget, string[]>();
  for (const namespace of namespaces) {
    const target = targets.find(
      t =>
        t.cluster === cluster &&
        t.namespaces.some(p => namespaceMatches(p, namespace)),
    );
    if (!target) {
      throw refusal(targets, cluster, namespace);
    }
    chosen.set(target, [...(chosen.get(target) ?? []), namespace]);
  }
  const [first, ...others] = chosen.keys();
  if (others.length > 0) {
    throw new InputError(
      `The manifests write to namespaces of different targets (${[...chosen]
        .map(([t, ns]) => `${ns.join(', ')}: ${t.at}`)
        .join(
          '; ',
        )}), which may have different credentials; apply them in separate steps`,
    );
  }
  return first;
}

/**
 * Throws `NotAllowedError` unless the configured targets allow writing to
 * the namespace of the cluster; returns the target that does.
 *
 * @public
 */
export function assertTargetAllowed(
  targets: ApplyTarget[],
  cluster: string,
  namespace: string,
): ApplyTarget {
  return targetFor(targets, cluster, [namespace]);
}
