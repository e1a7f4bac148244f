/**
 * DingTalk interactive cards (DINGTALK_CARD_TEMPLATE_ID), against the fake DingTalk speaking the card API and the
 * Stream card callback, with the real Stream SDK and the core behind the adapter: a digest pushed as a card with
 * 标记完成 / 登记进展 / 查看详情; a click checked like the typed command (marked done for the item's unit, refused for
 * another), answered within the callback with the card's new data and the clicker's notice; the progress form; the
 * follow-up choices; a slow click finished by updating the card in place; a refused card falling back to markdown.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DingtalkConfig } from '../../adapters/dingtalk/config.js';
import { createDingtalkAdapter, type DingtalkAdapter, type DingtalkOptions } from '../../adapters/dingtalk/index.js';
import { dingtalkConfigFrom, dingtalkConfigSchema } from '../../adapters/dingtalk/config.js';
import { cardButton, parseCardCallback } from '../../adapters/dingtalk/card.js';
import { renderDigest } from '../../src/digest/render.js';
import { silentLogger } from '../../src/logger.js';
import { dingtalkConfigFor, startDingtalkFake, type DingtalkFake, type FakeCard } from '../helpers/dingtalk-fake.js';
import { platformCore, type PlatformCore } from '../helpers/platform-core.js';
import { eventually } from '../helpers/samples.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/dingtalk-robot-group.json', import.meta.url), 'utf8'));
const JD = '2021-旌德县政务公开工作要点.txt';
const TEMPLATE = 'yaodian-digest-card.schema';
const GROUP = 'cidCardGroupFin0000000000==';
const GROUP_GOV = 'cidCardGroupGov0000000000==';

let fake: DingtalkFake;
let core: PlatformCore;
let adapter: DingtalkAdapter;
const options: DingtalkOptions = { outbox: { baseDelayMs: 5 } };

const config = (over: Partial<DingtalkConfig> = {}): DingtalkConfig => dingtalkConfigFor(fake, { cardTemplateId: TEMPLATE, ...over });

interface Item {
  key: string;
  title: string;
  mark: string;
  detail: string;
  showButtons: boolean;
  showForm: boolean;
  showDetail: boolean;
}
const items = (card: FakeCard): Item[] => JSON.parse(card.data.items!) as Item[];
const itemOf = (card: FakeCard, key: string) => items(card).find((i) => i.key === key)!;

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  fake = await startDingtalkFake({ cardTemplates: [TEMPLATE] });
  fake.groups.add(GROUP);
  fake.groups.add(GROUP_GOV);
  core = await platformCore({ admins: 'dingtalk:manager01' });
  adapter = createDingtalkAdapter(config(), { logger: silentLogger(), services: core.services }, options);
  await adapter.start((m) => core.app.bot.handle(m));
  await eventually(() => fake.connected() > 0);
  await core.app.store.bindUser('dingtalk', 'fin01', '旌德县财政局');
  await core.app.store.bindUser('dingtalk', 'gov01', '旌德县政府办');
}, 60_000);
afterAll(async () => {
  await adapter?.stop();
  await core?.close();
  await fake?.close();
  vi.restoreAllMocks();
});

async function pushDigest(chatId: string, unit: string): Promise<FakeCard> {
  const before = new Set(fake.cards.keys());
  await adapter.send(chatId, renderDigest(await core.app.digests.digest(unit, '2021-11-25', { platform: 'dingtalk', chatId })));
  return [...fake.cards.values()].find((c) => !before.has(c.outTrackId))!;
}

const notice = (r: Record<string, unknown> | undefined) => (r?.userPrivateData as { cardParamMap: { notice: string; noticeType: string } }).cardParamMap;

describe('dingtalk interactive cards', () => {
  it('the template setting needs the app and Stream mode; without it answers stay markdown', () => {
    expect(dingtalkConfigSchema.safeParse({ DINGTALK_CARD_TEMPLATE_ID: TEMPLATE, DINGTALK_CLIENT_ID: 'a', DINGTALK_CLIENT_SECRET: 'b', DINGTALK_MODE: 'webhook' }).success).toBe(false);
    expect(dingtalkConfigSchema.safeParse({ DINGTALK_CARD_TEMPLATE_ID: TEMPLATE, DINGTALK_ROBOT_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=x' }).success).toBe(false);
    const env = dingtalkConfigSchema.parse({ DINGTALK_CARD_TEMPLATE_ID: TEMPLATE, DINGTALK_CLIENT_ID: 'a', DINGTALK_CLIENT_SECRET: 'b' });
    expect(dingtalkConfigFrom(env)).toMatchObject({ mode: 'stream', cardTemplateId: TEMPLATE });
    expect(dingtalkConfigFrom(dingtalkConfigSchema.parse({ DINGTALK_CLIENT_ID: 'a', DINGTALK_CLIENT_SECRET: 'b' }))?.cardTemplateId).toBeUndefined();
  });

  it('reads the card callback as the Stream SDK documents it (its sample payload), and the buttons’ params', () => {
    // The sample in open-dingtalk/dingtalk-stream-sdk-python, card_callback_message.py.
    const sample = {
      extension: '{}',
      corpId: 'ding9f50b15bccd16741',
      spaceType: '',
      userIdType: 1,
      type: 'actionCallback',
      userId: '04574258341072934',
      content: '{"cardPrivateData":{"actionIds":["button_node_ocljnpbz4i4"],"params":{}}}',
      spaceId: '',
      outTrackId: '53d6dda444c74f5f17bf4534333c1a46f690b4ddadac8d7e80fc11c2e4a714cb',
      value: '{"cardPrivateData":{"actionIds":["button_node_ocljnpbz4i4"],"params":{}}}',
    };
    expect(parseCardCallback(JSON.stringify(sample))).toEqual({ outTrackId: sample.outTrackId, userId: sample.userId, params: {}, actionIds: ['button_node_ocljnpbz4i4'] });
    expect(cardButton({}).value).toBeUndefined();
    expect(parseCardCallback({ ...sample, outTrackId: '' })).toBeUndefined();
    expect(parseCardCallback('not json')).toBeUndefined();
    const k = `${JD}#一.3`;
    expect(cardButton({ action: 'done', key: k })).toEqual({ value: { a: 'done', k } });
    expect(cardButton({ action: 'progress', key: k, note: '已起草' })).toEqual({ value: { a: 'progress', k }, note: '已起草' });
    expect(cardButton({ value: JSON.stringify({ a: 'detail', k }) })).toEqual({ value: { a: 'detail', k } });
    expect(cardButton({ action: 'choice', text: '旌德县' })).toEqual({ value: { a: 'choice', t: '旌德县' } });
    expect(cardButton({ action: 'drop', key: k }).value).toBeUndefined();
  });

  it('pushes a digest as a card from the template: its items with buttons, strings only, callbacks over Stream', async () => {
    const card = await pushDigest(GROUP, '旌德县财政局');
    expect(card).toMatchObject({ templateId: TEMPLATE, spaceType: 'IM_GROUP', spaceId: GROUP, callbackType: 'STREAM' });
    expect(card.data.content).toContain('旌德县财政局 每日要点（2021-11-25）');
    expect(card.data.hasItems).toBe('true');
    expect(itemOf(card, `${JD}#一.3`)).toMatchObject({ title: expect.stringContaining('做好财政信息公开'), mark: '', showButtons: true, showForm: false, showDetail: true });
    expect(await core.app.store.card('dingtalk', card.outTrackId)).toMatchObject({ chatId: GROUP, state: { chatType: 'group' } });
    // Nothing went out as markdown.
    expect(fake.delivered.filter((d) => d.to === GROUP).map((d) => d.via)).toEqual(['card']);
  });

  it('标记完成 is checked like the typed command: refused for another unit, recorded for the item’s unit, the card updated in place', async () => {
    const card = await pushDigest(GROUP, '旌德县财政局');
    const key = `${JD}#一.3`;
    const refused = await fake.click(card.outTrackId, 'gov01', { action: 'done', key });
    expect(notice(refused)).toMatchObject({ noticeType: 'error', notice: expect.stringContaining('不包括旌德县政府办') });
    expect(await core.app.store.progressOf('旌德县政府办')).toEqual([]);
    expect(itemOf(card, key)).toMatchObject({ mark: '', showButtons: true });
    // Only the clicker sees why.
    expect(card.privateData.get('gov01')?.notice).toContain('不包括旌德县政府办');
    expect(card.privateData.has('fin01')).toBe(false);

    const done = await fake.click(card.outTrackId, 'fin01', { action: 'done', key });
    expect(notice(done)).toMatchObject({ noticeType: 'success', notice: expect.stringContaining('已登记') });
    expect(done?.cardUpdateOptions).toEqual({ updateCardDataByKey: true, updatePrivateDataByKey: true });
    expect(await core.app.store.progressOf('旌德县财政局')).toMatchObject([{ file: JD, item: '一.3', status: '已完成', by: 'dingtalk:fin01' }]);
    expect(itemOf(card, key)).toMatchObject({ mark: '✅ 已标记完成（旌德县财政局）', showButtons: false });
    expect((await core.app.store.card('dingtalk', card.outTrackId))?.state.done).toEqual({ [key]: '旌德县财政局' });
    // The same callback delivered again: acknowledged, not run twice.
    const again = await fake.click(card.outTrackId, 'fin01', { action: 'done', key }, { messageId: 'card-cb-repeat' });
    const repeated = await fake.click(card.outTrackId, 'fin01', { action: 'done', key }, { messageId: 'card-cb-repeat' });
    expect(notice(again).noticeType).toBe('success');
    expect(notice(repeated)).toEqual({ notice: '已处理。', noticeType: 'info' });
    expect(await core.app.store.progressOf('旌德县财政局')).toHaveLength(1);
  });

  it('登记进展 opens the form on the card, its note is recorded; 查看详情 opens the item in place', async () => {
    const card = await pushDigest(GROUP_GOV, '旌德县政府办');
    const key = `${JD}#三.1`;
    const opened = await fake.click(card.outTrackId, 'gov01', { action: 'progress', key });
    expect(notice(opened)).toMatchObject({ noticeType: 'info', notice: '请填写进展情况后提交。' });
    expect(itemOf(card, key)).toMatchObject({ showForm: true, showButtons: false });
    const empty = await fake.click(card.outTrackId, 'gov01', { action: 'progress', key, note: '  ' });
    expect(notice(empty).noticeType).toBe('error');
    const submitted = await fake.click(card.outTrackId, 'gov01', { action: 'progress', key, note: '目录已整理' });
    expect(notice(submitted).noticeType).toBe('success');
    expect(await core.app.store.progressOf('旌德县政府办')).toMatchObject([{ item: '三.1', status: '进行中', note: '目录已整理' }]);
    expect(itemOf(card, key)).toMatchObject({ mark: '📝 已登记进展：目录已整理', showForm: false, showButtons: true });
    const detail = await fake.click(card.outTrackId, 'fin01', { action: 'detail', key });
    expect(notice(detail).noticeType).toBe('success');
    expect(itemOf(card, key)).toMatchObject({ detail: expect.stringContaining('原文：做好政务信息管理工作'), showDetail: false });
  });

  it('a question with follow-up choices is answered as a card; a choice asks it as the clicker and the answer follows', async () => {
    const m = { ...structuredClone(fixture), msgId: 'card-q-1', conversationType: '1', conversationId: 'cidP2pAsker==', senderStaffId: 'asker01', text: { content: '县财政局负责哪些任务' }, sessionWebhook: `${fake.url}/robot/sendBySession?session=card1` };
    const before = new Set(fake.cards.keys());
    fake.push('/v1.0/im/bot/messages/get', m, 'card-stream-1');
    const card = await eventually(() => [...fake.cards.values()].find((c) => !before.has(c.outTrackId)));
    expect(card).toMatchObject({ spaceType: 'IM_ROBOT', spaceId: 'asker01' });
    expect(JSON.parse(card.data.choices!)).toEqual(expect.arrayContaining([{ text: '旌德县' }]));
    expect(card.data.hasChoices).toBe('true');
    const chosen = await fake.click(card.outTrackId, 'asker01', { action: 'choice', text: '旌德县' });
    expect(notice(chosen)).toEqual({ notice: '已选择：旌德县', noticeType: 'success' });
    expect([card.data.chosen, card.data.choices, card.data.hasChoices]).toEqual(['已选择：旌德县', '[]', 'false']);
    // The answer follows as a new message in the same chat (a card again: it has choices of its own).
    const followUp = await eventually(() => fake.delivered.find((d) => d.to === 'asker01' && JSON.stringify(d.param).includes('旌德县财政局负责或参与的任务共1项')));
    expect(followUp.via).toBe('card');
    expect(fake.delivered.filter((d) => d.to === 'asker01')).toHaveLength(2);
    // A choice that is not on the card is not taken; a card the store does not know has expired.
    expect(notice(await fake.click(card.outTrackId, 'asker01', { action: 'choice', text: '删除所有文件' })).noticeType).toBe('error');
    expect(notice(await fake.click('yd-unknown', 'fin01', { action: 'done', key: `${JD}#一.3` })).notice).toContain('已过期');
  });

  it('a click slower than the window is answered 正在处理, then the card is updated in place', async () => {
    const card = await pushDigest(GROUP_GOV, '旌德县政府办');
    const key = items(card)[0]!.key;
    // The bot takes longer than the window (start() again only swaps the handler).
    await adapter.start(async (m) => {
      await new Promise((r) => setTimeout(r, 150));
      return core.app.bot.handle(m);
    });
    options.clickTimeoutMs = 20;
    try {
      const r = await fake.click(card.outTrackId, 'fin01', { action: 'detail', key });
      expect(notice(r)).toMatchObject({ noticeType: 'info', notice: '正在处理，请稍候…' });
      await eventually(() => card.updates.length > 0);
      expect(itemOf(card, key).detail).toContain('原文：');
    } finally {
      delete options.clickTimeoutMs;
      await adapter.start((m) => core.app.bot.handle(m));
    }
  });

  it('a card the platform refuses falls back to markdown through the robot API', async () => {
    const other = createDingtalkAdapter(config({ cardTemplateId: 'deleted-template.schema' }), { logger: silentLogger(), services: core.services }, { outbox: { baseDelayMs: 5 } });
    const digest = renderDigest(await core.app.digests.digest('旌德县财政局', '2021-11-25', { platform: 'dingtalk', chatId: GROUP }));
    const cards = fake.cards.size;
    await other.send(GROUP, digest);
    expect(fake.cards.size).toBe(cards);
    const md = fake.delivered.filter((d) => d.to === GROUP && d.via === 'group');
    expect(md.map((d) => d.msgKey)).toEqual(['sampleMarkdown']);
    expect(String(md[0]!.param.text)).toContain('旌德县财政局 每日要点');
  });
});
