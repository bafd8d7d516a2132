/*
 * A map whose entries are kept for a fixed time and up to a fixed count,
 * oldest first out: what the short-lived answer caches of the mesh backend
 * (RecentEntities, EncodedAnswers) keep their entries in.
 */

/** Options of {@link ExpiringEntries}. */
export interface ExpiringEntriesOptions {
  /** How long an entry is kept (ms). */
  ttlMs: number;
  /** Entries kept at most (the oldest go first). */
  maxEntries: number;
  now?: () => number;
}

/** Values by key, each for `ttlMs` after it was set, at most `maxEntries`. */
export class ExpiringEntries<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  readonly now: () => number;

  constructor(options: ExpiringEntriesOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value of `key` if it was set less than `ttlMs` ago. */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && this.now() - hit.at < this.ttlMs ? hit.value : undefined;
  }

  /** Sets `key` (as the newest entry), then drops what is too old or too many. */
  set(key: string, value: V): void {
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { at: now, value });
    for (const [oldest, entry] of this.entries) {
      if (now - entry.at < this.ttlMs && this.entries.size <= this.maxEntries) {
        break;
      }
      this.entries.delete(oldest);
    }
  }

  /** Drops `key`, if its value is still `value`. */
  deleteIf(key: string, value: V): void {
    if (this.entries.get(key)?.value === value) {
      this.entries.delete(key);
    }
  }
}
