/** A fake clock: sleep() advances time at once and records the delay. */
import type { Clock } from '../../adapters/shared/queue.js';

export function fakeClock(start = 1_700_000_000_000): Clock & { sleeps: number[]; time: number } {
  const c = {
    time: start,
    sleeps: [] as number[],
    now: () => c.time,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.time += ms;
    },
  };
  return c;
}
