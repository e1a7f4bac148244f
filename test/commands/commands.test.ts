import { samplePlans, sampleEngine } from '../helpers/samples.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerer, type Answerer } from '../../src/answer/index.js';
import { commandHelp, parseAdminIds, parseProgress, parseTimeOfDay } from '../../src/commands/index.js';
import type { Answer, IncomingMessage, WorkPlan } from '../../src/model.js';
import type { Store } from '../../src/store/index.js';
import { memoryCore, type TestCore } from '../helpers/core.js';

const JD = '2021-旌德县政务公开工作要点.txt';
let plans: WorkPlan[];
let answerer: Answerer;
beforeAll(async () => {
  plans = await samplePlans();
  answerer = await sampleEngine();
});

const cores: TestCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
});

const NOW = new Date('2021-11-25T02:00:00Z');
let n = 0;
function msg(text: string, over: Partial<IncomingMessage> = {}): IncomingMessage {
  return { id: `m${++n}`, platform: 'lark', chatId: 'oc_group', chatType: 'group', senderId: 'ou_staff', text, mentionedBot: true, time: NOW.getTime(), ...over };
}

/** The commands as serve wires them; `handle` runs one for the day of NOW. */
async function setup(engine: Answerer = answerer): Promise<{ store: Store; commands: { handle(m: IncomingMessage): Promise<Answer | undefined> }; core: TestCore }> {
  const core = await memoryCore(engine, { admins: 'lark:ou_admin,dingtalk:boss', now: () => NOW });
  cores.push(core);
  return { store: core.store, core, commands: { handle: (m) => core.commands.handle(m, { today: '2021-11-25' }) } };
}

describe('parsers', () => {
  it('reads times of day', () => {
    expect(parseTimeOfDay(' 每天 8:30')).toBe('08:30');
    expect(parseTimeOfDay('每天 08：05')).toBe('08:05');
    expect(parseTimeOfDay('8点半')).toBe('08:30');
    expect(parseTimeOfDay('下午3点')).toBe('15:00');
    expect(parseTimeOfDay('')).toBe('08:30');
    expect(parseTimeOfDay('每天 25:00')).toBeUndefined();
    expect(parseTimeOfDay('明天')).toBeUndefined();
  });

  it('reads item references with an optional document and note', () => {
    expect(parseProgress('三.1')).toEqual({ section: '三', number: '1', note: '' });
    expect(parseProgress('三（一） 已印发 方案')).toEqual({ section: '三', number: '1', note: '已印发 方案' });
    expect(parseProgress('《旌德2021要点》一.3 已完成公开')).toEqual({ doc: '旌德2021要点', section: '一', number: '3', note: '已完成公开' });
    expect(parseProgress('好的')).toBeUndefined();
  });

  it('reads ADMIN_IDS per platform and rejects malformed entries', () => {
    const admins = parseAdminIds('lark:ou_1, dingtalk:abc');
    expect(admins.isAdmin('lark', 'ou_1')).toBe(true);
    expect(admins.isAdmin('dingtalk', 'ou_1')).toBe(false);
    expect(admins.isAdmin('dingtalk', 'abc')).toBe(true);
    expect(parseAdminIds(undefined).size).toBe(0);
    expect(() => parseAdminIds('ou_1')).toThrow(/ADMIN_IDS/);
    expect(() => parseAdminIds('qq:1')).toThrow(/ADMIN_IDS/);
  });
});

describe('绑定 and 我的任务', () => {
  it('binds the sender to a unit under any alias and answers 我的任务 for it', async () => {
    const { store, commands } = await setup();
    expect((await commands.handle(msg('我的任务')))?.text).toContain('请先发送“绑定 单位名称”');
    const a = await commands.handle(msg('绑定 旌德县财政局'));
    expect(a?.text).toContain('已将您的单位设为旌德县财政局');
    expect(await store.unitOfUser('lark', 'ou_staff')).toBe('旌德县财政局');
    const tasks = await commands.handle(msg('我的任务'));
    expect(tasks?.intent).toBe('unit_tasks');
    expect(tasks?.citations.map((c) => `${c.file}#${c.item}`)).toEqual([`${JD}#一.3`]);
    expect((await commands.handle(msg('绑定 青田县政府办公室', { senderId: 'ou_qt' })))?.text).toContain('青田县府办');
    expect(await store.unitOfUser('lark', 'ou_qt')).toBe('青田县府办');
  });

  it('suggests for an unknown name and asks for the region when several regions have the unit', async () => {
    const { store, commands } = await setup();
    const typo = await commands.handle(msg('绑定 旌德县财正局'));
    expect(typo?.text).toContain('您是不是要找：旌德县财政局');
    expect(typo?.followUps).toContain('绑定 旌德县财政局');
    const amb = await commands.handle(msg('绑定 县财政局'));
    expect(amb?.text).toMatch(/多个地区都有“县财政局”/);
    expect(await store.unitOfUser('lark', 'ou_staff')).toBeUndefined();
    // In a group bound to a 旌德 unit, 县财政局 means 旌德县财政局.
    await store.setChatUnit('lark', 'oc_group', '旌德县政府办');
    expect((await commands.handle(msg('绑定 县财政局')))?.text).toContain('旌德县财政局');
  });
});

