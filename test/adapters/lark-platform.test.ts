/**
 * The Lark adapter with the core behind it (store, library, commands), against the local fake Open API and the
 * real SDK: card buttons checked like typed commands and drawn again in place (webhook and long connection), the
 * 5-minute timestamp window, a redelivery after a restart answered once, spreadsheets as file messages, documents
 * sent by an admin ingested.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { larkEncrypt, larkSignature } from '../../adapters/lark/crypto.js';
import { createLarkAdapter, type LarkAdapter } from '../../adapters/lark/index.js';
import type { LarkConfig } from '../../adapters/lark/config.js';
import { renderDigest } from '../../src/digest/render.js';
import { silentLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';
import { startLarkFake, type LarkFake } from '../helpers/lark-fake.js';
import { platformCore, type PlatformCore } from '../helpers/platform-core.js';
import { eventually } from '../helpers/samples.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/lark-message-group.json', import.meta.url), 'utf8'));
const ENCRYPT_KEY = 'platform-test-encrypt-key-01234567';
const TOKEN = fixture.header.token as string;
const JD = '2021-旌德县政务公开工作要点.txt';

let fake: LarkFake;
let n = 0;

function event(text: string, o: { chatType?: string; sender?: string; chatId?: string; file?: { key: string; name: string } } = {}) {
  const e = structuredClone(fixture);
  n++;
  e.header.event_id = `ev-p-${n}-${Date.now()}`;
  e.event.message.message_id = `om_p_${n}_${Date.now()}`;
  e.event.message.chat_type = o.chatType ?? 'p2p';
  e.event.message.chat_id = o.chatId ?? `oc_p2p_${o.sender ?? 'x'}`;
  e.event.sender.sender_id.open_id = o.sender ?? 'ou_someone';
  if (o.file) {
    e.event.message.message_type = 'file';
    e.event.message.content = JSON.stringify({ file_key: o.file.key, file_name: o.file.name });
  } else e.event.message.content = JSON.stringify({ text: o.chatType === 'group' ? `@_user_1 ${text}` : text });
  if (o.chatType !== 'group') delete e.event.message.mentions;
  return e;
}

function cardEvent(messageId: string, chatId: string, operator: string, value: unknown, form?: Record<string, unknown>) {
  n++;
  return {
    schema: '2.0',
    header: { event_id: `ev-card-${n}`, event_type: 'card.action.trigger', create_time: String(Date.now() * 1000), token: TOKEN, app_id: 'cli_9f5343c580712544', tenant_key: 'tk' },
    event: {
      operator: { tenant_key: 'tk', open_id: operator, union_id: `on_${operator}` },
      token: 'c-card-update-token',
      action: { value, tag: 'button', ...(form ? { form_value: form } : {}) },
      host: 'im_message',
      context: { open_message_id: messageId, open_chat_id: chatId },
    },
  };
}

function signed(body: unknown, at = Date.now()) {
  const payload = JSON.stringify({ encrypt: larkEncrypt(JSON.stringify(body), ENCRYPT_KEY) });
  const timestamp = String(Math.floor(at / 1000));
  const nonce = `nonce-${Math.random().toString(36).slice(2)}`;
  return {
    method: 'POST' as const,
    url: '/lark/events',
    payload,
    headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': larkSignature(timestamp, nonce, ENCRYPT_KEY, payload) },
  };
}

const config = (mode: 'webhook' | 'ws' = 'webhook'): LarkConfig => ({ appId: 'cli_9f5343c580712544', appSecret: 'platform-test-secret', mode, encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain: fake.url });

beforeAll(async () => {
  fake = await startLarkFake();
});
afterAll(async () => {
  await fake.close();
});

describe('lark with the core: buttons, files, windows', () => {
  let core: PlatformCore;
  let adapter: LarkAdapter;
  let http: ReturnType<typeof createHttpServer>;
  let now = Date.now();

  beforeAll(async () => {
    core = await platformCore({ admins: 'lark:ou_admin' });
    http = createHttpServer({}, { logger: silentLogger() });
    adapter = createLarkAdapter(config(), { logger: silentLogger(), http, services: core.services }, { outbox: { minIntervalMs: 0, baseDelayMs: 5 }, now: () => now });
    await adapter.start((m) => core.app.bot.handle(m));
    await http.ready();
    await core.app.store.bindUser('lark', 'ou_fin', '旌德县财政局');
    await core.app.store.bindUser('lark', 'ou_gov', '旌德县政府办');
  });
  afterAll(async () => {
    await adapter.stop();
    await http.close();
    await core.close();
  });
  afterEach(() => {
    fake.calls.length = 0;
    fake.delivered.length = 0;
    fake.failures.length = 0;
    now = Date.now();
  });

  it('refuses a correctly signed request whose timestamp is outside five minutes, and answers nothing', async () => {
    for (const skew of [-6 * 60_000, 6 * 60_000]) {
      const res = await http.inject(signed(event('依申请公开有什么要求'), Date.now() + skew));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'stale_timestamp' });
    }
    const ok = await http.inject(signed(event('依申请公开有什么要求'), Date.now() - 4 * 60_000));
    expect(ok.statusCode).toBe(200);
    await adapter.idle();
    expect(fake.calls).toHaveLength(1);
  });

  async function pushDigest(chatId: string, unit: string, date: string) {
    const answer = renderDigest(await core.app.digests.digest(unit, date, { platform: 'lark', chatId }));
    await adapter.send(chatId, answer, { dedupeKey: `digest-test-${chatId}-${date}` });
    const card = fake.delivered.find((d) => d.chatId === chatId)!;
    return { answer, messageId: card.messageId, card: JSON.parse(card.content) };
  }

  const click = async (messageId: string, chatId: string, operator: string, value: unknown, form?: Record<string, unknown>) => {
    const res = await http.inject(signed(cardEvent(messageId, chatId, operator, value, form)));
    expect(res.statusCode).toBe(200);
    return res.json() as { toast: { type: string; content: string }; card?: { type: string; data: Record<string, unknown> } };
  };

  it('a digest card carries 标记完成 for its items; a click marks the item done for its unit and is refused for another, in place', async () => {
    const { messageId, card } = await pushDigest('oc_grp_fin', '旌德县财政局', '2021-11-25');
    const key = `${JD}#一.3`;
    expect(JSON.stringify(card)).toContain('标记完成');
    expect(JSON.stringify(card)).toContain(JSON.stringify({ a: 'done', k: key }).slice(1, -1));
    // Someone of another unit: refused, nothing recorded, the card unchanged.
    const refused = await click(messageId, 'oc_grp_fin', 'ou_gov', { a: 'done', k: key });
    expect(refused.toast.type).toBe('error');
    expect(refused.toast.content).toContain('不包括旌德县政府办');
    expect(await core.app.store.progressOf('旌德县政府办')).toEqual([]);
    expect(JSON.stringify(refused.card?.data)).not.toContain('已标记完成');
    // The item's unit: recorded, the card drawn again with the mark instead of the buttons.
    const done = await click(messageId, 'oc_grp_fin', 'ou_fin', { a: 'done', k: key });
    expect(done.toast.type).toBe('success');
    expect(done.toast.content).toContain('已登记');
    expect(await core.app.store.progressOf('旌德县财政局')).toMatchObject([{ file: JD, item: '一.3', status: '已完成', by: 'lark:ou_fin' }]);
    expect(done.card?.type).toBe('raw');
    expect(JSON.stringify(done.card?.data)).toContain('✅ 已标记完成（旌德县财政局）');
    expect(JSON.stringify(done.card?.data)).not.toContain(JSON.stringify({ a: 'done', k: key }).slice(1, -1));
    expect((await core.app.store.card('lark', messageId))?.state.done).toEqual({ [key]: '旌德县财政局' });
  });

  it('登记进展 opens a form on the card; submitting it records the note; 查看详情 opens the item in place', async () => {
    const { messageId } = await pushDigest('oc_grp_gov', '旌德县政府办', '2021-11-25');
    const key = `${JD}#三.1`;
    const opened = await click(messageId, 'oc_grp_gov', 'ou_gov', { a: 'progress', k: key });
    expect(opened.toast.type).toBe('info');
    const form = JSON.stringify(opened.card?.data);
    expect(form).toContain('"tag":"form"');
    expect(form).toContain('"name":"note"');
    const submitted = await click(messageId, 'oc_grp_gov', 'ou_gov', { a: 'progress', k: key }, { note: '目录已整理' });
    expect(submitted.toast.type).toBe('success');
    expect(await core.app.store.progressOf('旌德县政府办')).toMatchObject([{ item: '三.1', status: '进行中', note: '目录已整理' }]);
    expect(JSON.stringify(submitted.card?.data)).toContain('📝 已登记进展：目录已整理');
    expect(JSON.stringify(submitted.card?.data)).not.toContain('"tag":"form"');
    const detail = await click(messageId, 'oc_grp_gov', 'ou_fin', { a: 'detail', k: key });
    expect(detail.toast.type).toBe('success');
    expect(JSON.stringify(detail.card?.data)).toContain('原文：做好政务信息管理工作');
  });

  it('a follow-up choice is a button: the click asks it as the clicker, the answer follows, the card shows the choice', async () => {
    await http.inject(signed(event('县财政局负责哪些任务', { sender: 'ou_asker', chatId: 'oc_p2p_asker' })));
    await adapter.idle();
    const reply = fake.delivered.find((d) => d.msgType === 'interactive')!;
    expect(JSON.stringify(JSON.parse(reply.content))).toContain(JSON.stringify({ a: 'choice', t: '旌德县' }).slice(1, -1));
    const chosen = await click(reply.messageId, 'oc_p2p_asker', 'ou_asker', { a: 'choice', t: '旌德县' });
    expect(chosen.toast).toEqual({ type: 'success', content: '已选择：旌德县' });
    expect(JSON.stringify(chosen.card?.data)).toContain('已选择：旌德县');
    await adapter.idle();
    const followUp = fake.delivered.filter((d) => d.replyTo === reply.messageId);
    expect(followUp).toHaveLength(1);
    expect(followUp[0]!.content).toContain('旌德县财政局负责或参与的任务共1项');
    // A choice that is not on the card is not taken.
    expect((await click(reply.messageId, 'oc_p2p_asker', 'ou_asker', { a: 'choice', t: '删除所有文件' })).toast.type).toBe('error');
  });

  it('a click on a card it does not know, or with a forged value, changes nothing', async () => {
    expect((await click('om_unknown', 'oc_x', 'ou_fin', { a: 'done', k: `${JD}#一.3` })).toast.content).toContain('已过期');
    const { messageId } = await pushDigest('oc_grp_fin3', '旌德县财政局', '2021-11-25');
    expect((await click(messageId, 'oc_grp_fin3', 'ou_fin', { a: 'done', k: `${JD}#九.9` })).toast.type).toBe('error');
    expect((await click(messageId, 'oc_grp_fin3', 'ou_fin', { a: 'rm -rf' })).toast.type).toBe('error');
  });

  it('sends an exported spreadsheet as a file message to a bound user, and refuses it to others', async () => {
    await http.inject(signed(event('旌德县财政局的任务导出成表格', { sender: 'ou_fin' })));
    await adapter.idle();
    const file = fake.delivered.find((d) => d.msgType === 'file')!;
    const key = JSON.parse(file.content).file_key as string;
    const upload = fake.uploads.get(key)!;
    expect(upload.fileType).toBe('xls');
    expect(upload.fileName).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(upload.bytes as unknown as ArrayBuffer);
    const rows = wb.getWorksheet('任务台账')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(rows.map((r) => r[2])).toContain('一（三）');
    fake.delivered.length = 0;
    await http.inject(signed(event('旌德县财政局的任务导出成表格', { sender: 'ou_stranger' })));
    await adapter.idle();
    expect(fake.delivered.map((d) => d.msgType)).toEqual(['interactive']);
    expect(fake.delivered[0]!.content).toContain('表格只提供给管理员和已绑定单位的用户');
  });

  it('ingests a document an admin sends, answerable at once; refuses others', async () => {
    const text = readFileSync(new URL(`../../samples/${JD}`, import.meta.url), 'utf8').replaceAll('旌德县', '休宁县').replaceAll('2021', '2025');
    fake.resources.set('file_v3_doc', Buffer.from(text));
    await http.inject(signed(event('', { sender: 'ou_stranger', file: { key: 'file_v3_doc', name: '2025-休宁县政务公开工作要点.txt' } })));
    await adapter.idle();
    expect(fake.delivered[0]!.content).toContain('只有管理员可以通过聊天导入文件');
    fake.delivered.length = 0;
    await http.inject(signed(event('', { sender: 'ou_admin', file: { key: 'file_v3_doc', name: '2025-休宁县政务公开工作要点.txt' } })));
    await adapter.idle();
    const plan = core.app.library.get('2025-休宁县政务公开工作要点.txt')!.plan;
    expect(fake.delivered[0]!.content).toContain(`${plan.sections.length}个部分、${plan.items.length}项任务、`);
    fake.delivered.length = 0;
    await http.inject(signed(event('休宁县财政局负责哪些任务', { sender: 'ou_admin' })));
    await adapter.idle();
    expect(fake.delivered[0]!.content).toContain('休宁');
  });
});

describe('lark redelivery after a restart', () => {
  it('answers an event redelivered to a restarted process once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'yaodian-lark-restart-'));
    try {
      const e = event('依申请公开有什么要求', { sender: 'ou_r' });
      for (const round of [1, 2]) {
        const core = await platformCore({ dataDir });
        const http = createHttpServer({}, { logger: silentLogger() });
        const adapter = createLarkAdapter(config(), { logger: silentLogger(), http, services: core.services }, { outbox: { minIntervalMs: 0 } });
        await adapter.start((m) => core.app.bot.handle(m));
        await http.ready();
        expect((await http.inject(signed(e))).statusCode).toBe(200);
        await adapter.idle();
        await adapter.stop();
        await http.close();
        await core.close();
        expect(fake.calls.filter((c) => c.messageId === e.event.message.message_id), `round ${round}`).toHaveLength(1);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('lark card clicks over the long connection', () => {
  it('answers the click frame with the toast and the card, through the SDK', async () => {
    const core = await platformCore();
    await core.app.store.bindUser('lark', 'ou_fin', '旌德县财政局');
    const adapter = createLarkAdapter({ ...config('ws'), encryptKey: undefined, verificationToken: undefined }, { logger: silentLogger(), services: core.services }, { outbox: { minIntervalMs: 0 } });
    try {
      await adapter.start((m) => core.app.bot.handle(m));
      await eventually(() => fake.connected() > 0 && fake.pings > 0);
      const answer = renderDigest(await core.app.digests.digest('旌德县财政局', '2021-11-25', { platform: 'lark', chatId: 'oc_ws' }));
      await adapter.send('oc_ws', answer);
      const messageId = fake.delivered.find((d) => d.chatId === 'oc_ws')!.messageId;
      const before = fake.wsReceived.length;
      fake.pushEvent(cardEvent(messageId, 'oc_ws', 'ou_fin', { a: 'done', k: `${JD}#一.3` }), 'card-frame-1');
      await eventually(() => fake.wsReceived.length > before);
      const ack = JSON.parse(fake.wsReceived[before]!.payload!.toString('utf8')) as { code: number; data: string };
      expect(ack.code).toBe(200);
      const response = JSON.parse(Buffer.from(ack.data, 'base64').toString('utf8'));
      expect(response.toast.type).toBe('success');
      expect(JSON.stringify(response.card.data)).toContain('✅ 已标记完成（旌德县财政局）');
      expect(await core.app.store.progressOf('旌德县财政局')).toMatchObject([{ item: '一.3', status: '已完成' }]);
    } finally {
      await adapter.stop();
      await core.close();
    }
  });
});
