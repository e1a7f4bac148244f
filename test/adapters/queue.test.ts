/**
 * The outbound queue: pacing per key, exponential backoff on retryable failures, giving up with a log line,
 * and per-chat ordering. A fake clock: no real waiting.
 */
import { describe, expect, it } from 'vitest';
import { PlatformError, backoffDelay, createChatChains, createOutbox } from '../../adapters/shared/queue.js';
import { silentLogger } from '../../src/logger.js';
import { captureLogs } from '../helpers/samples.js';
import { createLogger } from '../../src/logger.js';
import { fakeClock } from './fake-clock.js';

const retryable = (code: number) => new PlatformError('rate limited', { code, retryable: true });

describe('outbox', () => {
  it('retries retryable failures with doubling delays, then succeeds', async () => {
    const clock = fakeClock();
    const outbox = createOutbox({ logger: silentLogger(), clock, baseDelayMs: 100, maxTries: 5 });
    let calls = 0;
    const ok = await outbox.send('chat', 'test', async () => {
      calls++;
      if (calls < 4) throw retryable(99991400);
    });
    expect(ok).toBe(true);
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 400]);
  });

  it('gives up after maxTries with a logged error and never throws', async () => {
    const clock = fakeClock();
    const logs = captureLogs();
    const outbox = createOutbox({ logger: createLogger({ level: 'warn', destination: logs }), clock, baseDelayMs: 10, maxTries: 3 });
    let calls = 0;
    const ok = await outbox.send('chat', 'test', async () => {
      calls++;
      throw retryable(130101);
    });
    expect(ok).toBe(false);
    expect(calls).toBe(3);
    expect(logs.lines.filter((l) => l.includes('giving up'))).toHaveLength(1);
  });

  it('does not retry a non-retryable failure', async () => {
    const clock = fakeClock();
    const outbox = createOutbox({ logger: silentLogger(), clock, maxTries: 5 });
    let calls = 0;
    const ok = await outbox.send('chat', 'test', async () => {
      calls++;
      throw new PlatformError('bad card', { code: 230099, retryable: false });
    });
    expect(ok).toBe(false);
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('caps the backoff', () => {
    expect(backoffDelay(1, 500, 30_000)).toBe(500);
    expect(backoffDelay(4, 500, 30_000)).toBe(4000);
    expect(backoffDelay(20, 500, 30_000)).toBe(30_000);
  });

  it('paces a key to N sends per window (DingTalk robots: 20 a minute)', async () => {
    const clock = fakeClock();
    const outbox = createOutbox({ logger: silentLogger(), clock, perWindow: 20, windowMs: 60_000 });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 45 }, () => outbox.send('robot', 'push', async () => void times.push(clock.now()))));
    expect(times).toHaveLength(45);
    for (let i = 20; i < times.length; i++) expect(times[i]! - times[i - 20]!).toBeGreaterThanOrEqual(60_000);
    expect(times[19]! - times[0]!).toBeLessThan(60_000);
  });

  it('keeps a minimum gap per key, independently per key', async () => {
    const clock = fakeClock();
    const outbox = createOutbox({ logger: silentLogger(), clock, minIntervalMs: 250 });
    const log: [string, number][] = [];
    await Promise.all(['a', 'b', 'a', 'a'].map((k) => outbox.send(k, 'x', async () => void log.push([k, clock.now()]))));
    const a = log.filter(([k]) => k === 'a').map(([, t]) => t);
    expect(a[1]! - a[0]!).toBeGreaterThanOrEqual(250);
    expect(a[2]! - a[1]!).toBeGreaterThanOrEqual(250);
  });

  it('survives a task that throws something odd', async () => {
    const outbox = createOutbox({ logger: silentLogger(), clock: fakeClock(), maxTries: 2, baseDelayMs: 1 });
    await expect(outbox.send('k', 'x', () => Promise.reject('a string'))).resolves.toBe(false);
  });
});

describe('outbox deliveries (pushes)', () => {
  it('throws the platform’s error after its tries, so the delivery log keeps the code', async () => {
    const clock = fakeClock();
    const outbox = createOutbox({ logger: silentLogger(), clock, baseDelayMs: 100, maxTries: 4 });
    let calls = 0;
    const err = await outbox
      .deliver('chat', 'push', async () => {
        calls++;
        throw new PlatformError('busy', { status: 503, retryable: true });
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503 });
    // Pushes try twice inline; the delivery log retries later with backoff.
    expect(calls).toBe(2);
    expect(clock.sleeps).toEqual([100]);
  });

  it('waits what the platform asked, and hands a long wait back instead of blocking the chat', async () => {
    const clock = fakeClock();
    const outbox = createOutbox({ logger: silentLogger(), clock, baseDelayMs: 100, maxTries: 4, maxInlineWaitMs: 60_000 });
    let calls = 0;
    await outbox.send('chat', 'reply', async () => {
      calls++;
      if (calls === 1) throw new PlatformError('slow down', { status: 429, retryable: true, retryAfterMs: 5000 });
    });
    expect(clock.sleeps).toEqual([5000]);
    calls = 0;
    const ok = await outbox.send('chat', 'reply', async () => {
      calls++;
      throw new PlatformError('robot throttled', { code: 130101, retryable: true, retryAfterMs: 600_000 });
    });
    expect([ok, calls]).toEqual([false, 1]);
  });

  it('never repeats an unanswered push unless the platform drops repeats by a key', async () => {
    const outbox = createOutbox({ logger: silentLogger(), clock: fakeClock(), baseDelayMs: 1, maxTries: 4 });
    let calls = 0;
    const hangUp = async () => {
      calls++;
      throw new PlatformError('socket hang up', { retryable: true, ambiguous: true });
    };
    await expect(outbox.deliver('c', 'push', hangUp)).rejects.toMatchObject({ ambiguous: true });
    expect(calls).toBe(1);
    calls = 0;
    await expect(outbox.deliver('c', 'push', hangUp, { retryUnanswered: true })).rejects.toMatchObject({ ambiguous: true });
    expect(calls).toBe(2);
  });
});

describe('chat chains', () => {
  it('runs tasks for one chat in order and isolates failures', async () => {
    const chains = createChatChains(silentLogger());
    const order: string[] = [];
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    void chains.run('c1', async () => {
      await wait(20);
      order.push('c1-first');
    });
    void chains.run('c1', async () => {
      throw new Error('boom');
    });
    void chains.run('c1', async () => void order.push('c1-third'));
    void chains.run('c2', async () => void order.push('c2'));
    await chains.idle();
    expect(order).toEqual(['c2', 'c1-first', 'c1-third']);
  });
});
