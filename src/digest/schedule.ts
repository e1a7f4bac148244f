/**
 * The digest scheduler. One croner job (Asia/Shanghai) ticks every minute; each tick
 *   1. settles the sends whose sender died (a 'sending' row whose lease ran out): resent with the platform's
 *      idempotency key where it has one (Lark's uuid, within its window), otherwise marked uncertain for an admin;
 *   2. for every subscribed chat whose own time of day has come, plans today's chat-day ('pending') and delivers it
 *      once through the store's state machine (src/digest/delivery.ts): claimed atomically (instances sharing one
 *      database never both send), recorded sent only after the platform accepted it, recorded failed with the
 *      platform's code otherwise and tried again with backoff within the day.
 * A day missed while the bot was down is sent once when it comes back (same day, after the subscribed time); past
 * days are never replayed. `runNow` (POST /api/admin/digests/run) delivers the day's digests at once, and `resend`
 * is an admin's one-click resend of an uncertain or failed chat-day. Failures are logged, never thrown.
 */
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Logger } from '../logger.js';
import type { Store, Subscription } from '../store/index.js';
import { shanghaiDate, shanghaiTime, TIME_ZONE } from '../time.js';
import { createDelivery, type DeliveryOptions, type DeliveryResult, type DigestSender, skipReason } from './delivery.js';
import type { DigestService } from './service.js';

export { digestKey, type DeliveryResult, type DigestSender } from './delivery.js';

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
  /** Leases, timeouts and retries of a send (src/digest/delivery.ts); `owner` defaults to a random id per process. */
  delivery?: Partial<DeliveryOptions>;
}

export interface TickReport {
  date: string;
  sent: string[];
  failed: string[];
  skipped: string[];
  uncertain: string[];
}

export interface Scheduler {
  /** Start the minute job and catch up at once. */
  start(): void;
  stop(): void;
  /** One pass: settle interrupted sends, then send every due digest not yet sent today. Never throws. */
  tick(): Promise<TickReport>;
  /** Deliver `date`'s digest (default today) to every subscribed chat not yet sent, whatever its time of day. */
  runNow(date?: string): Promise<DeliveryResult[]>;
  /** An admin's resend of an uncertain or failed chat-day. */
  resend(platform: string, chatId: string, date: string): Promise<DeliveryResult>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const pace = deps.paceMs ?? 1000;
  const log = deps.logger.child({ component: 'digest' });
  const delivery = createDelivery({
    store: deps.store,
    digests: deps.digests,
    senders: deps.adapters,
    logger: deps.logger,
    clock,
    options: { owner: deps.delivery?.owner ?? `yaodian-${randomUUID()}`, ...deps.delivery },
  });
  let job: Cron | undefined;
  let running: Promise<unknown> | undefined;
  const missingAdapter = new Set<string>();

  /** One pass at a time (ticks, runNow and resend share it): a slow pass is not overlapped by the next. */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    const run = (running ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    running = tail;
    void tail.then(() => {
      if (running === tail) running = undefined;
    });
    return run;
  }

