/**
 * The store's platform-delivery contract, run against SQLite (store.test.ts) and PostgreSQL (postgres.test.ts):
 * every transition of the delivery state machine, the seen-set, chat routes and cards.
 */
import { expect } from 'vitest';
import { emptyQuery } from '../../src/query/schema.js';
import type { Store } from '../../src/store/index.js';

const t = (hhmm: string, date = '2021-11-25') => new Date(`${date}T${hhmm}:00+08:00`).toISOString();

export async function checkDeliveryTransitions(s: Store): Promise<void> {
  const day = { platform: 'lark', chatId: 'c1', date: '2021-11-25' };
  const claim = { ...day, unit: '旌德县财政局', dedupeKey: 'k1', owner: 'a', at: t('08:30'), leaseUntil: t('08:31') };
  // Yesterday sent: lastDigestDate sees it.
  expect(await s.claimDigest({ ...claim, date: '2021-11-24', at: t('08:30', '2021-11-24'), leaseUntil: t('08:31', '2021-11-24') })).toBe(true);
  expect(await s.digestSent({ ...day, date: '2021-11-24', owner: 'a', at: t('08:30', '2021-11-24') })).toBe(true);
  expect(await s.lastDigestDate('lark', 'c1', '2021-11-25')).toBe('2021-11-24');
  expect(await s.lastDigestDate('lark', 'c1', '2021-11-24')).toBeUndefined();

  // pending → sending (one claimant) → failed with the code → not claimable before next_at → sending → sent.
  await s.planDigest({ ...day, unit: '旌德县财政局', at: t('08:30') });
  await s.planDigest({ ...day, unit: '旌德县财政局', at: t('08:31') });
  expect(await s.digest('lark', 'c1', '2021-11-25')).toMatchObject({ state: 'pending', attempts: 0, updatedAt: t('08:30') });
  expect(await s.claimDigest(claim)).toBe(true);
  expect(await s.claimDigest({ ...claim, owner: 'b' })).toBe(false);
  expect(await s.digest('lark', 'c1', '2021-11-25')).toMatchObject({ state: 'sending', attempts: 1, owner: 'a', leaseUntil: t('08:31'), sendingAt: t('08:30'), dedupeKey: 'k1' });
  expect(await s.digestFailed({ ...day, owner: 'b', at: t('08:30'), code: 'x', message: 'x', nextAt: null })).toBe(false);
  expect(await s.digestFailed({ ...day, owner: 'a', at: t('08:30'), code: '99991400', message: 'request trigger frequency limit', nextAt: t('08:35') })).toBe(true);
  expect(await s.digest('lark', 'c1', '2021-11-25')).toMatchObject({ state: 'failed', errorCode: '99991400', error: 'request trigger frequency limit', nextAt: t('08:35'), leaseUntil: null });
  expect(await s.claimDigest({ ...claim, owner: 'b', at: t('08:34') })).toBe(false);
  expect(await s.claimDigest({ ...claim, owner: 'b', at: t('08:35'), leaseUntil: t('08:36') })).toBe(true);
  expect(await s.digest('lark', 'c1', '2021-11-25')).toMatchObject({ state: 'sending', attempts: 2, owner: 'b' });
  expect(await s.digestSent({ ...day, owner: 'b', at: t('08:35') })).toBe(true);
  expect(await s.digest('lark', 'c1', '2021-11-25')).toMatchObject({ state: 'sent', sentAt: t('08:35'), errorCode: null, error: null, nextAt: null });
  expect(await s.claimDigest({ ...claim, owner: 'c', at: t('09:00'), force: true })).toBe(false);

  // A dead sender's row: abandoned once its lease ends; taken over by one instance, or marked uncertain; admin reset.
  const d2 = { platform: 'dingtalk', chatId: 'c2', date: '2021-11-25' };
  expect(await s.claimDigest({ ...d2, unit: '旌德县政府办', dedupeKey: null, owner: 'dead', at: t('09:00'), leaseUntil: t('09:01') })).toBe(true);
  expect(await s.abandonedDigests(t('09:01'))).toEqual([]);
  expect((await s.abandonedDigests(t('09:02'))).map((r) => `${r.platform}:${r.chatId}:${r.owner}`)).toEqual(['dingtalk:c2:dead']);
  expect(await s.takeOverDigest({ ...d2, previousOwner: 'dead', owner: 'x', at: t('09:00'), leaseUntil: t('09:05') })).toBe(false);
  expect(await s.digestUncertain({ ...d2, owner: 'someone-else', at: t('09:02'), code: 'interrupted', message: 'm' })).toBe(false);
  expect(await s.digestUncertain({ ...d2, owner: 'dead', at: t('09:02'), code: 'interrupted', message: '发送中断' })).toBe(true);
  expect(await s.digest('dingtalk', 'c2', '2021-11-25')).toMatchObject({ state: 'uncertain', errorCode: 'interrupted', error: '发送中断' });
  expect(await s.claimDigest({ platform: 'dingtalk', chatId: 'c2', date: '2021-11-25', unit: null, dedupeKey: null, owner: 'x', at: t('09:03'), leaseUntil: t('09:04'), force: true })).toBe(false);
  expect((await s.digestLog({ from: '2021-11-25', to: '2021-11-25', states: ['uncertain'] })).map((r) => r.chatId)).toEqual(['c2']);
  expect(await s.resetDigest({ ...d2, at: t('09:10') })).toBe(true);
  expect(await s.digest('dingtalk', 'c2', '2021-11-25')).toMatchObject({ state: 'pending' });
  expect(await s.resetDigest({ ...d2, at: t('09:10') })).toBe(false);

  const d3 = { platform: 'lark', chatId: 'c3', date: '2021-11-25' };
  expect(await s.claimDigest({ ...d3, unit: 'u', dedupeKey: 'k3', owner: 'dead', at: t('10:00'), leaseUntil: t('10:01') })).toBe(true);
  expect(await s.takeOverDigest({ ...d3, previousOwner: 'dead', owner: 'y', at: t('10:02'), leaseUntil: t('10:03') })).toBe(true);
  expect(await s.takeOverDigest({ ...d3, previousOwner: 'dead', owner: 'z', at: t('10:02'), leaseUntil: t('10:03') })).toBe(false);
  expect(await s.digest('lark', 'c3', '2021-11-25')).toMatchObject({ state: 'sending', owner: 'y', attempts: 2, dedupeKey: 'k3', sendingAt: t('10:00') });
  expect((await s.digestLog({ from: '2021-11-24', to: '2021-11-25' })).map((r) => `${r.date} ${r.platform}:${r.chatId} ${r.state}`)).toEqual([
    '2021-11-25 dingtalk:c2 pending',
    '2021-11-25 lark:c1 sent',
    '2021-11-25 lark:c3 sending',
    '2021-11-24 lark:c1 sent',
  ]);
}

