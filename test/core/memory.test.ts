import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idleRelease, releaseYoungGeneration } from '../../src/memory.js';

const newSpaceBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

describe('memory after work', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once a burst of work has been followed by idleMs of quiet, and again after the next burst', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const release = idleRelease({ idleMs: 10_000, collect });
    release.touch();
    vi.advanceTimersByTime(6_000);
    // Work keeps coming: each touch puts the collection off.
    release.touch();
    vi.advanceTimersByTime(6_000);
    release.touch();
    vi.advanceTimersByTime(9_999);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
    // Quiet on: nothing more to do.
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(1);
    // The next burst is followed by one collection of its own.
    release.touch();
    release.touch();
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('keeps no process alive while it waits', () => {
    const release = idleRelease({ idleMs: 60_000, collect: () => undefined });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    release.touch();
    // An unref'd timer is not listed among the resources that keep the event loop alive.
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
  });

  it('gives the young generation back to the system once the process has been quiet', async () => {
    // A burst that keeps much of what it allocates for a while grows the young generation to its largest.
    let keep: { i: number }[][] = [];
    for (let r = 0; r < 400; r++) {
      keep.push(Array.from({ length: 20_000 }, (_, i) => ({ i })));
      if (keep.length > 40) keep.shift();
    }
    keep = [];
    const grown = newSpaceBytes();
    expect(grown).toBeGreaterThanOrEqual(16 * 1048576);
    // The release: a collection now, and two more once V8 has seen 6 s of quiet; then it is small again.
    releaseYoungGeneration();
    await sleep(7_500);
    expect(newSpaceBytes()).toBeLessThanOrEqual(grown / 4);
  }, 20_000);
});
