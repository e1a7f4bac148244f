/**
 * Outbound helpers shared by the platform adapters:
 * - a per-chat promise chain (answers in one chat go out in the order the questions came in);
 * - an outbox that paces sends per key (N per window, minimum gap) and retries with exponential backoff
 *   on 5xx, 429 and the platforms' rate-limit codes, waiting at least what the platform asked (retry-after); a
 *   reply that still fails is logged and dropped (`send`), a push's failure is thrown to its caller (`deliver`) so
 *   that the delivery log records it with the platform's code.
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
  /** The platform said how long to wait (Retry-After, x-ogw-ratelimit-reset, DingTalk's 10-minute robot limit). */
  readonly retryAfterMs?: number;
  /** No answer came back (timeout, connection dropped mid-request): the message may have arrived. */
  readonly ambiguous: boolean;
  constructor(
    message: string,
    options: { status?: number; code?: number | string; retryable: boolean; retryAfterMs?: number; ambiguous?: boolean; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'PlatformError';
    this.status = options.status;
    this.code = options.code;
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    this.ambiguous = options.ambiguous ?? false;
  }
}

/** Error codes of a transport failure after which the request may have reached the platform. */
const AMBIGUOUS_CAUSES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ECONNABORTED']);

/** A transport failure (no HTTP answer) as a PlatformError: ambiguous unless the connection was never made. */
export function transportError(platform: string, cause: unknown): PlatformError {
  const c = cause as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = c?.cause?.code ?? c?.code;
  const ambiguous = c?.name === 'TimeoutError' || c?.name === 'AbortError' || (code !== undefined && AMBIGUOUS_CAUSES.has(code)) || code === undefined;
  return new PlatformError(`${platform} request failed: ${code ?? c?.message ?? String(cause)}`, { retryable: true, ambiguous, cause: undefined });
}

/** Seconds or an HTTP date in a Retry-After style header → milliseconds. */
export function retryAfterHeader(value: unknown, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return n * 1000;
  const t = Date.parse(String(v));
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
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
  /** A retry-after longer than this is not waited for inline: the failure goes back to the caller (default 60 s). */
  maxInlineWaitMs?: number;
}

export interface DeliverOptions {
  /** Tries before the failure goes back to the caller (default 2: the delivery log retries later with backoff). */
  maxTries?: number;
  /**
   * Try again after a failure that got no answer (timeout, dropped connection)? Only where a repeat cannot show the
   * message twice (an idempotency key): default false for deliver.
   */
  retryUnanswered?: boolean;
}

export interface Outbox {
  /** Send under `key` with pacing and retries; resolves true when sent, false when given up (logged). */
  send(key: string, what: string, fn: () => Promise<void>): Promise<boolean>;
  /** The same, for a push: resolves when sent, rejects with the last failure (the platform's code) otherwise. */
  deliver(key: string, what: string, fn: () => Promise<void>, options?: DeliverOptions): Promise<void>;
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

  const maxInline = options.maxInlineWaitMs ?? 60_000;

  type Outcome = { ok: true } | { ok: false; error: unknown };

  async function attempt(key: string, what: string, fn: () => Promise<void>, retryUnanswered: boolean, limit = maxTries): Promise<Outcome> {
    for (let tries = 1; ; tries++) {
      await pace(key);
      try {
        await fn();
        return { ok: true };
      } catch (err) {
        const after = err instanceof PlatformError ? err.retryAfterMs : undefined;
        const unanswered = err instanceof PlatformError && err.ambiguous;
        const retry = isRetryable(err) && tries < limit && (after === undefined || after <= maxInline) && (retryUnanswered || !unanswered);
        if (!retry) {
          options.logger.error({ err: describe(err), key, what, tries }, 'send failed, giving up');
          return { ok: false, error: err };
        }
        const delay = Math.max(backoffDelay(tries, base, maxDelay), after ?? 0);
        options.logger.warn({ err: describe(err), key, what, tries, delay }, 'send failed, retrying');
        await clock.sleep(delay);
      }
    }
  }

  function queue(key: string, what: string, fn: () => Promise<void>, retryUnanswered: boolean, limit?: number): Promise<Outcome> {
    const prev = chains.get(key) ?? Promise.resolve();
    const next: Promise<Outcome> = prev.then(() => attempt(key, what, fn, retryUnanswered, limit)).catch((err: unknown) => {
      options.logger.error({ err: describe(err), key, what }, 'send failed');
      return { ok: false, error: err } as Outcome;
    });
    chains.set(key, next);
    void next.then(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
    return next;
  }

  return {
    async send(key, what, fn) {
      return (await queue(key, what, fn, true)).ok;
    },
    async deliver(key, what, fn, opts) {
      const r = await queue(key, what, fn, opts?.retryUnanswered ?? false, Math.min(maxTries, opts?.maxTries ?? 2));
      if (!r.ok) throw r.error;
    },
  };
}

/** A loggable summary of an error: message, status, platform code; never request headers or bodies. */
export function describe(err: unknown): Record<string, unknown> {
  if (err instanceof PlatformError) return { message: err.message, status: err.status, code: err.code, ...(err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {}) };
  if (err instanceof Error) {
    const status = (err as { response?: { status?: number } }).response?.status;
    return { message: err.message, ...(status ? { status } : {}) };
  }
  return { message: String(err) };
}
