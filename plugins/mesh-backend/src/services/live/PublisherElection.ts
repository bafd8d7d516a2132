/**
 * Which replica publishes the live updates of an entity, so that a page
 * receives each change once however many replicas run.
 *
 * Every replica watches every cluster and hears, over the events bus, every
 * announcement of a page view, so each of them sees a change and could
 * publish its signal; and signals reach the pages of every replica through
 * the events bus. If each published, a page would get every signal once per
 * replica. So one publishes: the replica that announced the latest view of
 * the entity (the latest `viewedAt`, then the larger replica id on a tie).
 * All replicas hear the same announcements, so they agree on it.
 *
 * A replica that stops says so (`left`) and a replica that runs says so
 * every few seconds (`heard`); an announcer not heard from within
 * `timeoutMs` is taken as gone, and the latest view announced by a replica
 * that is still there decides. When no announcer is left, every replica that
 * follows the entity publishes: a page may then get a signal twice (it
 * fetches once, by revision) rather than none, until the next announced view
 * settles on one replica again.
 */
export class PublisherElection {
  /** Replica id -> when it was last heard from (ms), and whether it stopped. */
  private readonly replicas = new Map<string, { at: number; left: boolean }>();

  constructor(
    private readonly self: string,
    private readonly timeoutMs: number,
  ) {}

  /** Something arrived from this replica: it is running. */
  heard(origin: string, now: number): void {
    if (origin === this.self || this.replicas.get(origin)?.left) {
      return;
    }
    this.replicas.set(origin, { at: now, left: false });
    this.forgetLongGone(now);
  }

  /** This replica stopped. */
  left(origin: string, now: number): void {
    if (origin !== this.self) {
      this.replicas.set(origin, { at: now, left: true });
    }
  }

  /**
   * Whether this replica publishes the updates of an entity whose views were
   * announced by these replicas (replica id -> latest announced `viewedAt`).
   */
  publishes(announcers: ReadonlyMap<string, number>, now: number): boolean {
    let publisher: { origin: string; viewedAt: number } | undefined;
    for (const [origin, viewedAt] of announcers) {
      if (!this.isRunning(origin, now)) {
        continue;
      }
      if (
        !publisher ||
        viewedAt > publisher.viewedAt ||
        (viewedAt === publisher.viewedAt && origin > publisher.origin)
      ) {
        publisher = { origin, viewedAt };
      }
    }
    return !publisher || publisher.origin === this.self;
  }

  private isRunning(origin: string, now: number): boolean {
    if (origin === this.self) {
      return true;
    }
    const replica = this.replicas.get(origin);
    return !!replica && !replica.left && replica.at >= now - this.timeoutMs;
  }

  /** Replicas silent for long are forgotten (replicas come and go). */
  private forgetLongGone(now: number) {
    if (this.replicas.size < 64) {
      return;
    }
    for (const [origin, { at }] of this.replicas) {
      if (at < now - 10 * this.timeoutMs) {
        this.replicas.delete(origin);
      }
    }
  }
}
