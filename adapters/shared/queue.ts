/**
 * Outbound helpers shared by the platform adapters:
 * - a per-chat promise chain (answers in one chat go out in the order the questions came in);
 * - an outbox that paces sends per key (N per window, minimum gap) and retries with exponential backoff
 *   on 5xx, 429 and the platforms' rate-limit codes, then gives up with a logged error (never a throw).
 * Time comes from a Clock so tests run with a fake one.
 */
import type { Logger } from '../../src/logger.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref?.()),
};

/** An error from a platform API, classified for retry. */
export class PlatformError extends Error {
  readonly status?: number;
  readonly code?: number | string;
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number; code?: number | string; retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'PlatformError';
    this.status = options.status;
    this.code = options.code;
    this.retryable = options.retryable;
  }
}

/** 5xx, 429 and network failures are worth another try; other 4xx are not. */
export function retryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

/** Per-key promise chains: `run(key, fn)` starts fn after everything queued under key has settled. */
export interface ChatChains {
  run(key: string, fn: () => Promise<void>): Promise<void>;
  /** Resolves when every chain queued so far has settled. */
  idle(): Promise<void>;
}

export function createChatChains(logger: Logger): ChatChains {
  const tails = new Map<string, Promise<void>>();
  return {
    run(key, fn) {
      const prev = tails.get(key) ?? Promise.resolve();
      const next = prev.then(fn).catch((err: unknown) => {
        logger.error({ err, chatId: key }, 'message handling failed');
      });
      tails.set(key, next);
      void next.then(() => {
        if (tails.get(key) === next) tails.delete(key);
      });
      return next;
    },
    async idle() {
      while (tails.size) await Promise.all([...tails.values()]);
    },
  };
}

export interface OutboxOptions {
  logger: Logger;
  clock?: Clock;
  /** Tries before giving up (default 4). */
  maxTries?: number;
  /** First backoff delay, doubled each retry (default 500 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** At most `perWindow` sends per key in `windowMs` (DingTalk custom robots: 20 per 60 000 ms). */
  perWindow?: number;
  windowMs?: number;
  /** Minimum gap between two sends to one key (Lark: per-chat QPS). */
  minIntervalMs?: number;
  /** Decide whether an error deserves another try (default: PlatformError.retryable, else true for unknown errors). */
  isRetryable?: (err: unknown) => boolean;
}

export interface Outbox {
  /** Send under `key` with pacing and retries; resolves true when sent, false when given up (logged). */
  send(key: string, what: string, fn: () => Promise<void>): Promise<boolean>;
}

export function backoffDelay(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** (attempt - 1));
}

export function createOutbox(options: OutboxOptions): Outbox {
  const clock = options.clock ?? realClock;
  const maxTries = options.maxTries ?? 4;
  const base = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const isRetryable = options.isRetryable ?? ((e: unknown) => (e instanceof PlatformError ? e.retryable : true));
  const sent = new Map<string, number[]>();
  const chains = new Map<string, Promise<unknown>>();

  async function pace(key: string): Promise<void> {
    const times = sent.get(key) ?? [];
    for (;;) {
      const now = clock.now();
      while (options.windowMs && times.length && now - times[0]! >= options.windowMs) times.shift();
      let wait = 0;
      if (options.perWindow && options.windowMs && times.length >= options.perWindow) wait = times[0]! + options.windowMs - now;
      const last = times[times.length - 1];
      if (options.minIntervalMs && last !== undefined) wait = Math.max(wait, last + options.minIntervalMs - now);
      if (wait <= 0) break;
      await clock.sleep(wait);
    }
    times.push(clock.now());
    if (!options.windowMs && times.length > 1) times.splice(0, times.length - 1);
    sent.set(key, times);
  }

  async function attempt(key: string, what: string, fn: () => Promise<void>): Promise<boolean> {
    for (let tries = 1; ; tries++) {
      await pace(key);
      try {
        await fn();
        return true;
      } catch (err) {
        const retry = isRetryable(err) && tries < maxTries;
        if (!retry) {
          options.logger.error({ err: describe(err), key, what, tries }, 'send failed, giving up');
          return false;
        }
        const delay = backoffDelay(tries, base, maxDelay);
        options.logger.warn({ err: describe(err), key, what, tries, delay }, 'send failed, retrying');
        await clock.sleep(delay);
      }
    }
  }

  return {
    send(key, what, fn) {
      const prev = chains.get(key) ?? Promise.resolve();
      const next = prev.then(() => attempt(key, what, fn)).catch((err: unknown) => {
        options.logger.error({ err: describe(err), key, what }, 'send failed');
        return false;
      });
      chains.set(key, next);
      void next.then(() => {
        if (chains.get(key) === next) chains.delete(key);
      });
      return next;
    },
  };
}

/** A loggable summary of an error: message, status, platform code; never request headers or bodies. */
export function describe(err: unknown): Record<string, unknown> {
  if (err instanceof PlatformError) return { message: err.message, status: err.status, code: err.code };
  if (err instanceof Error) {
    const status = (err as { response?: { status?: number } }).response?.status;
    return { message: err.message, ...(status ? { status } : {}) };
  }
  return { message: String(err) };
}
