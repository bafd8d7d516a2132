/*
 * `mesh.changes`: where owners may change their traffic, and the
 * credential each change is written with. Nothing is allowed without it.
 */
import type { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  MeshClusterCredential,
  namespaceMatches,
  readClusterCredential,
} from '@mesh-chain/plugin-mesh-node';

/** Where changes may be written, and with what. */
export interface ChangeWriteTarget {
  cluster: string;
  /** Namespace patterns; `*` matches any run of characters. */
  namespaces: string[];
  /** The write credential (never the portal's read credential). */
  credential: MeshClusterCredential;
  /** Where it is configured, e.g. `mesh.changes.targets[0]`. */
  at: string;
}

/** The `mesh.changes` settings. */
export interface ChangeSettings {
  /** The field manager of every change (`fieldManager`). */
  fieldManager: string;
  targets: ChangeWriteTarget[];
}

/** The field manager the scaffolder's `mesh:chain:apply` uses by default. */
const TEMPLATE_FIELD_MANAGER = 'backstage-mesh';
const DEFAULT_FIELD_MANAGER = 'backstage-mesh-changes';

function readFieldManager(config: Config): string {
  const value =
    config.getOptionalString('fieldManager') ?? DEFAULT_FIELD_MANAGER;
  if (!/^[\x21-\x7e]{1,128}$/.test(value)) {
    throw new InputError(
      `Invalid mesh.changes.fieldManager '${value}': a field manager is 1-128 printable characters without spaces, e.g. ${DEFAULT_FIELD_MANAGER}`,
    );
  }
  if (value === TEMPLATE_FIELD_MANAGER) {
    throw new InputError(
      `mesh.changes.fieldManager must not be '${TEMPLATE_FIELD_MANAGER}', the field manager templates apply whole chains with: server-side apply removes what a manager stops applying, so a change applied as '${TEMPLATE_FIELD_MANAGER}' would delete everything the template applied. Keep the default, ${DEFAULT_FIELD_MANAGER}.`,
    );
  }
  return value;
}

/**
 * Reads `mesh.changes`; every target needs its own `credentials` (changes
 * are never written with the cluster's read credential).
 */
export function readChangeSettings(root: Config): ChangeSettings {
  const config = root.getOptionalConfig('mesh.changes');
  if (!config) {
    return { fieldManager: DEFAULT_FIELD_MANAGER, targets: [] };
  }
  const targets = (config.getOptionalConfigArray('targets') ?? []).map(
    (t, i) => {
      const at = `mesh.changes.targets[${i}]`;
      const cluster = t.getString('cluster');
      const namespaces = t.getStringArray('namespaces');
      if (namespaces.length === 0) {
        throw new InputError(
          `${at}.namespaces is empty; list the namespaces whose objects owners may change in cluster '${cluster}' (or ['*'] for all)`,
        );
      }
      const credentials = t.getOptionalConfig('credentials');
      if (!credentials) {
        throw new InputError(
          `${at}.credentials is missing; changes are written with a credential of their own (e.g. credentials: { serviceAccountToken: \${CHANGES_TOKEN} }), never with the cluster's read credential`,
        );
      }
      return {
        cluster,
        namespaces,
        at,
        credential: readClusterCredential(credentials, `${at}.credentials`),
      };
    },
  );
  return { fieldManager: readFieldManager(config), targets };
}

/**
 * The target that allows changes to a namespace of a cluster; a
 * `NotAllowedError` naming what is configured otherwise.
 */
export function changeTargetFor(
  settings: ChangeSettings,
  cluster: string,
  namespace: string,
): ChangeWriteTarget {
  const target = settings.targets.find(
    t =>
      t.cluster === cluster &&
      t.namespaces.some(p => namespaceMatches(p, namespace)),
  );
  if (target) {
    return target;
  }
  const forCluster = settings.targets.filter(t => t.cluster === cluster);
  let known: string;
  if (settings.targets.length === 0) {
    known = 'no targets are configured, so no cluster allows changes';
  } else if (forCluster.length === 0) {
    known = `clusters that allow changes: ${[
      ...new Set(settings.targets.map(t => t.cluster)),
    ].join(', ')}`;
  } else {
    known = `namespaces that allow changes in '${cluster}': ${forCluster
      .map(t => `${t.namespaces.join(', ')} (${t.at})`)
      .join('; ')}`;
  }
  throw new NotAllowedError(
    `Changes are not enabled for namespace '${namespace}' of cluster '${cluster}' (${known}). An administrator can enable them under mesh.changes.targets, with a credential whose RBAC may patch there.`,
  );
}
