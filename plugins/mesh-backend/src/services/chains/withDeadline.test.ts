import { withDeadline } from './withDeadline';

describe('withDeadline', () => {
  afterEach(() => jest.useRealTimers());

  it('answers with the work when it settles first', async () => {
    await expect(
      withDeadline(Promise.resolve('data'), 1000, () => 'timeout'),
    ).resolves.toBe('data');
  });

  it('answers with the timeout value when the work does not settle', async () => {
    jest.useFakeTimers();
    const answer = withDeadline(
      new Promise<string>(() => {}),
      1000,
      () => 'timeout',
    );
    jest.advanceTimersByTime(1000);
    await expect(answer).resolves.toBe('timeout');
  });
});
