import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  kubernetesClustersReadPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import {
  AuthorizeResult,
  Permission,
} from '@backstage/plugin-permission-common';
import { RecentEntities } from './RecentEntities';

const KIND = /^[a-zA-Z][a-zA-Z0-9]*$/;
const NAME = /^[a-zA-Z0-9]+(?:[-._][a-zA-Z0-9]+)*$/;

/**
 * Validates an entity reference given as `kind`, `namespace` and `name`,
 * naming the offending part and what it should look like.
 */
export function parseEntityParts(parts: {
  kind: string;
  namespace: string;
  name: string;
}): CompoundEntityRef {
  const check = (
    field: string,
    value: string,
    pattern: RegExp,
    what: string,
  ) => {
    if (!value || value.length > 63 || !pattern.test(value)) {
      throw new InputError(
        `Malformed entity reference: ${field} '${value}' is not valid; expected ${what}, e.g. /entities/component/default/my-service`,
      );
    }
  };
  check(
    'kind',
    parts.kind,
    KIND,
    'a kind of letters and digits such as component',
  );
  check(
    'namespace',
    parts.namespace,
    NAME,
    'up to 63 letters, digits and [-._] separators, such as default',
  );
  check(
    'name',
    parts.name,
    NAME,
    'up to 63 letters, digits and [-._] separators, starting and ending with a letter or digit',
  );
  // toLowerCase: the same as toLocaleLowerCase('en-US') (no tailoring), a
  // thousand times cheaper on a string just read from a URL.
  return {
    kind: parts.kind.toLowerCase(),
    namespace: parts.namespace.toLowerCase(),
    name: parts.name,
  };
}

/** Parses an entity reference string such as `component:default/reviews`. */
export function parseEntityRefString(ref: string): CompoundEntityRef {
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `Malformed entity reference '${ref}': ${
        (error as Error).message
      }; expected e.g. component:default/my-service`,
    );
  }
  return parseEntityParts(parsed);
}

/**
 * Permission checks: the caller must hold `kubernetes.resources.read` and be
 * allowed to read the entity in the catalog (checked by the catalog itself,
 * with the caller's credentials: an entity they may not see is not found).
 * The permission is decided on every call; the catalog's answer is kept a
 * few seconds per caller and entity (see RecentEntities).
 */
export class MeshAccess {
  constructor(
    private readonly catalog: CatalogService,
    private readonly permissions: PermissionsService,
    private readonly recent = new RecentEntities(),
  ) {}

  private async require(
    permission: Permission,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize(
      [{ permission: permission as any }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Reading mesh chains needs the ${permission.name} permission`,
      );
    }
  }

  async requireClustersRead(credentials: BackstageCredentials): Promise<void> {
    await this.require(kubernetesClustersReadPermission, credentials);
  }

  /**
   * The entity, if the caller may read it and Kubernetes resources: the
   * catalog's answer of the last few seconds for reads, asked now with
   * `fresh` (before a change).
   */
  async entityFor(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    options: { fresh?: boolean } = {},
  ): Promise<Entity> {
    await this.require(kubernetesResourcesReadPermission, credentials);
    const lookup = () => this.catalog.getEntityByRef(ref, { credentials });
    const entity = options.fresh
      ? await lookup()
      : await this.recent.get(credentials, stringifyEntityRef(ref), lookup);
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    return entity;
  }
}
