/**
 * Delivering one chat-day's digest through the store's state machine (src/store/deliveries.ts):
 *   claim (pending | failed and due → sending, with a lease that is renewed while the send runs) → send → sent, or
 *   failed with the platform's code and the time of the next try (exponential backoff, never before the platform's
 *   own retry-after), or uncertain when the platform never answered and a repeat could show the digest twice.
 * A 'sending' row whose lease ran out belongs to a sender that died (kill -9, power loss): it is sent again only
 * where the platform drops repeats by an idempotency key (Lark's uuid) and that key is still inside the platform's
 * window; otherwise it is marked uncertain for an admin to check and resend with one click.
 */
import type { Logger } from '../logger.js';
import type { Adapter, Answer } from '../model.js';
import type { DeliveryRecord, Store, Subscription } from '../store/index.js';
import { renderDigest } from './render.js';
import type { DigestService } from './service.js';
import { createHash } from 'node:crypto';

/** What delivery needs of an adapter: its platform, send, and whether (and how long) send's dedupe key holds. */
export type DigestSender = Pick<Adapter, 'platform' | 'send' | 'supportsDedupeKey' | 'dedupeWindowMs'> & {
  /**
   * For a platform with a dedupe key, false for the chats whose messages cannot carry it (浙政钉 group chats go
   * through chat/sendMsg, which has none): those are treated as a platform without a key. Default: every chat.
   */
  honoursDedupeKey?(chatId: string): boolean;
};

export type DeliveryStatus = 'sent' | 'failed' | 'skipped' | 'uncertain';

/** One chat's result, as the admin endpoint and the web page show it. */
export interface DeliveryResult {
  platform: string;
  chat: string;
  unit: string | null;
  date: string;
  status: DeliveryStatus;
  /** Why it failed or was skipped, in Chinese, with the platform's code where there is one. */
  error?: string;
  code?: string;
}

export interface DeliveryOptions {
  /** This instance's name on the rows it claims. */
  owner: string;
  /** How long a claim lasts without renewal (default 90 s); renewed every third of it while a send runs. */
  leaseMs?: number;
  /** A send that has not finished after this long counts as unanswered (default 2 minutes). */
  sendTimeoutMs?: number;
  /** Backoff between tries of a failed chat-day: base × 2^(tries−1), capped (default 2 minutes, 1 hour). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Tries per chat-day before the scheduler stops retrying it for the day (default 8). */
  maxAttempts?: number;
}

export interface DeliveryDeps {
  store: Store;
  digests: DigestService;
  senders: ReadonlyMap<string, DigestSender>;
  logger: Logger;
  clock: () => Date;
  options: DeliveryOptions;
}

/** Deterministic per chat-day, ≤ 50 characters (Lark's uuid limit): digest-20211125-<hash of platform:chat>. */
export function digestKey(platform: string, chatId: string, date: string): string {
  return `digest-${date.replace(/-/g, '')}-${createHash('sha256').update(`${platform}:${chatId}`).digest('hex').slice(0, 24)}`;
}

/** Codes of failures where the platform never answered: the message may have arrived. */
export const UNANSWERED_CODES = new Set(['timeout', 'network']);

export interface Failure {
  code: string;
  message: string;
  /** The platform said when to try again. */
  retryAfterMs?: number;
  /** False when no answer came back (timeout, connection dropped): the message may have arrived. */
  answered: boolean;
}

/** Query-string secrets that a transport error's text may carry (custom robot URLs, signatures). */
const URL_SECRETS = /\b(access_token|token|sign|timestamp|ticket|secret)=[^&\s"']+/gi;

/** A send's failure as stored: the platform's code (or HTTP status), a short message without secrets. */
export function failureOf(err: unknown): Failure {
  const e = (err ?? {}) as { code?: unknown; status?: unknown; retryAfterMs?: unknown; ambiguous?: unknown; message?: unknown; name?: unknown };
  const message = String(e.message ?? err).replace(URL_SECRETS, '$1=…').slice(0, 300);
  const retryAfterMs = typeof e.retryAfterMs === 'number' && e.retryAfterMs > 0 ? e.retryAfterMs : undefined;
  const extra = retryAfterMs !== undefined ? { retryAfterMs } : {};
  if (e.name === 'SendTimeout') return { code: 'timeout', message, answered: false };
  if (e.code !== undefined && e.code !== null && e.code !== '') return { code: String(e.code), message, answered: true, ...extra };
  if (typeof e.status === 'number') return { code: `HTTP ${e.status}`, message, answered: true, ...extra };
  return { code: 'network', message, answered: e.ambiguous === false, ...extra };
}

class SendTimeout extends Error {
  override name = 'SendTimeout';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeout(`平台 ${Math.round(ms / 1000)} 秒内没有回应`)), ms);
    timer.unref?.();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface Delivery {
  /** Send one subscribed chat's digest for `date` if it is claimable (force: a failed row regardless of its backoff). */
  deliver(sub: Pick<Subscription, 'platform' | 'chatId' | 'unit'>, date: string, options?: { force?: boolean }): Promise<DeliveryResult>;
  /** Settle the sends whose sender died: resend with the idempotency key, or mark uncertain. */
  recoverAbandoned(): Promise<DeliveryResult[]>;
  readonly maxAttempts: number;
}