export async function checkSeenRoutesCards(s: Store): Promise<void> {
  expect(await s.firstSeen('lark:om_1', t('08:00'))).toBe(true);
  expect(await s.firstSeen('lark:om_1', t('09:00'))).toBe(false);
  expect(await s.firstSeen('dingtalk:om_1', t('09:00'))).toBe(true);
  expect(await s.pruneSeen(t('08:30'))).toBe(1);
  expect(await s.firstSeen('lark:om_1', t('10:00'))).toBe(true);

  expect(await s.chatRoute('dingtalk', 'cid1')).toBeUndefined();
  await s.setChatRoute('dingtalk', 'cid1', { kind: 'group', openConversationId: 'cid1' }, t('08:00'));
  await s.setChatRoute('dingtalk', 'cid1', { kind: 'group', openConversationId: 'cid1', robotCode: 'r' }, t('08:01'));
  expect(await s.chatRoute('dingtalk', 'cid1')).toEqual({ kind: 'group', openConversationId: 'cid1', robotCode: 'r' });

  const answer = { intent: 'digest', text: '摘要', citations: [], followUps: ['a'] };
  await s.saveCard({ platform: 'lark', cardId: 'om_card', chatId: 'oc_1', answer, at: t('08:00') });
  expect(await s.card('lark', 'om_card')).toMatchObject({ chatId: 'oc_1', answer, state: {} });
  await s.setCardState('lark', 'om_card', { done: { 'a.txt#一.1': '旌德县财政局' } }, t('08:05'));
  expect((await s.card('lark', 'om_card'))?.state).toEqual({ done: { 'a.txt#一.1': '旌德县财政局' } });
  expect(await s.pruneCards(t('08:01'))).toBe(1);
  expect(await s.card('lark', 'om_card')).toBeUndefined();
}

/**
 * Conversation turns: many written at once (chats answered together) are all kept, the last write of a
 * conversation wins, a read sees a turn before its write resolves, and the store closes only after they are written.
 */
export async function checkConversations(s: Store): Promise<void> {
  const turn = (n: number, regions: string[] = []) => ({ query: { ...emptyQuery(), regions }, citations: [`f.txt#${n}`], at: n });
  const writes = Array.from({ length: 250 }, (_, i) => s.saveConversation('web', `chat-${i}`, 'u', turn(i)));
  writes.push(s.saveConversation('web', 'chat-7', 'u', turn(1007, ['义乌市'])));
  // Before any write has resolved, the newest turn is the one read.
  expect((await s.conversation('web', 'chat-7', 'u'))?.query.regions).toEqual(['义乌市']);
  await Promise.all(writes);
  for (const i of [0, 99, 100, 249]) expect((await s.conversation('web', `chat-${i}`, 'u'))?.citations).toEqual([`f.txt#${i}`]);
  expect(await s.conversation('web', 'chat-7', 'u')).toMatchObject({ citations: ['f.txt#1007'], at: 1007 });
  const rows = await s.db.selectFrom('conversations').select(({ fn }) => fn.countAll<number>().as('n')).where('platform', '=', 'web').executeTakeFirstOrThrow();
  expect(Number(rows.n)).toBe(250);
}
