import { backoffMs, RetryGate } from './RetryGate';

describe('backoffMs', () => {
  const settings = { initialMs: 500, maxMs: 5000 };

  it('doubles from about a second and never exceeds the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 10, 50].map(attempt =>
      backoffMs(attempt, settings, () => 1),
    );
    expect(ceilings).toEqual([1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it('waits at least half of the ceiling (jitter never stampedes)', () => {
    expect(backoffMs(1, settings, () => 0)).toBe(500);
    expect(backoffMs(9, settings, () => 0)).toBe(2500);
  });
});

describe('RetryGate', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends a wait when its backoff runs out', async () => {
    const gate = new RetryGate();
    const woke = jest.fn();
    gate.wait(1000).then(woke);
    await jest.advanceTimersByTimeAsync(999);
    expect(woke).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(woke).toHaveBeenCalledWith('timer');
    expect(gate.size).toBe(0);
  });

  it('wakes every waiting retry at once when the cluster answers again', async () => {
    const gate = new RetryGate();
    const waits = [gate.wait(5000), gate.wait(4000), gate.wait(2500)];
    expect(gate.size).toBe(3);
    gate.recovered();
    await expect(Promise.all(waits)).resolves.toEqual([
      'recovered',
      'recovered',
      'recovered',
    ]);
    expect(gate.size).toBe(0);
    // A wait that starts afterwards is a wait like any other.
    const later = jest.fn();
    gate.wait(100).then(later);
    await jest.advanceTimersByTimeAsync(100);
    expect(later).toHaveBeenCalledWith('timer');
  });

  it('ends waits on stop, and every later one at once', async () => {
    const gate = new RetryGate();
    const wait = gate.wait(60_000);
    gate.stop();
    await expect(wait).resolves.toBe('stopped');
    await expect(gate.wait(60_000)).resolves.toBe('stopped');
  });
});
