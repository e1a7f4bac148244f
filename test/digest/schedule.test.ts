import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Answerer } from '../../src/answer/index.js';
import { createScheduler, digestKey, shanghaiTime, type DigestSender } from '../../src/digest/schedule.js';
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

/** A fake adapter. With `dedupes`, it drops a second message carrying a key it has seen (like Lark's uuid). */
function fakeAdapter(platform: Platform, opts: { dedupes?: boolean; failTimes?: number } = {}) {
  const delivered: { chatId: string; answer: Answer; key?: string }[] = [];
  const calls: { chatId: string; key?: string }[] = [];
  const keys = new Set<string>();
  let failures = opts.failTimes ?? 0;
  const adapter: DigestSender & { delivered: typeof delivered; calls: typeof calls } = {
    platform,
    supportsDedupeKey: opts.dedupes ?? false,
    delivered,
    calls,
    async send(chatId: string, answer: Answer, options?: SendOptions) {
      calls.push({ chatId, ...(options?.dedupeKey ? { key: options.dedupeKey } : {}) });
      if (failures > 0) {
        failures--;
        throw new Error('platform 503');
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
  const make = (s: Store = store, adapters = new Map<string, DigestSender>([['lark', lark], ['dingtalk', dingtalk]])) =>
    createScheduler({ store: s, digests: digestsOf(s), adapters, logger: silentLogger(), clock: () => clock.now, sleep: async (ms) => void sleeps.push(ms), paceMs: 500, backoffMs: 100 });
  return { store, lark, dingtalk, clock, sleeps, make };
}

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

  it('a restart after a send whose record was never written sends no duplicate where the platform dedupes', async () => {
    const { store, lark, clock, make } = await setup();
    // The first process: the send succeeds, then the process dies before recording 'sent'.
    const dying: Store = { ...store, digestDone: async () => Promise.reject(new Error('killed')) };
    clock.now = at('2021-11-25', '08:30');
    await make(dying).tick();
    expect(lark.delivered).toHaveLength(1);
    expect((await store.digest('lark', 'oc_jd', '2021-11-25'))?.state).toBe('sending');
    // Restarted within the stale window: the chat-day may still be in flight elsewhere, so it is left alone.
    clock.now = at('2021-11-25', '08:31');
    expect((await make().tick()).skipped).toEqual(['lark:oc_jd']);
    expect(lark.calls.filter((c) => c.chatId === 'oc_jd')).toHaveLength(1);
    // Then the restarted process takes the stale chat-day over and resends with the same key: the platform drops it.
    clock.now = at('2021-11-25', '08:36');
    await make().tick();
    expect(lark.calls.filter((c) => c.chatId === 'oc_jd')).toHaveLength(2);
    expect(new Set(lark.calls.map((c) => c.key)).size).toBe(1);
    expect(lark.delivered).toHaveLength(1);
    expect((await store.digest('lark', 'oc_jd', '2021-11-25'))?.state).toBe('sent');
    clock.now = at('2021-11-25', '12:00');
    await make().tick();
    expect(lark.calls.filter((c) => c.chatId === 'oc_jd')).toHaveLength(2);
  });

  it('without a dedupe key, only the one message in flight at the crash can repeat; sent ones never do', async () => {
    const { store, dingtalk, clock, make } = await setup();
    clock.now = at('2021-11-25', '09:00');
    const dying: Store = { ...store, digestDone: async () => Promise.reject(new Error('killed')) };
    await make(dying).tick();
    clock.now = at('2021-11-25', '09:06');
    await make().tick();
    await make().tick();
    const toGov = dingtalk.delivered.filter((d) => d.chatId === 'cid_gov');
    expect(toGov.length).toBe(2);
    expect((await store.digest('dingtalk', 'cid_gov', '2021-11-25'))?.state).toBe('sent');
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

  it('paces sends, retries with backoff, and logs failures without throwing', async () => {
    const { store, clock, sleeps } = await setup();
    const flaky = fakeAdapter('lark', { dedupes: true, failTimes: 2 });
    const down = fakeAdapter('dingtalk', { failTimes: 100 });
    const s = createScheduler({
      store,
      digests: digestsOf(store),
      adapters: new Map<string, DigestSender>([['lark', flaky], ['dingtalk', down]]),
      logger: silentLogger(),
      clock: () => clock.now,
      sleep: async (ms) => void sleeps.push(ms),
      paceMs: 500,
      backoffMs: 100,
      tries: 3,
      maxAttempts: 2,
    });
    clock.now = at('2021-11-25', '09:30');
    const r = await s.tick();
    expect(r.sent).toEqual(['lark:oc_jd']);
    expect(r.failed).toEqual(['dingtalk:cid_gov']);
    expect(flaky.delivered).toHaveLength(1);
    // lark: two failures → backoff 100, 400; then pace 500 before the next chat; dingtalk: 100, 400.
    expect(sleeps).toEqual([100, 400, 500, 100, 400]);
    expect((await store.digest('dingtalk', 'cid_gov', '2021-11-25'))).toMatchObject({ state: 'failed', attempts: 1 });
    // A later tick tries again, up to maxAttempts per day.
    await s.tick();
    await s.tick();
    expect(down.calls).toHaveLength(6);
    expect((await store.digest('dingtalk', 'cid_gov', '2021-11-25'))?.attempts).toBe(2);
  });

  it('lets only one of two instances sharing the store claim a chat-day', async () => {
    const { store, clock, lark } = await setup();
    clock.now = at('2021-11-25', '08:30');
    const base = { platform: 'lark', chatId: 'oc_jd', date: '2021-11-25', dedupeKey: 'k', unit: '旌德县财政局' };
    const iso = clock.now.toISOString();
    const stale = new Date(clock.now.getTime() - 300_000).toISOString();
    expect(await store.claimDigest({ ...base, at: iso, staleBefore: stale })).toBe(true);
    expect(await store.claimDigest({ ...base, at: iso, staleBefore: stale })).toBe(false);
    await store.digestDone('lark', 'oc_jd', '2021-11-25', 'sent');
    const later = at('2021-11-25', '09:00');
    expect(await store.claimDigest({ ...base, at: later.toISOString(), staleBefore: later.toISOString() })).toBe(false);
    expect(lark.delivered).toHaveLength(0);
  });

  it('skips chats of platforms without an adapter and units the plans do not know', async () => {
    const { store, clock, make, lark } = await setup();
    await store.setChatUnit('wechat', 'room1', '旌德县财政局');
    await store.subscribe('wechat', 'room1', '08:00');
    await store.setChatUnit('lark', 'oc_gone', '不存在县某某局');
    await store.subscribe('lark', 'oc_gone', '08:00');
    clock.now = at('2021-11-25', '08:30');
    const r = await make().tick();
    expect(r.sent).toEqual(['lark:oc_jd']);
    expect(r.skipped.sort()).toEqual(['lark:oc_gone', 'wechat:room1']);
    expect(lark.delivered.map((d) => d.chatId)).toEqual(['oc_jd']);
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