describe('admin commands', () => {
  it('本群绑定, 订阅 and 取消订阅 are refused politely to non-admins and change nothing', async () => {
    const { store, commands } = await setup();
    for (const t of ['本群绑定 旌德县财政局', '订阅 每天 8:30', '取消订阅']) {
      const a = await commands.handle(msg(t));
      expect(a?.text).toContain('只有管理员');
    }
    // An admin id on another platform is not an admin here.
    expect((await commands.handle(msg('订阅 每天 8:30', { senderId: 'boss' })))?.text).toContain('只有管理员');
    expect(await store.chat('lark', 'oc_group')).toBeUndefined();
  });

  it('lets an admin set the chat unit, subscribe at a time and unsubscribe', async () => {
    const { store, commands } = await setup();
    const admin = { senderId: 'ou_admin' };
    expect((await commands.handle(msg('订阅 每天 8:30', admin)))?.text).toContain('请先发送“本群绑定');
    expect((await commands.handle(msg('本群绑定 旌德县财政局', admin)))?.text).toContain('本群的单位已设为旌德县财政局');
    expect((await commands.handle(msg('订阅 每天 8:30', admin)))?.text).toContain('每天08:30');
    expect(await store.subscriptions()).toEqual([{ platform: 'lark', chatId: 'oc_group', unit: '旌德县财政局', time: '08:30' }]);
    expect((await commands.handle(msg('订阅 下午5点', admin)))?.text).toContain('每天17:00');
    expect((await commands.handle(msg('取消订阅', admin)))?.text).toContain('已取消');
    expect(await store.subscriptions()).toEqual([]);
    expect((await commands.handle(msg('取消订阅', admin)))?.text).toContain('没有订阅');
  });
});

describe('今日摘要 and 台账', () => {
  it('今日摘要 builds the chat unit’s digest for today', async () => {
    const { store, commands } = await setup();
    await store.setChatUnit('lark', 'oc_group', '旌德县财政局');
    const a = await commands.handle(msg('今日摘要'));
    expect(a?.intent).toBe('digest');
    expect(a?.text).toContain('旌德县财政局 每日要点（2021-11-25）');
    expect(a?.citations.map((c) => c.item)).toEqual(['一.3']);
  });

  it('台账 counts the unit’s items by progress', async () => {
    const { store, commands } = await setup();
    await store.bindUser('lark', 'ou_staff', '旌德县政府办');
    await commands.handle(msg('完成 三.2 已建立制度'));
    await commands.handle(msg('进展 六.4 正在整理'));
    const a = await commands.handle(msg('台账', { chatType: 'direct' }));
    expect(a?.intent).toBe('ledger');
    expect(a?.text).toMatch(/旌德县政府办 台账：共\d+项（已完成1、进行中1、未开始\d+）/);
    expect(a?.text).toContain('已完成（已建立制度）');
  });
});

describe('progress: 完成 / 进展', () => {
  it('is accepted from a member of a unit named on the item, and leaves the item out of the digest', async () => {
    const { store, commands } = await setup();
    await store.bindUser('lark', 'ou_staff', '旌德县财政局');
    const a = await commands.handle(msg('完成 一.3 已公开预决算'));
    expect(a?.text).toContain('已登记：旌德县财政局 《旌德2021要点》一.3');
    expect(await store.progressOf('旌德县财政局')).toMatchObject([{ file: JD, item: '一.3', status: '已完成', note: '已公开预决算', by: 'lark:ou_staff' }]);
    await store.setChatUnit('lark', 'oc_group', '旌德县财政局');
    expect((await commands.handle(msg('今日摘要')))?.citations).toEqual([]);
  });

  it('is refused to other units, to unbound senders, and needs a note for 进展', async () => {
    const { store, commands } = await setup();
    expect((await commands.handle(msg('完成 一.3')))?.text).toContain('请先发送“绑定 单位名称”');
    await store.bindUser('lark', 'ou_staff', '旌德县司法局');
    const refused = await commands.handle(msg('完成 一.3'));
    expect(refused?.text).toMatch(/抱歉.*责任单位是县财政局.*不包括旌德县司法局/);
    // A category (县直有关单位) covering the unit does not make it a named unit.
    expect(await store.progressOf('旌德县司法局')).toEqual([]);
    await store.bindUser('lark', 'ou_staff', '旌德县财政局');
    expect((await commands.handle(msg('进展 一.3')))?.text).toContain('请写上进展情况');
    expect((await commands.handle(msg('进展 一.3 正在整理')))?.text).toContain('进行中（正在整理）');
    expect((await commands.handle(msg('完成 九.9')))?.text).toContain('没有找到条目九.9');
  });

  it('asks which document when the item id exists in several documents of the region', async () => {
    const jd = plans.find((p) => p.file === JD)!;
    const next: WorkPlan = { ...jd, file: '2022-旌德县政务公开工作要点.txt', shortName: '旌德2022要点', year: 2022, title: jd.title.replace('2021', '2022') };
    const engine = createAnswerer([...plans, next]);
    const { store, commands } = await setup(engine);
    await store.bindUser('lark', 'ou_staff', '旌德县财政局');
    const ask = await commands.handle(msg('完成 一.3'));
    expect(ask?.text).toMatch(/有2份文件都有条目一\.3：《旌德2021要点》、《旌德2022要点》/);
    expect(await store.progressOf('旌德县财政局')).toEqual([]);
    expect((await commands.handle(msg('完成 《旌德2022要点》一.3')))?.text).toContain('已登记');
    expect((await store.progressOf('旌德县财政局')).map((p) => p.file)).toEqual(['2022-旌德县政务公开工作要点.txt']);
  });
});

