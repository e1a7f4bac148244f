/**
 * The WeChat adapter on wechaty with wechaty-puppet-mock: @-mentions in rooms, private chats (answered without a
 * room look-up), own messages, spreadsheets as files, documents sent by an admin, pushes that fail loudly, the QR
 * code drawn in the terminal, and (WECHATY_ROOM_KEY=topic) bindings that survive a re-login with new room ids.
 */
import ExcelJS from 'exceljs';
import { FileBox } from 'file-box';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../adapters/shared/queue.js';
import { createWechatAdapter, type WechatAdapter } from '../../adapters/wechat/index.js';
import { defaultRoomKeyMode, roomKey } from '../../adapters/wechat/identity.js';
import { silentLogger } from '../../src/logger.js';
import { createWechatWorld } from '../helpers/wechat-fake.js';
import { platformCore, type PlatformCore } from '../helpers/platform-core.js';
import { eventually } from '../helpers/samples.js';

const settle = async (adapter: WechatAdapter) => {
  await new Promise((r) => setTimeout(r, 100));
  await adapter.idle();
};

describe('wechat adapter (wechaty-puppet-mock, stable ids)', () => {
  let world: ReturnType<typeof createWechatWorld>;
  let adapter: WechatAdapter;
  let core: PlatformCore;
  const qr: string[] = [];

  beforeAll(async () => {
    world = createWechatWorld();
    core = await platformCore({ admins: `wechat:${world.admin.id}` });
    adapter = createWechatAdapter(
      { puppet: 'wechaty-puppet-mock', name: 'yaodian-test', roomKey: 'id' },
      { logger: silentLogger(), services: core.services },
      { puppet: world.puppet, outbox: { minIntervalMs: 0, baseDelayMs: 5 }, qrOut: { write: (s: string) => void qr.push(s) } },
    );
    await adapter.start((m) => core.app.bot.handle(m));
    world.login();
    await eventually(() => adapter.wechaty.isLoggedIn);
  });
  afterAll(async () => {
    await adapter.stop();
    await core.close();
  });
  afterEach(() => {
    world.sent.length = 0;
    world.files.length = 0;
    world.roomLookups.length = 0;
  });

  it('answers a room message that @-mentions the bot, with numbered citations and matching sentences, mentioning the asker', async () => {
    const question = '依申请公开有什么要求';
    const expected = core.app.library.answer(question);
    world.colleague.say(`@要点助手\u2005${question}`, [world.user]).to(world.room);
    await eventually(() => world.sent.length > 0);
    await settle(adapter);
    const all = world.sent.map((s) => s.text).join('\n');
    expect(world.sent.every((s) => s.conversationId === world.room.id)).toBe(true);
    expect(all).toContain('[1]');
    expect(all).toContain(expected.citations[0]!.ref);
    expect(world.sent[0]!.mentionIds).toContain(world.colleague.id);
    for (const s of world.sent) expect(s.text.length).toBeLessThanOrEqual(2000);
    expect(await core.app.store.chatRoute('wechat', world.room.id)).toMatchObject({ kind: 'room', id: world.room.id, topic: '政务公开工作群' });
  });

  it('stays silent on a room message without the mention, and never answers its own messages', async () => {
    world.colleague.say('依申请公开有什么要求').to(world.room);
    world.user.say('依申请公开有什么要求').to(world.other);
    await settle(adapter);
    expect(world.sent).toHaveLength(0);
  });

  it('answers a private message without looking the contact up as a room', async () => {
    world.other.say('依申请公开有什么要求').to(world.user);
    await eventually(() => world.sent.length > 0);
    await settle(adapter);
    expect(world.sent[0]!.conversationId).toBe(world.other.id);
    expect(world.sent.map((s) => s.text).join('\n')).toContain(core.app.library.answer('依申请公开有什么要求').citations[0]!.ref);
    expect(world.roomLookups).toEqual([]);
  });

  it('sends an exported spreadsheet as a file to a bound user, and refuses it to an unbound one', async () => {
    world.other.say('绑定 旌德县财政局').to(world.user);
    await eventually(() => world.sent.length > 0);
    await settle(adapter);
    world.sent.length = 0;
    world.other.say('旌德县财政局的任务导出成表格').to(world.user);
    await eventually(() => world.files.length > 0);
    await settle(adapter);
    const file = world.files[0]!;
    expect(file.conversationId).toBe(world.other.id);
    expect(file.name).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const rows = wb.getWorksheet('任务台账')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(rows.map((r) => r[2])).toContain('一（三）');
    world.sent.length = 0;
    world.files.length = 0;
    world.colleague.say('旌德县财政局的任务导出成表格').to(world.user);
    await eventually(() => world.sent.length > 0);
    await settle(adapter);
    expect(world.files).toHaveLength(0);
    expect(world.sent.map((s) => s.text).join('\n')).toContain('表格只提供给管理员和已绑定单位的用户');
  });

  it('ingests a document an admin sends in a private chat, and refuses one from anyone else', async () => {
    const text = readFileSync(new URL('../../samples/2021-旌德县政务公开工作要点.txt', import.meta.url), 'utf8').replaceAll('旌德县', '绩溪县').replaceAll('2021', '2024');
    // Real puppets report a document as an Attachment; the mock does so only for a generic media type and a .txt name.
    const box = () => {
      const b = FileBox.fromBase64(Buffer.from(text).toString('base64'), '2024-绩溪县政务公开工作要点.txt');
      (b as unknown as { _mediaType: string })._mediaType = 'application/octet-stream';
      return b;
    };
    world.colleague.say(box()).to(world.user);
    await eventually(() => world.sent.length > 0);
    await settle(adapter);
    expect(world.sent[0]!.text).toContain('只有管理员可以通过聊天导入文件');
    expect(core.app.library.get('2024-绩溪县政务公开工作要点.txt')).toBeUndefined();
    world.sent.length = 0;
    world.admin.say(box()).to(world.user);
    await eventually(() => world.sent.length > 0, 10_000);
    await settle(adapter);
    const plan = core.app.library.get('2024-绩溪县政务公开工作要点.txt')!.plan;
    expect(world.sent[0]!.text).toContain(`（2024-绩溪县政务公开工作要点.txt）：${plan.sections.length}个部分、${plan.items.length}项任务、`);
    expect(core.app.library.answer('绩溪县财政局负责哪些任务').citations.some((c) => c.file === plan.file)).toBe(true);
  });

  it('pushes with adapter.send to a room, and throws when the chat cannot be found', async () => {
    await adapter.send(world.room.id, core.app.library.answer('有哪些文件'));
    expect(world.sent.length).toBeGreaterThan(0);
    expect(world.sent[0]!.conversationId).toBe(world.room.id);
    const err = await adapter.send('no-such-room@chatroom', core.app.library.answer('有哪些文件')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ code: 'NO_ROUTE' });
  });

  it('draws the login QR code in the terminal', async () => {
    world.puppet.emit('scan', { qrcode: 'https://login.weixin.qq.com/l/yaodian-test', status: 2 } as never);
    await eventually(() => qr.length > 0);
    expect(qr[0]).toContain('用微信扫描下面的二维码登录');
    expect(qr[0]).toMatch(/[▀▄█]/);
    expect(qr[0]!.split('\n').length).toBeGreaterThan(10);
  });
});

