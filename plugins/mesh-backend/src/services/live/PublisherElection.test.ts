import { PublisherElection } from './PublisherElection';

const TIMEOUT = 60_000;

/** Three replicas that heard each other at `now`. */
function replicas(now = 1_000_000) {
  const a = new PublisherElection('a', TIMEOUT);
  const b = new PublisherElection('b', TIMEOUT);
  const c = new PublisherElection('c', TIMEOUT);
  for (const [self, others] of [
    [a, ['b', 'c']],
    [b, ['a', 'c']],
    [c, ['a', 'b']],
  ] as const) {
    for (const other of others) self.heard(other, now);
  }
  return { a, b, c, now };
}

const publishers = (
  all: Record<string, PublisherElection>,
  announcers: Map<string, number>,
  now: number,
) =>
  Object.entries(all)
    .filter(([, election]) => election.publishes(announcers, now))
    .map(([name]) => name);

describe('PublisherElection', () => {
  it('lets exactly one replica publish: the one that announced the latest view', () => {
    const { now, ...all } = replicas();
    const announcers = new Map([
      ['a', now - 5000],
      ['b', now - 1000],
    ]);
    expect(publishers(all, announcers, now)).toEqual(['b']);
  });

  it('breaks a tie of view times by replica id, the same way everywhere', () => {
    const { now, ...all } = replicas();
    const announcers = new Map([
      ['a', now],
      ['c', now],
    ]);
    expect(publishers(all, announcers, now)).toEqual(['c']);
  });

  it('hands over to the next announcer when the publisher says it stops', () => {
    const { now, ...all } = replicas();
    const announcers = new Map([
      ['a', now - 5000],
      ['b', now - 1000],
    ]);
    all.a.left('b', now);
    all.c.left('b', now);
    // b stopped: only a and c decide.
    const rest = { a: all.a, c: all.c };
    expect(publishers(rest, announcers, now)).toEqual(['a']);
    // A late heartbeat of a replica that said it left does not bring it back.
    all.a.heard('b', now + 1);
    expect(all.a.publishes(announcers, now + 1)).toBe(true);
  });

  it('takes a replica not heard from within the timeout as gone', () => {
    const { now, ...all } = replicas();
    const announcers = new Map([
      ['a', now - 5000],
      ['b', now - 1000],
    ]);
    // a and c keep hearing each other; b (crashed) falls silent.
    const later = now + TIMEOUT + 1;
    all.a.heard('c', later);
    all.c.heard('a', later);
    expect(publishers({ a: all.a, c: all.c }, announcers, now)).toEqual([]);
    expect(publishers({ a: all.a, c: all.c }, announcers, later)).toEqual([
      'a',
    ]);
  });

  it('lets every replica publish when none of the announcers runs (rather than none)', () => {
    const { now, ...all } = replicas();
    const announcers = new Map([['gone', now]]);
    expect(publishers(all, announcers, now)).toEqual(['a', 'b', 'c']);
    expect(publishers(all, new Map(), now)).toEqual(['a', 'b', 'c']);
  });

  it('always counts itself as running', () => {
    const a = new PublisherElection('a', TIMEOUT);
    a.left('a', 0);
    expect(a.publishes(new Map([['a', 0]]), 10 * TIMEOUT)).toBe(true);
  });
});
