/*
 * The catalog's answer to "this caller reads this entity", kept for a few
 * seconds per caller and entity: one page asks for the same entity several
 * times in a moment (the cluster list, the chain, an object's YAML, a
 * simulation), and each catalog lookup is a request to the catalog (on
 * behalf of the caller: a token, the catalog's own permission check, a
 * database query). Kept per caller, never shared: what one caller may read
 * says nothing about another. Only entities found are kept (an entity just
 * registered or just granted shows at once); one the caller lost access to
 * (or that changed) is served for at most the TTL.
 */
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { ExpiringEntries } from './ExpiringEntries';

/** How long a caller's catalog answer for an entity is kept (ms). */
export const RECENT_ENTITY_TTL_MS = 3_000;

/**
 * Who the catalog answered: the user, or the calling service. Other
 * principals are not kept.
 */
export function callerKey(
  credentials: BackstageCredentials,
): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return `user\u0000${principal.userEntityRef}`;
  }
  if (principal.type === 'service' && principal.subject) {
    return `service\u0000${principal.subject}`;
  }
  return undefined;
}

/** Options of {@link RecentEntities}. */
export interface RecentEntitiesOptions {
  ttlMs?: number;
  /** Answers kept at most (the oldest go first). */
  maxEntries?: number;
  now?: () => number;
}

/** Catalog answers per caller and entity reference, for `ttlMs`. */
export class RecentEntities {
  private readonly entries: ExpiringEntries<Promise<Entity | undefined>>;

  constructor(options: RecentEntitiesOptions = {}) {
    this.entries = new ExpiringEntries({
      ttlMs: options.ttlMs ?? RECENT_ENTITY_TTL_MS,
      maxEntries: options.maxEntries ?? 2_000,
      now: options.now,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The entity `ref` as the catalog gave it to this caller in the last
   * `ttlMs` (or is giving it now), else `load()`'s answer.
   */
  async get(
    credentials: BackstageCredentials,
    ref: string,
    load: () => Promise<Entity | undefined>,
  ): Promise<Entity | undefined> {
    const caller = callerKey(credentials);
    if (!caller) {
      return load();
    }
    const key = `${caller}\u0000${ref}`;
    const hit = this.entries.get(key);
    if (hit) {
      return hit;
    }
    const entity = load();
    this.entries.set(key, entity);
    try {
      const found = await entity;
      if (!found) {
        this.entries.deleteIf(key, entity);
      }
      return found;
    } catch (error) {
      this.entries.deleteIf(key, entity);
      throw error;
    }
  }
}
