import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { component } from '../__testUtils__/testBackend';
import { RecentEntities } from './RecentEntities';

const REF = 'component:default/reviews';

describe('RecentEntities', () => {
  let now = 0;
  let loads = 0;
  const load = async (): Promise<Entity | undefined> => {
    loads += 1;
    return component('reviews');
  };
  beforeEach(() => {
    now = 0;
    loads = 0;
  });
  const recent = (maxEntries = 10) =>
    new RecentEntities({ ttlMs: 1_000, maxEntries, now: () => now });

  it('asks the catalog once for lookups of one caller in flight together', async () => {
    const entities = recent();
    const alice = mockCredentials.user('user:default/alice');
    await Promise.all([
      entities.get(alice, REF, load),
      entities.get(alice, REF, load),
    ]);
    expect(loads).toBe(1);
  });

  it('keeps answers apart by caller: users, and services by subject', async () => {
    const entities = recent();
    await entities.get(mockCredentials.user('user:default/alice'), REF, load);
    await entities.get(mockCredentials.user('user:default/bob'), REF, load);
    await entities.get(mockCredentials.service('plugin:a'), REF, load);
    await entities.get(mockCredentials.service('plugin:b'), REF, load);
    await entities.get(mockCredentials.service('plugin:b'), REF, load);
    expect(loads).toBe(4);
  });

  it('keeps nothing for a caller it cannot name', async () => {
    const entities = recent();
    await entities.get(mockCredentials.none(), REF, load);
    await entities.get(mockCredentials.none(), REF, load);
    expect(loads).toBe(2);
    expect(entities.size).toBe(0);
  });

  it('keeps nothing after a failed lookup', async () => {
    const entities = recent();
    const alice = mockCredentials.user('user:default/alice');
    await expect(
      entities.get(alice, REF, async () => {
        throw new Error('catalog down');
      }),
    ).rejects.toThrow('catalog down');
    await entities.get(alice, REF, load);
    expect(loads).toBe(1);
  });

  it('holds at most maxEntries answers, and none that expired', async () => {
    const entities = recent(2);
    for (const user of ['a', 'b', 'c']) {
      await entities.get(
        mockCredentials.user(`user:default/${user}`),
        REF,
        load,
      );
    }
    expect(entities.size).toBe(2);
    now += 1_000;
    await entities.get(mockCredentials.user('user:default/d'), REF, load);
    expect(entities.size).toBe(1);
  });
});