export function createDelivery(deps: DeliveryDeps): Delivery {
  const { store, senders, clock } = deps;
  const owner = deps.options.owner;
  const leaseMs = deps.options.leaseMs ?? 90_000;
  const sendTimeoutMs = deps.options.sendTimeoutMs ?? 120_000;
  const retryBase = deps.options.retryBaseMs ?? 120_000;
  const cap = deps.options.retryMaxMs ?? 3_600_000;
  const maxAttempts = deps.options.maxAttempts ?? 8;
  const log = deps.logger.child({ component: 'delivery' });
  const iso = (ms = 0) => new Date(clock().getTime() + ms).toISOString();
  /** Does a send to this chat carry a dedupe key the platform honours? */
  const keyed = (s: DigestSender, chatId: string) => s.supportsDedupeKey === true && (s.honoursDedupeKey?.(chatId) ?? true);
  /** The wait after the n-th failed try. */
  const backoff = (tries: number) => Math.min(cap, retryBase * 2 ** Math.max(0, tries - 1));

  async function build(unit: string, platform: string, chatId: string, date: string): Promise<Answer> {
    return renderDigest(await deps.digests.digest(unit, date, { platform, chatId }));
  }

  /** Send a claimed row and record what happened. */
  async function sendClaimed(sender: DigestSender, row: { platform: string; chatId: string; date: string; unit: string | null; attempts: number }, answer: Answer, key: string | null): Promise<DeliveryResult> {
    const day = { platform: row.platform, chatId: row.chatId, date: row.date };
    const result = (status: DeliveryStatus, extra: Partial<DeliveryResult> = {}): DeliveryResult => ({ platform: row.platform, chat: row.chatId, unit: row.unit, date: row.date, status, ...extra });
    const renew = setInterval(() => {
      store.renewDigestLease({ ...day, owner, leaseUntil: iso(leaseMs) }).catch((err: unknown) => log.warn({ err, ...day }, 'lease renewal failed'));
    }, Math.max(1000, Math.floor(leaseMs / 3)));
    renew.unref?.();
    try {
      await withTimeout(sender.send(row.chatId, answer, key ? { dedupeKey: key } : {}), sendTimeoutMs);
    } catch (err) {
      clearInterval(renew);
      const f = failureOf(err);
      if (!f.answered && !key) {
        await store.digestUncertain({ ...day, owner, at: iso(), code: f.code, message: `平台没有回应，无法确定是否已送达（${f.message}）` });
        log.error({ ...day, code: f.code }, 'digest send unanswered and the platform has no idempotency key: marked uncertain');
        return result('uncertain', { code: f.code, error: `状态不确定：${f.message}` });
      }
      const tries = row.attempts;
      let delay = backoff(tries);
      if (f.retryAfterMs) delay = Math.max(delay, f.retryAfterMs);
      const nextAt = tries >= maxAttempts ? null : iso(delay);
      await store.digestFailed({ ...day, owner, at: iso(), code: f.code, message: f.message, nextAt });
      log.error({ ...day, code: f.code, tries, nextAt }, nextAt ? 'digest send failed; will retry' : 'digest send failed; no more tries today');
      return result('failed', { code: f.code, error: `${f.code}：${f.message}` });
    }
    clearInterval(renew);
    if (!(await store.digestSent({ ...day, owner, at: iso() }))) {
      log.error({ ...day }, 'digest sent, but the row was no longer ours to record (lease lost)');
    } else log.info({ ...day, unit: row.unit }, 'digest sent');
    return result('sent');
  }

  async function deliver(sub: Pick<Subscription, 'platform' | 'chatId' | 'unit'>, date: string, options: { force?: boolean } = {}): Promise<DeliveryResult> {
    const base = { platform: sub.platform, chat: sub.chatId, unit: sub.unit, date } as const;
    const sender = senders.get(sub.platform);
    if (!sender) return { ...base, status: 'skipped', error: `平台 ${sub.platform} 未启用` };
    const key = keyed(sender, sub.chatId) ? digestKey(sub.platform, sub.chatId, date) : null;
    const claim = { platform: sub.platform, chatId: sub.chatId, date, unit: sub.unit, dedupeKey: key, owner, at: iso(), leaseUntil: iso(leaseMs), ...(options.force ? { force: true } : {}) };
    let answer: Answer;
    try {
      answer = await build(sub.unit, sub.platform, sub.chatId, date);
    } catch (err) {
      // The unit is unknown to the loaded documents: recorded failed, so admins see it; tried again later.
      if (!(await store.claimDigest(claim))) return { ...base, status: 'skipped', error: '已由其他实例处理' };
      const rec = await store.digest(sub.platform, sub.chatId, date);
      const message = err instanceof Error ? err.message : String(err);
      const tries = rec?.attempts ?? 1;
      await store.digestFailed({ platform: sub.platform, chatId: sub.chatId, date, owner, at: iso(), code: 'UNIT', message, nextAt: tries >= maxAttempts ? null : iso(backoff(tries)) });
      log.warn({ err, platform: sub.platform, chatId: sub.chatId, unit: sub.unit }, 'digest not built');
      return { ...base, status: 'failed', code: 'UNIT', error: message };
    }
    if (!(await store.claimDigest(claim))) {
      const rec = await store.digest(sub.platform, sub.chatId, date);
      return { ...base, status: 'skipped', error: skipReason(rec) };
    }
    const rec = await store.digest(sub.platform, sub.chatId, date);
    return sendClaimed(sender, { platform: sub.platform, chatId: sub.chatId, date, unit: sub.unit, attempts: rec?.attempts ?? 1 }, answer, key);
  }

  async function recoverOne(rec: DeliveryRecord): Promise<DeliveryResult> {
    const at = clock().getTime();
    const sender = senders.get(rec.platform);
    const day = { platform: rec.platform, chatId: rec.chatId, date: rec.date };
    const started = rec.sendingAt ? Date.parse(rec.sendingAt) : Number.NaN;
    const window = sender?.dedupeWindowMs ?? 0;
    const resendable = sender && keyed(sender, rec.chatId) && rec.dedupeKey && rec.unit && Number.isFinite(started) && at - started < window;
    if (!resendable || !sender || !rec.unit || !rec.dedupeKey) {
      const why = !sender ? `平台 ${rec.platform} 未启用` : !keyed(sender, rec.chatId) ? '平台没有去重键' : '已超出平台去重键的有效期';
      const ok = await store.digestUncertain({ ...day, owner: rec.owner, at: iso(), code: 'interrupted', message: `发送中断（发送进程退出），${why}，无法确定是否已送达` });
      if (ok) log.warn({ ...day, previousOwner: rec.owner }, 'interrupted digest send marked uncertain: an admin decides whether to resend');
      return { platform: rec.platform, chat: rec.chatId, unit: rec.unit, date: rec.date, status: 'uncertain', code: 'interrupted', error: `状态不确定：发送中断，${why}` };
    }
    if (!(await store.takeOverDigest({ ...day, previousOwner: rec.owner, owner, at: iso(), leaseUntil: iso(leaseMs) }))) {
      return { platform: rec.platform, chat: rec.chatId, unit: rec.unit, date: rec.date, status: 'skipped', error: '已由其他实例接手' };
    }
    log.warn({ ...day, previousOwner: rec.owner }, 'interrupted digest send: resending with the same idempotency key');
    let answer: Answer;
    try {
      answer = await build(rec.unit, rec.platform, rec.chatId, rec.date);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await store.digestFailed({ ...day, owner, at: iso(), code: 'UNIT', message, nextAt: null });
      return { platform: rec.platform, chat: rec.chatId, unit: rec.unit, date: rec.date, status: 'failed', code: 'UNIT', error: message };
    }
    return sendClaimed(sender, { ...day, unit: rec.unit, attempts: rec.attempts + 1 }, answer, rec.dedupeKey);
  }

  return {
    deliver,
    maxAttempts,
    async recoverAbandoned() {
      const out: DeliveryResult[] = [];
      for (const rec of await store.abandonedDigests(iso())) {
        try {
          out.push(await recoverOne(rec));
        } catch (err) {
          log.error({ err, platform: rec.platform, chatId: rec.chatId, date: rec.date }, 'recovering an interrupted send failed');
        }
      }
      return out;
    },
  };
}

/** Why a chat-day was not claimed, from its row. */
export function skipReason(rec: DeliveryRecord | undefined): string {
  switch (rec?.state) {
    case 'sent':
      return '当天已发送';
    case 'sending':
      return '正在发送';
    case 'uncertain':
      return '状态不确定：请在管理页确认后重发';
    case 'failed':
      return `等待重试（${rec.errorCode ?? ''}）`;
    default:
      return '未能占用';
  }
}