describe('wechat room keys on web puppets (WECHATY_ROOM_KEY=topic)', () => {
  it('defaults to topic keys for web-protocol puppets only', () => {
    expect(defaultRoomKeyMode('wechaty-puppet-wechat4u')).toBe('topic');
    expect(defaultRoomKeyMode('wechaty-puppet-wechat')).toBe('topic');
    expect(defaultRoomKeyMode('wechaty-puppet-service')).toBe('id');
    expect(roomKey('topic', { id: 'x', topic: '政务 公开|群', ownerName: '李四' })).toBe('room:政务 公开 群|李四');
  });

  it('keeps a room’s binding and subscription across a re-login that changes its id, and pushes to it by topic', async () => {
    const world = createWechatWorld();
    const adminAlias = '老赵';
    world.mocker.contactPayload(world.admin.id, { ...world.mocker.contactPayload(world.admin.id), alias: adminAlias } as never);
    const core = await platformCore({ admins: `wechat:alias:${adminAlias}` });
    const adapter = createWechatAdapter(
      { puppet: 'wechaty-puppet-wechat4u', name: 'yaodian-topic', roomKey: 'topic' },
      { logger: silentLogger(), services: core.services },
      { puppet: world.puppet, outbox: { minIntervalMs: 0, baseDelayMs: 5 } },
    );
    try {
      await adapter.start((m) => core.app.bot.handle(m));
      world.login();
      await eventually(() => adapter.wechaty.isLoggedIn);
      const key = 'room:政务公开工作群|李四';
      world.admin.say('@要点助手\u2005本群绑定 旌德县财政局', [world.user]).to(world.room);
      await eventually(() => world.sent.length > 0);
      await settle(adapter);
      expect(world.sent[0]!.text).toContain('本群的单位已设为旌德县财政局');
      expect((await core.app.store.chat('wechat', key))?.unit).toBe('旌德县财政局');
      expect(await core.app.store.chat('wechat', world.room.id)).toBeUndefined();
      // A re-login: the same room comes back under a new id, the old one is gone.
      const again = world.mocker.createRoom({ topic: '政务公开工作群', ownerId: world.colleague.id, memberIdList: [world.user.id, world.colleague.id, world.admin.id] });
      (world.mocker as unknown as { cacheRoomPayload: Map<string, unknown> }).cacheRoomPayload.delete(world.room.id);
      world.sent.length = 0;
      world.colleague.say('@要点助手\u2005今日摘要', [world.user]).to(again);
      await eventually(() => world.sent.length > 0);
      await settle(adapter);
      expect(world.sent[0]!.conversationId).toBe(again.id);
      expect(world.sent[0]!.text).toContain('旌德县财政局 每日要点');
      world.sent.length = 0;
      await adapter.send(key, core.app.library.answer('有哪些文件'));
      expect(world.sent[0]!.conversationId).toBe(again.id);
    } finally {
      await adapter.stop();
      await core.close();
    }
  });
});
