import type { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { component } from '../__testUtils__/testBackend';
import { MeshAccess } from './MeshAccess';
import { RECENT_ENTITY_TTL_MS, RecentEntities } from './RecentEntities';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const REVIEWS = { kind: 'component', namespace: 'default', name: 'reviews' };

/**
 * A catalog whose entities each user may read or not (as the catalog's own
 * permission rules decide), counting its lookups.
 */
function fakeCatalog(entity: Entity) {
  const readers = new Set<string>();
  const lookups: string[] = [];
  const catalog = {
    async getEntityByRef(_ref: unknown, options: any) {
      const user = options.credentials.principal.userEntityRef;
      lookups.push(user);
      return readers.has(user) ? entity : undefined;
    },
  } as unknown as CatalogService;
  return { catalog, readers, lookups };
}

/** Allows kubernetes.resources.read to the users in `allowed`. */
function fakePermissions(allowed: Set<string>): PermissionsService {
  return {
    async authorize(requests, options) {
      const user = (options.credentials.principal as any).userEntityRef;
      return requests.map(() => ({
        result: allowed.has(user)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })) as any;
    },
    async authorizeConditional(requests) {
      return requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any;
    },
  };
}

function setup() {
  let now = 10_000;
  const { catalog, readers, lookups } = fakeCatalog(component('reviews'));
  const allowed = new Set([ALICE, BOB]);
  const access = new MeshAccess(
    catalog,
    fakePermissions(allowed),
    new RecentEntities({ now: () => now }),
  );
  return {
    access,
    readers,
    allowed,
    lookups,
    lookup: (user: string) =>
      access.entityFor(REVIEWS, mockCredentials.user(user)),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('MeshAccess', () => {
  it("keeps the catalog's answer for a user and an entity for a few seconds", async () => {
    const { readers, lookups, lookup, advance } = setup();
    readers.add(ALICE);
    expect((await lookup(ALICE)).metadata.name).toBe('reviews');
    advance(RECENT_ENTITY_TTL_MS - 1);
    await lookup(ALICE);
    expect(lookups).toEqual([ALICE]);
    advance(1);
    await lookup(ALICE);
    expect(lookups).toEqual([ALICE, ALICE]);
  });

  it("never serves one user's answer to another", async () => {
    const { readers, lookups, lookup } = setup();
    readers.add(ALICE);
    await lookup(ALICE);
    await expect(lookup(BOB)).rejects.toThrow(NotFoundError);
    expect(lookups).toEqual([ALICE, BOB]);
  });

  it('stops serving an entity within the TTL of the user losing it in the catalog', async () => {
    const { readers, lookup, advance } = setup();
    readers.add(ALICE);
    await lookup(ALICE);
    readers.delete(ALICE);
    advance(RECENT_ENTITY_TTL_MS);
    await expect(lookup(ALICE)).rejects.toThrow(
      'No entity component:default/reviews in the catalog',
    );
  });

  it('shows an entity at once when the user gains it: a not-found is not kept', async () => {
    const { readers, lookup } = setup();
    await expect(lookup(ALICE)).rejects.toThrow(NotFoundError);
    readers.add(ALICE);
    expect((await lookup(ALICE)).metadata.name).toBe('reviews');
  });

  it('checks kubernetes.resources.read on every lookup, kept answer or not', async () => {
    const { readers, allowed, lookups, lookup } = setup();
    readers.add(ALICE);
    await lookup(ALICE);
    allowed.delete(ALICE);
    await expect(lookup(ALICE)).rejects.toThrow(NotAllowedError);
    await expect(lookup(ALICE)).rejects.toThrow(
      'Reading mesh chains needs the kubernetes.resources.read permission',
    );
    expect(lookups).toEqual([ALICE]);
  });

  it('asks the catalog afresh before a change', async () => {
    const { access, readers, lookups, lookup } = setup();
    readers.add(ALICE);
    await lookup(ALICE);
    readers.delete(ALICE);
    await expect(
      access.entityFor(REVIEWS, mockCredentials.user(ALICE), { fresh: true }),
    ).rejects.toThrow(NotFoundError);
    expect(lookups).toEqual([ALICE, ALICE]);
  });
});
