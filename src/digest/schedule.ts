/**
 * The digest scheduler. One croner job (Asia/Shanghai) ticks every minute; each tick sends, for every subscribed
 * chat whose own time of day has come, that chat's digest for today, once:
 *   - the send log (store.digests) is written 'sending' before the send and 'sent' after it;
 *   - the 'sending' mark is an atomic claim (store.claimDigest), so instances sharing one database do not both
 *     send; a chat-day left 'sending' (the sender died) is taken over after `staleMs` (5 minutes);
 *   - where the platform dedupes on a key (Lark's message uuid), the key is deterministic per chat-day
 *     (digestKey), so a send repeated after a crash between sending and recording is dropped by the platform;
 *     elsewhere at most the one message in flight at the crash can repeat;
 *   - a day missed while the bot was down is sent once when it comes back (same day, after the subscribed
 *     time); past days are never replayed;
 *   - sends are paced and retried with backoff; failures are logged, never thrown.
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { Logger } from '../logger.js';
import type { Adapter, Answer } from '../model.js';
import type { Store, Subscription } from '../store/index.js';
import { shanghaiDate, TIME_ZONE } from '../time.js';
import { renderDigest } from './render.js';
import type { DigestService } from './service.js';

/** What the scheduler needs of an adapter: its platform, send, and whether send honours a dedupe key. */
export type DigestSender = Pick<Adapter, 'platform' | 'send' | 'supportsDedupeKey'>;

export interface SchedulerDeps {
  store: Store;
  digests: DigestService;
  /** The started adapters by platform (filled in once they are started). */
  adapters: ReadonlyMap<string, DigestSender>;
  logger: Logger;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Pause between two sends (default 1000 ms). */
  paceMs?: number;
  /** Tries per send within one tick (default 3), waiting backoffMs, 4×backoffMs, … between them. */
  tries?: number;
  backoffMs?: number;
  /** Sends attempted per chat-day across ticks before giving up for the day (default 6). */
  maxAttempts?: number;
  /**
   * A chat-day left 'sending' this long ago is taken over (the instance sending it died); younger, it is left to
   * whoever is sending it (default 5 minutes).
   */
  staleMs?: number;
}

export interface TickReport {
  date: string;
  sent: string[];
  failed: string[];
  skipped: string[];
}

export interface Scheduler {
  /** Start the minute job and catch up at once. */
  start(): void;
  stop(): void;
  /** One pass: send every due digest not yet sent today. Never throws. */
  tick(): Promise<TickReport>;
}

/** HH:MM in Asia/Shanghai. */
export function shanghaiTime(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

/** Deterministic per chat-day, ≤ 50 characters (Lark's uuid limit): digest-20211125-<hash of platform:chat>. */
export function digestKey(platform: string, chatId: string, date: string): string {
  return `digest-${date.replace(/-/g, '')}-${createHash('sha256').update(`${platform}:${chatId}`).digest('hex').slice(0, 24)}`;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const pace = deps.paceMs ?? 1000;
  const tries = Math.max(1, deps.tries ?? 3);
  const backoff = deps.backoffMs ?? 2000;
  const maxAttempts = deps.maxAttempts ?? 6;
  const staleMs = deps.staleMs ?? 5 * 60_000;
  const log = deps.logger.child({ component: 'digest' });
  let job: Cron | undefined;
  let running: Promise<TickReport> | undefined;
  const missingAdapter = new Set<string>();

  const dedupes = (a: DigestSender) => a.supportsDedupeKey === true;

  async function sendWithRetry(sender: DigestSender, chatId: string, answer: Answer, key: string | undefined): Promise<boolean> {
    for (let i = 0; i < tries; i++) {
      try {
        await sender.send(chatId, answer, key ? { dedupeKey: key } : {});
        return true;
      } catch (err) {
        log.warn({ err, platform: sender.platform, chatId, try: i + 1 }, 'digest send failed');
        if (i + 1 < tries) await sleep(backoff * 4 ** i);
      }
    }
    return false;
  }

  async function sendOne(sub: Subscription, date: string): Promise<'sent' | 'failed' | 'skipped'> {
    const sender = deps.adapters.get(sub.platform);
    if (!sender) {
      if (!missingAdapter.has(sub.platform)) log.warn({ platform: sub.platform }, 'no adapter for subscribed platform; digests skipped');
      missingAdapter.add(sub.platform);
      return 'skipped';
    }
    const record = await deps.store.digest(sub.platform, sub.chatId, date);
    if (record?.state === 'sent') return 'skipped';
    if (record && record.attempts >= maxAttempts) return 'skipped';
    let answer: Answer;
    try {
      answer = renderDigest(await deps.digests.digest(sub.unit, date, { platform: sub.platform, chatId: sub.chatId }));
    } catch (err) {
      log.warn({ err, platform: sub.platform, chatId: sub.chatId, unit: sub.unit }, 'digest not built (unit unknown to the loaded plans?)');
      return 'skipped';
    }
    const key = dedupes(sender) ? digestKey(sub.platform, sub.chatId, date) : undefined;
    const now = clock();
    const claimed = await deps.store.claimDigest({
      platform: sub.platform,
      chatId: sub.chatId,
      date,
      dedupeKey: key ?? null,
      unit: sub.unit,
      at: now.toISOString(),
      staleBefore: new Date(now.getTime() - staleMs).toISOString(),
    });
    if (!claimed) return 'skipped';
    if (record?.state === 'sending') log.warn({ platform: sub.platform, chatId: sub.chatId, date }, 'digest was left in flight (instance stopped?); sending again');
    const ok = await sendWithRetry(sender, sub.chatId, answer, key);
    await deps.store.digestDone(sub.platform, sub.chatId, date, ok ? 'sent' : 'failed');
    if (ok) log.info({ platform: sub.platform, chatId: sub.chatId, date, unit: sub.unit }, 'digest sent');
    else log.error({ platform: sub.platform, chatId: sub.chatId, date }, 'digest not sent after retries');
    return ok ? 'sent' : 'failed';
  }

  async function pass(): Promise<TickReport> {
    const now = clock();
    const date = shanghaiDate(now);
    const time = shanghaiTime(now);
    const report: TickReport = { date, sent: [], failed: [], skipped: [] };
    let subs: Subscription[];
    try {
      subs = await deps.store.subscriptions();
    } catch (err) {
      log.error({ err }, 'could not read subscriptions');
      return report;
    }
    let first = true;
    for (const sub of subs) {
      if (sub.time > time) continue;
      const id = `${sub.platform}:${sub.chatId}`;
      try {
        const record = await deps.store.digest(sub.platform, sub.chatId, date);
        if (record?.state === 'sent') continue;
        if (!first && pace > 0) await sleep(pace);
        first = false;
        const result = await sendOne(sub, date);
        report[result === 'sent' ? 'sent' : result === 'failed' ? 'failed' : 'skipped'].push(id);
      } catch (err) {
        log.error({ err, platform: sub.platform, chatId: sub.chatId }, 'digest pass failed for chat');
        report.failed.push(id);
      }
    }
    return report;
  }

  function tick(): Promise<TickReport> {
    // One pass at a time: a slow pass is not overlapped by the next minute's.
    if (running) return running;
    running = pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    start() {
      if (job) return;
      job = new Cron('* * * * *', { timezone: TIME_ZONE, protect: true, catch: (err) => log.error({ err }, 'digest tick failed') }, () => {
        void tick();
      });
      void tick();
    },
    stop() {
      job?.stop();
      job = undefined;
    },
    tick,
  };
}
