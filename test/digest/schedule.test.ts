import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import { createScheduler, digestKey, type DigestSender } from '../../src/digest/schedule.js';
import { shanghaiTime } from '../../src/time.js';
import { createDigestService, type DigestService } from '../../src/digest/service.js';
import { createLedgerService } from '../../src/ledger/service.js';
import { silentLogger } from '../../src/logger.js';
import type { Answer, Platform, SendOptions } from '../../src/model.js';
import { openStore, type Store } from '../../src/store/index.js';
import { sampleEngine } from '../helpers/samples.js';

let answerer: Answerer;
beforeAll(async () => {
  answerer = await sampleEngine();
});

/** The digest service over the samples and `store`, as serve wires it. */
const digestsOf = (store: Store): DigestService => createDigestService({ ledger: createLedgerService({ catalog: answerer, store }), store });

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** A Shanghai wall-clock time as a Date. */
const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`);

/** A platform's refusal, as adapters throw it: the HTTP status and the platform's code. */
const refusal = (status: number, code?: number | string, retryAfterMs?: number) =>
  Object.assign(new Error(`platform refused (HTTP ${status}${code !== undefined ? `, code ${code}` : ''})`), { status, ...(code !== undefined ? { code } : {}), ...(retryAfterMs ? { retryAfterMs } : {}) });

/**
 * A fake adapter. With `dedupes`, it drops a second message carrying a key it has seen within an hour (like Lark's
 * uuid). `fail` decides, per call, to throw instead of delivering.
 */
function fakeAdapter(platform: Platform, opts: { dedupes?: boolean; failTimes?: number; fail?: () => Error | undefined } = {}) {
  const delivered: { chatId: string; answer: Answer; key?: string }[] = [];
  const calls: { chatId: string; key?: string }[] = [];
  const keys = new Set<string>();
  let failures = opts.failTimes ?? 0;
  const adapter: DigestSender & { delivered: typeof delivered; calls: typeof calls } = {
    platform,
    supportsDedupeKey: opts.dedupes ?? false,
    ...(opts.dedupes ? { dedupeWindowMs: 3600_000 } : {}),
    delivered,
    calls,
    async send(chatId: string, answer: Answer, options?: SendOptions) {
      calls.push({ chatId, ...(options?.dedupeKey ? { key: options.dedupeKey } : {}) });
      const failure = opts.fail?.();
      if (failure) throw failure;
      if (failures > 0) {
        failures--;
        throw refusal(503);
      }
      if (opts.dedupes && options?.dedupeKey) {
        if (keys.has(options.dedupeKey)) return;
        keys.add(options.dedupeKey);
      }
      delivered.push({ chatId, answer, ...(options?.dedupeKey ? { key: options.dedupeKey } : {}) });
    },
  };
  return adapter;
}

async function setup() {
  const store = await openStore({ dataDir: ':memory:' });
  stores.push(store);
  await store.setChatUnit('lark', 'oc_jd', '旌德县财政局', 'admin');
  await store.subscribe('lark', 'oc_jd', '08:30', 'admin');
  await store.setChatUnit('dingtalk', 'cid_gov', '旌德县政府办', 'admin');
  await store.subscribe('dingtalk', 'cid_gov', '09:00', 'admin');
  const lark = fakeAdapter('lark', { dedupes: true });
  const dingtalk = fakeAdapter('dingtalk');
  const clock = { now: at('2021-11-25', '08:00') };
  const sleeps: number[] = [];
  const make = (s: Store = store, adapters = new Map<string, DigestSender>([['lark', lark], ['dingtalk', dingtalk]]), owner = 'instance-a') =>
    createScheduler({
      store: s,
      digests: digestsOf(s),
      adapters,
      logger: silentLogger(),
      clock: () => clock.now,
      sleep: async (ms) => void sleeps.push(ms),
      paceMs: 500,
      delivery: { owner, leaseMs: 60_000, retryBaseMs: 120_000, retryMaxMs: 3600_000, maxAttempts: 4 },
    });
  return { store, lark, dingtalk, clock, sleeps, make };
}

/** A store whose 'sent' record never gets written: the process dies between the platform's answer and the record. */
const dyingAfterSend = (store: Store): Store => ({ ...store, digestSent: async () => Promise.reject(new Error('killed')) });
const minutesLater = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);

describe('digest scheduler', () => {
  it('reads the time of day in Asia/Shanghai and makes a short deterministic key', () => {
    expect(shanghaiTime(new Date('2021-11-25T00:30:00Z'))).toBe('08:30');
    expect(shanghaiTime(new Date('2021-11-24T16:05:00Z'))).toBe('00:05');
    const key = digestKey('lark', 'oc_0123456789abcdef0123456789abcdef', '2021-11-25');
    expect(key).toBe(digestKey('lark', 'oc_0123456789abcdef0123456789abcdef', '2021-11-25'));
    expect(key).not.toBe(digestKey('lark', 'oc_0123456789abcdef0123456789abcdef', '2021-11-26'));
    expect(key.length).toBeLessThanOrEqual(50);
  });

  it('sends each chat its digest at its own subscribed time, once a day, with the right buckets', async () => {
    const { lark, dingtalk, clock, make, store } = await setup();
    const s = make();
    clock.now = at('2021-11-25', '08:29');
    expect((await s.tick()).sent).toEqual([]);
    clock.now = at('2021-11-25', '08:30');
    expect((await s.tick()).sent).toEqual(['lark:oc_jd']);
    expect(lark.delivered).toHaveLength(1);
    const a = lark.delivered[0]!.answer;
    expect(a.intent).toBe('digest');
    expect(a.text).toContain('旌德县财政局 每日要点（2021-11-25）');
    expect(a.text).toMatch(/【7日内到期】1项\n1\. 《旌德2021要点》一（三） 做好财政信息公开 — 时限：2021-11-30，还剩5天/);
    expect(a.citations.map((c) => c.item)).toEqual(['一.3']);
    expect(lark.delivered[0]!.key).toBe(digestKey('lark', 'oc_jd', '2021-11-25'));
    expect(await store.digest('lark', 'oc_jd', '2021-11-25')).toMatchObject({ state: 'sent', attempts: 1, owner: 'instance-a', sentAt: at('2021-11-25', '08:30').toISOString(), errorCode: null });
    clock.now = at('2021-11-25', '08:45');
    expect((await s.tick()).sent).toEqual([]);
    expect(dingtalk.delivered).toHaveLength(0);
    clock.now = at('2021-11-25', '09:00');
    expect((await s.tick()).sent).toEqual(['dingtalk:cid_gov']);
    expect(dingtalk.delivered[0]!.key).toBeUndefined();
    expect(dingtalk.delivered[0]!.answer.text).toContain('旌德县政府办');
    expect((await store.digest('dingtalk', 'cid_gov', '2021-11-25'))?.state).toBe('sent');
    // Next week: 一.3 is overdue.
    clock.now = at('2021-12-02', '08:30');
    await s.tick();
    expect(lark.delivered).toHaveLength(2);
    expect(lark.delivered[1]!.answer.text).toMatch(/【逾期】1项\n1\. 《旌德2021要点》一（三）.*已逾期2天/);
  });

  it('a send cut off after the platform accepted it is resent with the same key where the platform dedupes: shown once', async () => {
    const { store, lark, clock, make } = await setup();
    clock.now = at('2021-11-25', '08:30');
    await make(dyingAfterSend(store), undefined, 'dead-instance').tick();
    expect(lark.delivered).toHaveLength(1);
    expect(await store.digest('lark', 'oc_jd', '2021-11-25')).toMatchObject({ state: 'sending', owner: 'dead-instance' });
    // Restarted within the lease: the chat-day may still be in flight elsewhere, so it is left alone.
    clock.now = at('2021-11-25', '08:30');
    const early = await make().tick();
    expect(early.sent).toEqual([]);
    expect(lark.calls.filter((c) => c.chatId === 'oc_jd')).toHaveLength(1);
    // Once the lease has run out the restarted process takes it over and resends with the same key: dropped by the platform.
    clock.now = at('2021-11-25', '08:32');
    expect((await make().tick()).sent).toEqual(['lark:oc_jd']);
    expect(lark.calls.filter((c) => c.chatId === 'oc_jd')).toHaveLength(2);
    expect(new Set(lark.calls.map((c) => c.key)).size).toBe(1);
    expect(lark.delivered).toHaveLength(1);
    expect(await store.digest('lark', 'oc_jd', '2021-11-25')).toMatchObject({ state: 'sent', owner: 'instance-a', attempts: 2 });
    clock.now = at('2021-11-25', '12:00');
    await make().tick();
    expect(lark.calls.filter((c) => c.chatId === 'oc_jd')).toHaveLength(2);
  });

  it('without an idempotency key an interrupted send is marked uncertain, never resent on its own; an admin resends it once', async () => {
    const { store, dingtalk, clock, make } = await setup();
    clock.now = at('2021-11-25', '09:00');
    await make(dyingAfterSend(store), undefined, 'dead-instance').tick();
    expect(dingtalk.delivered).toHaveLength(1);
    clock.now = at('2021-11-25', '09:05');
    const r = await make().tick();
    expect(r.uncertain).toEqual(['dingtalk:cid_gov']);
    await make().tick();
    expect(dingtalk.calls).toHaveLength(1);
    const row = await store.digest('dingtalk', 'cid_gov', '2021-11-25');
    expect(row).toMatchObject({ state: 'uncertain', errorCode: 'interrupted' });
    expect(row?.error).toContain('无法确定是否已送达');
    // Listed for admins; the day's run leaves it alone; an admin's resend sends it once.
    expect((await store.digestLog({ from: '2021-11-25', to: '2021-11-25', states: ['uncertain'] })).map((d) => d.chatId)).toEqual(['cid_gov']);
    expect((await make().runNow('2021-11-25')).find((x) => x.chat === 'cid_gov')).toMatchObject({ status: 'skipped' });
    expect(dingtalk.calls).toHaveLength(1);
    expect(await make().resend('dingtalk', 'cid_gov', '2021-11-25')).toMatchObject({ status: 'sent', unit: '旌德县政府办' });
    expect(dingtalk.calls).toHaveLength(2);
    expect((await store.digest('dingtalk', 'cid_gov', '2021-11-25'))?.state).toBe('sent');
    expect(await make().resend('dingtalk', 'cid_gov', '2021-11-25')).toMatchObject({ status: 'skipped', error: '当天已发送' });
  });

  it('a second interruption is measured from the first send with the key, not from the resend', async () => {
    const { store, lark, clock, make } = await setup();
    clock.now = at('2021-11-25', '08:30');
    await make(dyingAfterSend(store), undefined, 'dead-1').tick();
    clock.now = at('2021-11-25', '09:10');
    await make(dyingAfterSend(store), undefined, 'dead-2').tick();
    expect(lark.calls).toHaveLength(2);
    // 09:40: within an hour of the resend, but not of the first send: Lark may no longer drop it.
    clock.now = at('2021-11-25', '09:40');
    expect((await make().tick()).uncertain).toContain('lark:oc_jd');
    expect(lark.calls).toHaveLength(2);
    expect((await store.digest('lark', 'oc_jd', '2021-11-25'))?.error).toContain('有效期');
  });

  it('a platform whose group chats carry no key (浙政钉 chat/sendMsg) sends those without one and never resends them on its own', async () => {
    const { store, clock, make } = await setup();
    await store.setChatUnit('zwdd', 'acc-1001', '旌德县财政局', 'admin');
    await store.subscribe('zwdd', 'acc-1001', '10:00', 'admin');
    await store.setChatUnit('zwdd', 'group:cid-1', '旌德县政府办', 'admin');
    await store.subscribe('zwdd', 'group:cid-1', '10:00', 'admin');
    const zwdd = Object.assign(fakeAdapter('zwdd', { dedupes: true }), { honoursDedupeKey: (chatId: string) => !chatId.startsWith('group:') });
    const adapters = new Map<string, DigestSender>([['zwdd', zwdd]]);
    clock.now = at('2021-11-25', '10:00');
    await make(dyingAfterSend(store), adapters, 'dead-instance').tick();
    expect(zwdd.calls).toEqual([{ chatId: 'acc-1001', key: digestKey('zwdd', 'acc-1001', '2021-11-25') }, { chatId: 'group:cid-1' }]);
    expect((await store.digest('zwdd', 'group:cid-1', '2021-11-25'))?.dedupeKey).toBeNull();
    // After the lease: the work notification is resent under its key (dropped by the platform); the group is uncertain.
    clock.now = at('2021-11-25', '10:05');
    const r = await make(store, adapters).tick();
    expect(r.sent).toEqual(['zwdd:acc-1001']);
    expect(r.uncertain).toEqual(['zwdd:group:cid-1']);
    expect(zwdd.calls.map((c) => c.chatId)).toEqual(['acc-1001', 'group:cid-1', 'acc-1001']);
    expect(zwdd.delivered.map((d) => d.chatId)).toEqual(['acc-1001', 'group:cid-1']);
    expect((await store.digest('zwdd', 'group:cid-1', '2021-11-25'))?.error).toContain('平台没有去重键');
  });

  it('a resend after the platform forgot the key (Lark: one hour) is uncertain, not a second message', async () => {
    const { store, lark, clock, make } = await setup();
    clock.now = at('2021-11-25', '08:30');
    await make(dyingAfterSend(store), undefined, 'dead-instance').tick();
    clock.now = at('2021-11-25', '09:45');
    expect((await make().tick()).uncertain).toEqual(['lark:oc_jd']);
    expect(lark.calls).toHaveLength(1);
    expect((await store.digest('lark', 'oc_jd', '2021-11-25'))?.error).toContain('有效期');
  });

  it('a refused push is recorded failed with the platform code, retried with backoff within the day, and sent once after recovery', async () => {
    const { store, clock, sleeps, make } = await setup();
    let down = true;
    const flaky = fakeAdapter('lark', { dedupes: true, fail: () => (down ? refusal(400, 99991400, 5 * 60_000) : undefined) });
    const dt = fakeAdapter('dingtalk', { fail: () => (down ? refusal(200, 130101) : undefined) });
    const s = make(store, new Map<string, DigestSender>([['lark', flaky], ['dingtalk', dt]]));
    clock.now = at('2021-11-25', '09:30');
    const r = await s.tick();
    expect(r.failed.sort()).toEqual(['dingtalk:cid_gov', 'lark:oc_jd']);
    expect(sleeps).toEqual([500]);
    const larkRow = await store.digest('lark', 'oc_jd', '2021-11-25');
    expect(larkRow).toMatchObject({ state: 'failed', attempts: 1, errorCode: '99991400' });
    // The platform asked for 5 minutes; the backoff (2 minutes) is not enough, so the next try waits 5.
    expect(larkRow?.nextAt).toBe(minutesLater(clock.now, 5).toISOString());
    expect(await store.digest('dingtalk', 'cid_gov', '2021-11-25')).toMatchObject({ state: 'failed', errorCode: '130101', nextAt: minutesLater(clock.now, 2).toISOString() });
    // Not before the next try is due.
    clock.now = at('2021-11-25', '09:31');
    await s.tick();
    expect(flaky.calls).toHaveLength(1);
    expect(dt.calls).toHaveLength(1);
    // Due again: tried, failed again (backoff doubles).
    clock.now = at('2021-11-25', '09:35');
    await s.tick();
    expect(dt.calls).toHaveLength(2);
    expect(await store.digest('dingtalk', 'cid_gov', '2021-11-25')).toMatchObject({ state: 'failed', attempts: 2, nextAt: minutesLater(clock.now, 4).toISOString() });
    expect(flaky.delivered).toHaveLength(0);
    // Recovery: each chat gets exactly one digest, whatever is run after.
    down = false;
    clock.now = at('2021-11-25', '09:40');
    expect((await s.tick()).sent.sort()).toEqual(['dingtalk:cid_gov', 'lark:oc_jd']);
    await s.tick();
    await s.runNow();
    expect(flaky.delivered).toHaveLength(1);
    expect(dt.delivered).toHaveLength(1);
    expect(await store.digest('dingtalk', 'cid_gov', '2021-11-25')).toMatchObject({ state: 'sent', attempts: 3, errorCode: null });
  });

  it('stops retrying a chat-day after the last attempt; the admin run still tries it', async () => {
    const { store, clock, make } = await setup();
    const down = fakeAdapter('dingtalk', { failTimes: 100 });
    const s = make(store, new Map<string, DigestSender>([['dingtalk', down]]));
    for (const [h, m] of [[9, 0], [9, 5], [9, 15], [9, 30], [10, 0], [11, 0]] as const) {
      clock.now = at('2021-11-25', `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
      await s.tick();
    }
    expect(down.calls).toHaveLength(4);
    expect(await store.digest('dingtalk', 'cid_gov', '2021-11-25')).toMatchObject({ state: 'failed', attempts: 4, nextAt: null, errorCode: 'HTTP 503' });
    const run = await s.runNow();
    expect(run.find((x) => x.chat === 'cid_gov')).toMatchObject({ status: 'failed', code: 'HTTP 503' });
    expect(down.calls).toHaveLength(5);
  });

  it('a push the platform never answered is uncertain without a key, retried with the key where there is one', async () => {
    const { store, clock, make } = await setup();
    const reset = () => Object.assign(new Error('socket hang up'), { ambiguous: true });
    const lk = fakeAdapter('lark', { dedupes: true, failTimes: 0, fail: () => (lk.calls.length === 1 ? reset() : undefined) });
    const dt = fakeAdapter('dingtalk', { fail: reset });
    clock.now = at('2021-11-25', '09:00');
    const r = await make(store, new Map<string, DigestSender>([['lark', lk], ['dingtalk', dt]])).tick();
    expect(r.uncertain).toEqual(['dingtalk:cid_gov']);
    expect(r.failed).toEqual(['lark:oc_jd']);
    expect(await store.digest('dingtalk', 'cid_gov', '2021-11-25')).toMatchObject({ state: 'uncertain', errorCode: 'network' });
    expect(await store.digest('lark', 'oc_jd', '2021-11-25')).toMatchObject({ state: 'failed', errorCode: 'network' });
  });

  it('after downtime over the digest time, sends it once on restart the same day, and never replays past days', async () => {
    const { lark, dingtalk, clock, make } = await setup();
    // Down all of 11-24 and until 10:15 on 11-25.
    clock.now = at('2021-11-25', '10:15');
    const s = make();
    const r = await s.tick();
    expect(r.sent.sort()).toEqual(['dingtalk:cid_gov', 'lark:oc_jd']);
    expect(r.date).toBe('2021-11-25');
    clock.now = at('2021-11-25', '10:16');
    await s.tick();
    await make().tick(); // another restart
    expect(lark.delivered).toHaveLength(1);
    expect(dingtalk.delivered).toHaveLength(1);
    expect(lark.delivered[0]!.answer.text).toContain('2021-11-25');
    // Next morning before the time: nothing (11-25 is not resent, 11-26 not yet due).
    clock.now = at('2021-11-26', '07:00');
    expect((await make().tick()).sent).toEqual([]);
    clock.now = at('2021-11-26', '08:30');
    expect((await make().tick()).sent).toEqual(['lark:oc_jd']);
  });

  it('writes every chat-day due now down as pending before the first send', async () => {
    const { store, clock, make, dingtalk } = await setup();
    const seen: (string | undefined)[] = [];
    const lark: DigestSender = {
      platform: 'lark',
      async send() {
        seen.push((await store.digest('dingtalk', 'cid_gov', '2021-11-25'))?.state);
        seen.push((await store.digest('lark', 'oc_jd', '2021-11-25'))?.state);
      },
    };
    clock.now = at('2021-11-25', '09:30');
    await make(store, new Map<string, DigestSender>([['lark', lark], ['dingtalk', dingtalk]])).tick();
    expect(seen).toEqual(['pending', 'sending']);
  });

  it('lets only one of two instances sharing the store claim a chat-day, and only its owner record it', async () => {
    const { store, clock } = await setup();
    clock.now = at('2021-11-25', '08:30');
    const day = { platform: 'lark', chatId: 'oc_jd', date: '2021-11-25' };
    const iso = clock.now.toISOString();
    const lease = minutesLater(clock.now, 1).toISOString();
    await store.planDigest({ ...day, unit: '旌德县财政局', at: iso });
    expect(await store.digest('lark', 'oc_jd', '2021-11-25')).toMatchObject({ state: 'pending', attempts: 0 });
    const claim = { ...day, unit: '旌德县财政局', dedupeKey: 'k', at: iso, leaseUntil: lease };
    expect(await store.claimDigest({ ...claim, owner: 'a' })).toBe(true);
    expect(await store.claimDigest({ ...claim, owner: 'b' })).toBe(false);
    expect(await store.digestSent({ ...day, owner: 'b', at: iso })).toBe(false);
    expect(await store.takeOverDigest({ ...day, previousOwner: 'a', owner: 'b', at: iso, leaseUntil: lease })).toBe(false);
    expect(await store.renewDigestLease({ ...day, owner: 'a', leaseUntil: minutesLater(clock.now, 2).toISOString() })).toBe(true);
    expect(await store.abandonedDigests(minutesLater(clock.now, 1).toISOString())).toEqual([]);
    expect((await store.abandonedDigests(minutesLater(clock.now, 3).toISOString())).map((d) => d.owner)).toEqual(['a']);
    expect(await store.digestSent({ ...day, owner: 'a', at: iso })).toBe(true);
    expect(await store.claimDigest({ ...claim, owner: 'b', force: true })).toBe(false);
    expect(await store.resetDigest({ ...day, at: iso })).toBe(false);
  });

  it('skips chats of platforms without an adapter and records units the plans do not know as failed', async () => {
    const { store, clock, make, lark } = await setup();
    await store.setChatUnit('wechat', 'room1', '旌德县财政局');
    await store.subscribe('wechat', 'room1', '08:00');
    await store.setChatUnit('lark', 'oc_gone', '不存在县某某局');
    await store.subscribe('lark', 'oc_gone', '08:00');
    clock.now = at('2021-11-25', '08:30');
    const r = await make().tick();
    expect(r.sent).toEqual(['lark:oc_jd']);
    expect(r.skipped).toEqual(['wechat:room1']);
    expect(r.failed).toEqual(['lark:oc_gone']);
    expect(await store.digest('lark', 'oc_gone', '2021-11-25')).toMatchObject({ state: 'failed', errorCode: 'UNIT' });
    expect(await store.digest('wechat', 'room1', '2021-11-25')).toBeUndefined();
    expect(lark.delivered.map((d) => d.chatId)).toEqual(['oc_jd']);
  });

  it('runNow delivers the day to every subscribed chat not yet sent, whatever its time, one row per chat', async () => {
    const { store, clock, make, lark, dingtalk } = await setup();
    clock.now = at('2021-11-25', '07:00');
    const s = make();
    const rows = await s.runNow();
    expect(rows.map((r) => [r.platform, r.chat, r.unit, r.status])).toEqual([
      ['lark', 'oc_jd', '旌德县财政局', 'sent'],
      ['dingtalk', 'cid_gov', '旌德县政府办', 'sent'],
    ]);
    expect((await s.runNow()).map((r) => [r.status, r.error])).toEqual([
      ['skipped', '当天已发送'],
      ['skipped', '当天已发送'],
    ]);
    // The scheduled time comes: nothing more.
    clock.now = at('2021-11-25', '09:30');
    await s.tick();
    expect(lark.delivered).toHaveLength(1);
    expect(dingtalk.delivered).toHaveLength(1);
    expect((await s.runNow('2021-11-26')).map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(lark.delivered[1]!.answer.text).toContain('2021-11-26');
    expect((await store.digestLog({ from: '2021-11-25', to: '2021-11-26' })).map((d) => `${d.date} ${d.platform} ${d.state}`)).toEqual([
      '2021-11-26 dingtalk sent',
      '2021-11-26 lark sent',
      '2021-11-25 dingtalk sent',
      '2021-11-25 lark sent',
    ]);
  });

  it('start() catches up at once and stop() ends the minute job', async () => {
    const { clock, make, lark } = await setup();
    clock.now = at('2021-11-25', '08:40');
    const s = make();
    s.start();
    await new Promise((r) => setTimeout(r, 50));
    await s.tick();
    s.stop();
    expect(lark.delivered).toHaveLength(1);
  });
});