  async function pass(): Promise<TickReport> {
    const now = clock();
    const date = shanghaiDate(now);
    const time = shanghaiTime(now);
    const report: TickReport = { date, sent: [], failed: [], skipped: [], uncertain: [] };
    for (const r of await delivery.recoverAbandoned()) {
      if (r.status === 'sent' || r.status === 'failed' || r.status === 'uncertain') report[r.status].push(`${r.platform}:${r.chat}`);
    }
    let subs: Subscription[];
    try {
      subs = (await deps.store.subscriptions()).filter((s) => s.time <= time);
    } catch (err) {
      log.error({ err }, 'could not read subscriptions');
      return report;
    }
    // Every chat-day due now is written down first ('pending'), so a crash part-way leaves a visible plan.
    const due: Subscription[] = [];
    for (const sub of subs) {
      if (!deps.adapters.has(sub.platform)) {
        if (!missingAdapter.has(sub.platform)) log.warn({ platform: sub.platform }, 'no adapter for subscribed platform; digests skipped');
        missingAdapter.add(sub.platform);
        report.skipped.push(`${sub.platform}:${sub.chatId}`);
        continue;
      }
      try {
        await deps.store.planDigest({ platform: sub.platform, chatId: sub.chatId, date, unit: sub.unit, at: now.toISOString() });
        due.push(sub);
      } catch (err) {
        log.error({ err, platform: sub.platform, chatId: sub.chatId }, 'digest not planned');
        report.failed.push(`${sub.platform}:${sub.chatId}`);
      }
    }
    let first = true;
    for (const sub of due) {
      const id = `${sub.platform}:${sub.chatId}`;
      try {
        const record = await deps.store.digest(sub.platform, sub.chatId, date);
        if (record?.state === 'sent' || record?.state === 'uncertain' || record?.state === 'sending') continue;
        if (record?.state === 'failed' && (record.attempts >= delivery.maxAttempts || (record.nextAt && record.nextAt > clock().toISOString()))) continue;
        if (!first && pace > 0) await sleep(pace);
        first = false;
        const result = await delivery.deliver(sub, date);
        report[result.status].push(id);
      } catch (err) {
        log.error({ err, platform: sub.platform, chatId: sub.chatId }, 'digest pass failed for chat');
        report.failed.push(id);
      }
    }
    return report;
  }

  async function runNow(date: string): Promise<DeliveryResult[]> {
    await delivery.recoverAbandoned();
    const results: DeliveryResult[] = [];
    let first = true;
    for (const sub of await deps.store.subscriptions()) {
      const rec = await deps.store.digest(sub.platform, sub.chatId, date);
      if (rec && (rec.state === 'sent' || rec.state === 'uncertain' || rec.state === 'sending')) {
        results.push({ platform: sub.platform, chat: sub.chatId, unit: sub.unit, date, status: 'skipped', error: skipReason(rec) });
        continue;
      }
      if (!first && pace > 0) await sleep(pace);
      first = false;
      try {
        results.push(await delivery.deliver(sub, date, { force: true }));
      } catch (err) {
        log.error({ err, platform: sub.platform, chatId: sub.chatId }, 'digest run failed for chat');
        results.push({ platform: sub.platform, chat: sub.chatId, unit: sub.unit, date, status: 'failed', error: '内部错误，见日志' });
      }
    }
    return results;
  }

  async function resend(platform: string, chatId: string, date: string): Promise<DeliveryResult> {
    const rec = await deps.store.digest(platform, chatId, date);
    const unit = (await deps.store.chat(platform, chatId))?.unit ?? rec?.unit ?? null;
    const none = (error: string): DeliveryResult => ({ platform, chat: chatId, unit, date, status: 'skipped', error });
    if (!rec) return none('没有这条推送记录');
    if (!unit) return none('该群没有绑定单位');
    if (!(await deps.store.resetDigest({ platform, chatId, date, at: clock().toISOString() }))) return none(skipReason(rec));
    log.info({ platform, chatId, date, was: rec.state }, 'admin resend');
    return delivery.deliver({ platform, chatId, unit }, date, { force: true });
  }

  /** A tick while another is queued or running joins it (croner fires every minute, whatever a pass takes). */
  let ticking: Promise<TickReport> | undefined;
  const tick = () =>
    (ticking ??= serial(() =>
      pass().catch((err: unknown) => {
        log.error({ err }, 'digest pass failed');
        return { date: shanghaiDate(clock()), sent: [], failed: [], skipped: [], uncertain: [] } satisfies TickReport;
      }),
    ).finally(() => {
      ticking = undefined;
    }));

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
    runNow: (date) => serial(() => runNow(date ?? shanghaiDate(clock()))),
    resend: (platform, chatId, date) => serial(() => resend(platform, chatId, date)),
  };
}
