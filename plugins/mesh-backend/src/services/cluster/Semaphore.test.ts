import { Semaphore } from './Semaphore';

describe('Semaphore', () => {
  it('runs at most `permits` tasks at once, in order', async () => {
    const slots = new Semaphore(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map(n =>
        slots.run(async () => {
          running++;
          most = Math.max(most, running);
          order.push(n);
          await new Promise(resolve => setTimeout(resolve, 5));
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });
});
