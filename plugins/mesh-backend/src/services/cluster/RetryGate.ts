/** Why a {@link RetryGate} wait ended. */
export type RetryWake = 'timer' | 'recovered' | 'stopped';

/**
 * Where the reflectors of one cluster wait between retries. A wait ends
 * when its backoff runs out, or as soon as any request to the cluster
 * succeeds again (`recovered()`): a cluster that answers again is read
 * again at once by every kind, not each after its own backoff.
 */
export class RetryGate {
  private readonly waiting = new Set<(wake: RetryWake) => void>();
  private stopped = false;

  /** Waits `ms` at most; resolves early on `recovered()` or `stop()`. */
  wait(ms: number): Promise<RetryWake> {
    if (this.stopped) {
      return Promise.resolve('stopped');
    }
    return new Promise(resolve => {
      const handle: { timer?: NodeJS.Timeout } = {};
      const wake = (why: RetryWake) => {
        clearTimeout(handle.timer);
        this.waiting.delete(wake);
        resolve(why);
      };
      handle.timer = setTimeout(() => wake('timer'), ms);
      handle.timer.unref?.();
      this.waiting.add(wake);
    });
  }

  /** How many reflectors are waiting to retry. */
  get size(): number {
    return this.waiting.size;
  }

  /** A request to the cluster succeeded: every waiting retry starts now. */
  recovered(): void {
    for (const wake of [...this.waiting]) {
      wake('recovered');
    }
  }

  /** Ends every wait, now and later. */
  stop(): void {
    this.stopped = true;
    for (const wake of [...this.waiting]) {
      wake('stopped');
    }
  }
}

/**
 * The backoff before retry number `attempt` (1, 2, ...): `initialMs`
 * doubling up to `maxMs`, with "equal jitter" (at least half of it, so
 * retries never stampede).
 */
export function backoffMs(
  attempt: number,
  settings: { initialMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(
    settings.maxMs,
    settings.initialMs * 2 ** Math.min(Math.max(attempt, 0), 20),
  );
  return ceiling / 2 + random() * (ceiling / 2);
}
