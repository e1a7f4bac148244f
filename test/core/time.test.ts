import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shanghaiDate, shanghaiTime, TIME_ZONE } from '../../src/time.js';

describe('Asia/Shanghai clock', () => {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  it('gives the day and time Intl gives for Asia/Shanghai, at any instant from 1992 to 2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const at = new Date(ms);
        expect(shanghaiDate(at)).toBe(day.format(at));
        expect(shanghaiTime(at)).toBe(clock.format(at));
      }),
      { numRuns: 5000 },
    );
  });

  it('turns the day at 16:00 UTC', () => {
    expect(shanghaiDate(new Date('2021-06-30T15:59:59.999Z'))).toBe('2021-06-30');
    expect(shanghaiDate(new Date('2021-06-30T16:00:00.000Z'))).toBe('2021-07-01');
    expect(shanghaiTime(new Date('2021-12-31T16:00:00.000Z'))).toBe('00:00');
    expect(shanghaiDate(new Date('2021-12-31T16:00:00.000Z'))).toBe('2022-01-01');
  });
});
