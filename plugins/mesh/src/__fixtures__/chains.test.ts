/**
 * @jest-environment node
 */
import {
  FixtureClock,
  generateChainFixtures,
  readFixtureFile,
  writeFixtureFile,
} from '../../scripts/fixtures/generateChainFixtures';

/*
 * The demo clusters behind the fixtures run on a simulated clock that
 * starts at EPOCH, with numbered uids and seeded random names and
 * addresses, so that the same code makes the same fixtures on every
 * machine.
 */
const EPOCH = Date.parse('2026-11-25T10:00:00Z');

/** mulberry32: a small seeded generator in place of the simulator's random numbers. */
function mockSeededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

jest.mock('crypto', () => {
  const actual = jest.requireActual('crypto');
  let random = mockSeededRandom(2);
  let uids = 0;
  return {
    ...actual,
    randomUUID: () =>
      `00000000-0000-4000-8000-${(++uids).toString(16).padStart(12, '0')}`,
    randomInt: (a: number, b?: number) => {
      const [min, max] = b === undefined ? [0, a] : [a, b];
      return min + Math.floor(random() * (max - min));
    },
    mockRestart: () => {
      random = mockSeededRandom(2);
      uids = 0;
    },
  };
});

const clock: FixtureClock = {
  restart() {
    jest.setSystemTime(EPOCH);
    jest.spyOn(Math, 'random').mockImplementation(mockSeededRandom(1));
    jest.requireMock<{ mockRestart(): void }>('crypto').mockRestart();
  },
  advance: ms => jest.advanceTimersByTimeAsync(ms),
};

describe('the chain fixtures', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('are what the demo scenarios and the chain engine make now (yarn generate:fixtures writes them)', async () => {
    const generated = await generateChainFixtures(clock);
    if (process.env.UPDATE_FIXTURES) {
      writeFixtureFile(generated);
    }
    expect(readFixtureFile()).toEqual(generated);
  }, 120_000);
});