describe('help and fall-through', () => {
  it('lists the commands under 帮助 and leaves questions to the answerer', async () => {
    const { commands } = await setup();
    const help = await commands.handle(msg('帮助'));
    expect(help?.text).toContain('绑定 县财政局');
    expect(help?.text).toContain('订阅 每天 8:30');
    expect(help?.text).toContain('要点助手');
    expect(await commands.handle(msg('完成时限是什么时候'))).toBeUndefined();
    expect(await commands.handle(msg('依申请公开有什么要求'))).toBeUndefined();
  });

  it('帮助 lists every command of the table, the admin ones marked', async () => {
    const { core, commands } = await setup();
    const lines = (await commands.handle(msg('帮助')))!.text.split('\n');
    const listed = core.commands.table.filter((c) => c.help);
    expect(listed.length).toBeGreaterThanOrEqual(9);
    for (const spec of listed) {
      const line = lines.find((l) => l.startsWith(`· ${spec.help![0]} — `));
      expect(line, spec.help![0]).toBeDefined();
      expect(line!.endsWith('（限管理员）')).toBe(spec.permission === 'admin');
    }
    expect(commandHelp(listed.slice(0, 1))).toBe(`常用命令：\n· ${listed[0]!.help![0]} — ${listed[0]!.help![1]}`);
  });

  it('the bot tries commands first, then answers 我局 with the store binding', async () => {
    const { core } = await setup();
    const bot = core.bot;
    expect((await bot.handle(msg('绑定 旌德县财政局', { chatType: 'direct' })))?.text).toContain('已将您的单位设为');
    const a = await bot.handle(msg('我局负责哪些任务', { chatType: 'direct' }));
    expect(a?.citations.map((c) => c.item)).toEqual(['一.3']);
    // Still silent in a group unless mentioned, even for a command.
    expect(await bot.handle(msg('取消订阅', { mentionedBot: false }))).toBeUndefined();
  });
});

describe('推送记录', () => {
  it('lists the last three days’ failed and uncertain pushes to admins only', async () => {
    const { store, commands } = await setup();
    const day = (chatId: string, date: string) => ({ platform: 'dingtalk', chatId, date });
    const claim = (chatId: string, date: string) => store.claimDigest({ ...day(chatId, date), unit: '旌德县财政局', dedupeKey: null, owner: 'x', at: `${date}T00:30:00.000Z`, leaseUntil: `${date}T00:31:00.000Z` });
    await claim('cidSent', '2021-11-25');
    await store.digestSent({ ...day('cidSent', '2021-11-25'), owner: 'x', at: '2021-11-25T00:30:00.000Z' });
    await claim('cidFailed', '2021-11-24');
    await store.digestFailed({ ...day('cidFailed', '2021-11-24'), owner: 'x', at: '2021-11-24T00:30:00.000Z', code: 'invalid.openConversationId', message: '无效的openConversationId', nextAt: null });
    await claim('cidOld', '2021-11-20');
    await store.digestFailed({ ...day('cidOld', '2021-11-20'), owner: 'x', at: '2021-11-20T00:30:00.000Z', code: 'old', message: 'old', nextAt: null });
    expect((await commands.handle(msg('推送记录')))?.text).toContain('只有管理员');
    const text = (await commands.handle(msg('推送记录', { senderId: 'ou_admin' })))!.text;
    expect(text).toContain('共2条，已发送1条，失败1条，状态不确定0条');
    expect(text).toContain('2021-11-24 dingtalk cidFailed（旌德县财政局）失败：[invalid.openConversationId] 无效的openConversationId');
    expect(text).not.toContain('cidOld');
  });
});
