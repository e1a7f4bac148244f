/**
 * The DingTalk adapter against a local fake of DingTalk (test/helpers/dingtalk-fake.ts), the real Stream SDK
 * connecting through the fake's gateway: acks, session-webhook replies (only on DingTalk's host), redeliveries,
 * 130101 waiting as the platform says, connect failures on /healthz with backoff, the outgoing-robot webhook and
 * its signature, pushes by stored route through the robot APIs (token cached, refreshed once), and the custom robot.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDingtalkAdapter, type DingtalkAdapter } from '../../adapters/dingtalk/index.js';
import type { DingtalkConfig } from '../../adapters/dingtalk/config.js';
import { dingtalkSign } from '../../adapters/dingtalk/sign.js';
import { PlatformError } from '../../adapters/shared/queue.js';
import type { Answerer } from '../../src/answer/index.js';
import type { Bot } from '../../src/bot.js';
import { createLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';
import { dingtalkConfigFor, startDingtalkFake, type DingtalkFake } from '../helpers/dingtalk-fake.js';
import { platformCore, type PlatformCore } from '../helpers/platform-core.js';
import { captureLogs, eventually, sampleBot } from '../helpers/samples.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/dingtalk-robot-group.json', import.meta.url), 'utf8'));
const ROBOT_SECRET = 'SECabcdef0123456789never-logged';
const TOPIC = '/v1.0/im/bot/messages/get';

let bot: Bot;
let engine: Answerer;
let fake: DingtalkFake;
const logs = captureLogs();
const logger = createLogger({ level: 'debug', destination: logs });
let n = 0;

function message(text: string, overrides: Record<string, unknown> = {}) {
  n++;
  return { ...structuredClone(fixture), msgId: `msg-${n}-${Date.now()}`, text: { content: text }, sessionWebhook: `${fake.url}/robot/sendBySession?session=s${n}`, ...overrides };
}

const config = (over: Partial<DingtalkConfig> = {}): DingtalkConfig => dingtalkConfigFor(fake, over);

beforeAll(async () => {
  ({ bot, engine } = await sampleBot());
  fake = await startDingtalkFake();
  // The SDK prints its connects and disconnects to the console.
  vi.spyOn(console, 'info').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(async () => {
  await fake.close();
  vi.restoreAllMocks();
});
afterEach(() => {
  fake.delivered.length = 0;
  fake.attempts.length = 0;
  fake.failures.length = 0;
});

const sessionPosts = () => fake.delivered.filter((d) => d.via === 'session');

describe('dingtalk stream mode (the real SDK through the fake gateway)', () => {
  let adapter: DingtalkAdapter;
  beforeAll(async () => {
    adapter = createDingtalkAdapter(config(), { logger }, { outbox: { baseDelayMs: 5 } });
    await adapter.start((m) => bot.handle(m));
    await eventually(() => fake.connected() > 0);
  });
  afterAll(async () => {
    await adapter.stop();
  });

  it('acknowledges a robot message and answers on its sessionWebhook, @-ing the asker, with the matching sentence', async () => {
    const question = '依申请公开有什么要求';
    const expected = engine.answer(question);
    expect(adapter.health?.()).toMatchObject({ state: 'up' });
    fake.push(TOPIC, message(question), 'stream-1');
    await eventually(() => fake.acks.find((a) => a.headers.messageId === 'stream-1'));
    const ack = fake.acks.find((a) => a.headers.messageId === 'stream-1')!;
    expect(ack.code).toBe(200);
    expect(JSON.parse(ack.data).response.status).toBe('SUCCESS');
    await eventually(() => sessionPosts().length > 0);
    await adapter.idle();
    expect(sessionPosts()).toHaveLength(1);
    const post = sessionPosts()[0]!;
    expect(post.to).toBe(`session=s${n}`);
    expect(post.msgKey).toBe('markdown');
    const body = post.param as { markdown: { text: string }; at: { atUserIds: string[] } };
    expect(body.at.atUserIds).toEqual([fixture.senderStaffId]);
    expect(body.markdown.text).toContain(`@${fixture.senderStaffId}`);
    expect(body.markdown.text).toContain(expected.citations[0]!.ref);
  });

  it('acknowledges a redelivery again but answers once', async () => {
    const m = message('政务新媒体怎么管理');
    fake.push(TOPIC, m, 'stream-2');
    fake.push(TOPIC, m, 'stream-2');
    await eventually(() => fake.acks.filter((a) => a.headers.messageId === 'stream-2').length === 2);
    await eventually(() => sessionPosts().length > 0);
    await adapter.idle();
    await new Promise((r) => setTimeout(r, 30));
    expect(sessionPosts()).toHaveLength(1);
  });

  it('retries a 5xx at once, but waits out 130101 as the platform says instead of retrying in seconds', async () => {
    fake.failures.push({ status: 502, body: {} });
    const a = message('依申请公开有什么要求');
    fake.push(TOPIC, a, 'stream-3');
    await eventually(() => sessionPosts().length >= 1);
    await adapter.idle();
    expect(fake.attempts.filter((d) => d.via === 'session')).toHaveLength(2);
    fake.attempts.length = 0;
    fake.delivered.length = 0;
    fake.failures.push({ status: 200, body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } });
    const b = message('有哪些文件');
    fake.push(TOPIC, b, 'stream-4');
    await eventually(() => fake.attempts.length >= 1);
    await adapter.idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.attempts).toHaveLength(1);
    expect(sessionPosts()).toHaveLength(0);
    const line = logs.lines.find((l) => l.includes('130101') && l.includes('giving up'));
    expect(line).toContain('"retryAfterMs":600000');
  });

  it('refuses a message whose sessionWebhook is not on DingTalk’s host, and posts nothing anywhere', async () => {
    const evil = await startDingtalkFake();
    try {
      fake.push(TOPIC, message('依申请公开有什么要求', { sessionWebhook: `${evil.url}/robot/sendBySession?session=evil` }), 'stream-5');
      fake.push(TOPIC, message('依申请公开有什么要求', { sessionWebhook: 'https://oapi.dingtalk.com.evil.example/robot/sendBySession?session=x' }), 'stream-6');
      await eventually(() => fake.acks.some((a) => a.headers.messageId === 'stream-6'));
      await adapter.idle();
      await new Promise((r) => setTimeout(r, 50));
      expect(evil.attempts).toHaveLength(0);
      expect(fake.attempts).toHaveLength(0);
      expect(logs.lines.some((l) => l.includes('session webhook not on the DingTalk host'))).toBe(true);
    } finally {
      await evil.close();
    }
  });
});

describe('dingtalk stream connection failures', () => {
  it('shows a failed connect on health with its error and backoff, keeps retrying, and reconnects after a drop', async () => {
    fake.gatewayFailures.push(
      { status: 500, body: { code: 'ServiceUnavailable', message: '服务暂不可用' } },
      { status: 500, body: { code: 'ServiceUnavailable', message: '服务暂不可用' } },
    );
    const before = fake.gatewayOpens;
    const adapter = createDingtalkAdapter(config(), { logger }, { streamRetry: { baseMs: 40, maxMs: 200 } });
    await adapter.start((m) => bot.handle(m));
    try {
      const down = adapter.health!();
      expect(down).toMatchObject({ state: 'down', failures: 1 });
      expect(down.error).toContain('ServiceUnavailable');
      expect(down.retryAt).toBeDefined();
      expect(logs.lines.some((l) => l.includes('dingtalk stream connect failed; retrying') && l.includes('"status":500'))).toBe(true);
      await eventually(() => adapter.health!().state === 'up', 3000);
      expect(fake.gatewayOpens - before).toBe(3);
      fake.dropConnections();
      await eventually(() => adapter.health!().state !== 'up');
      await eventually(() => adapter.health!().state === 'up' && fake.connected() > 0, 3000);
      expect(fake.gatewayOpens - before).toBe(4);
    } finally {
      await adapter.stop();
    }
  });

  it('a wrong secret keeps the adapter down with the platform’s code, without crashing the start', async () => {
    const adapter = createDingtalkAdapter(config({ clientSecret: 'wrong' }), { logger }, { streamRetry: { baseMs: 1000, maxMs: 1000 } });
    await adapter.start((m) => bot.handle(m));
    try {
      expect(adapter.health!()).toMatchObject({ state: 'down' });
      expect(adapter.health!().error).toContain('InvalidAuthentication');
    } finally {
      await adapter.stop();
    }
  });
});

describe('dingtalk outgoing-robot webhook mode and pushes', () => {
  let adapter: DingtalkAdapter;
  let http: ReturnType<typeof createHttpServer>;
  let core: PlatformCore;
  beforeAll(async () => {
    core = await platformCore({ admins: 'dingtalk:manager01' });
    http = createHttpServer({}, { logger });
    adapter = createDingtalkAdapter(config({ mode: 'webhook' }), { logger, http, services: core.services }, { outbox: { baseDelayMs: 5 } });
    await adapter.start((m) => core.app.bot.handle(m));
    await http.ready();
  });
  afterAll(async () => {
    await adapter.stop();
    await http.close();
    await core.close();
  });

  const post = (body: unknown, timestamp: string, sign: string) =>
    http.inject({ method: 'POST', url: '/dingtalk/events', headers: { 'content-type': 'application/json', timestamp, sign }, payload: JSON.stringify(body) });
  const signed = (body: unknown) => {
    const ts = String(Date.now());
    return post(body, ts, dingtalkSign(ts, fake.clientSecret));
  };

  it('accepts a good signature, answers, and stores the group’s route', async () => {
    const res = await signed(message('依申请公开有什么要求'));
    expect(res.statusCode).toBe(200);
    await adapter.idle();
    expect(sessionPosts()).toHaveLength(1);
    expect(await core.app.store.chatRoute('dingtalk', fixture.conversationId)).toEqual({ kind: 'group', openConversationId: fixture.conversationId });
  });

  it('rejects a bad or stale signature and an outside session webhook, and sends nothing', async () => {
    const ts = String(Date.now());
    expect((await post(message('依申请公开有什么要求'), ts, dingtalkSign(ts, 'wrong-secret'))).statusCode).toBe(401);
    const stale = String(Date.now() - 2 * 3600_000);
    expect((await post(message('依申请公开有什么要求'), stale, dingtalkSign(stale, fake.clientSecret))).statusCode).toBe(401);
    expect((await post(message('依申请公开有什么要求'), ts, '')).statusCode).toBe(401);
    expect((await signed(message('依申请公开有什么要求', { sessionWebhook: 'https://attacker.example/hook' }))).statusCode).toBe(400);
    await adapter.idle();
    expect(fake.attempts).toHaveLength(0);
  });

  it('answers a msgId redelivered after a restart once (the seen message ids are in the store)', async () => {
    const m = message('政务新媒体怎么管理');
    await signed(m);
    await adapter.idle();
    const http2 = createHttpServer({}, { logger });
    const again = createDingtalkAdapter(config({ mode: 'webhook' }), { logger, http: http2, services: core.services });
    await again.start((x) => core.app.bot.handle(x));
    await http2.ready();
    const ts = String(Date.now());
    expect((await http2.inject({ method: 'POST', url: '/dingtalk/events', headers: { 'content-type': 'application/json', timestamp: ts, sign: dingtalkSign(ts, fake.clientSecret) }, payload: JSON.stringify(m) })).statusCode).toBe(200);
    await again.idle();
    await again.stop();
    await http2.close();
    expect(sessionPosts()).toHaveLength(1);
    expect(await core.app.store.firstSeen(`dingtalk:${m.msgId}`, new Date().toISOString())).toBe(false);
  });

  it('pushes to a group through groupMessages/send with the stored openConversationId, caching the token', async () => {
    fake.groups.add(fixture.conversationId);
    const tokens = fake.tokenRequests;
    await adapter.send(fixture.conversationId, engine.answer('依申请公开有什么要求'));
    await adapter.send(fixture.conversationId, engine.answer('有哪些文件'));
    const group = fake.delivered.filter((d) => d.via === 'group');
    expect(group.map((d) => [d.to, d.msgKey])).toEqual([
      [fixture.conversationId, 'sampleMarkdown'],
      [fixture.conversationId, 'sampleMarkdown'],
    ]);
    expect(String(group[0]!.param.text)).toContain(engine.answer('依申请公开有什么要求').citations[0]!.ref);
    expect(fake.tokenRequests - tokens).toBeLessThanOrEqual(1);
    // An expired token is refreshed once and the push goes through.
    fake.expireTokens();
    await adapter.send(fixture.conversationId, engine.answer('有哪些文件'));
    expect(fake.delivered.filter((d) => d.via === 'group')).toHaveLength(3);
  });

  it('throws the platform’s refusal for a push: code and status, nothing delivered', async () => {
    const err = await adapter.send('cidNotARealGroup==', engine.answer('有哪些文件')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ status: 400, code: 'invalid.openConversationId', retryable: false });
    const noRoute = await adapter.send('not-a-cid', engine.answer('有哪些文件')).catch((e: unknown) => e);
    expect(noRoute).toMatchObject({ code: 'NO_ROUTE' });
    expect(fake.delivered).toHaveLength(0);
  });

  it('sends an exported spreadsheet as a robot file message to a bound user, and refuses it to an unbound one', async () => {
    fake.groups.add(fixture.conversationId);
    await signed(message('绑定 旌德县财政局', { senderStaffId: 'fin01', conversationType: '1', conversationId: 'cidSingleFin==' }));
    await adapter.idle();
    fake.delivered.length = 0;
    await signed(message('旌德县财政局的任务导出成表格', { senderStaffId: 'fin01', conversationType: '1', conversationId: 'cidSingleFin==' }));
    await adapter.idle();
    const file = fake.delivered.find((d) => d.msgKey === 'sampleFile');
    expect(file).toMatchObject({ via: 'user', to: 'fin01' });
    const media = fake.media.get(String(file!.param.mediaId))!;
    expect(media.name).toBe(file!.param.fileName);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(media.bytes as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('任务台账')!;
    const rows = sheet.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => String(r[4]).includes('财政局'))).toBe(true);
    expect(rows.map((r) => r[2])).toContain('一（三）');
    fake.delivered.length = 0;
    await signed(message('旌德县财政局的任务导出成表格', { senderStaffId: 'nobody01', conversationType: '1', conversationId: 'cidSingleNobody==' }));
    await adapter.idle();
    expect(fake.delivered.map((d) => d.via)).toEqual(['session']);
    expect(JSON.stringify(fake.delivered[0]!.param)).toContain('表格只提供给管理员和已绑定单位的用户');
  });

  it('ingests a document an admin sends the robot, and refuses one from anyone else', async () => {
    const text = readFileSync(new URL('../../samples/2021-旌德县政务公开工作要点.txt', import.meta.url), 'utf8').replaceAll('旌德县', '泾县').replaceAll('2021', '2023');
    fake.userFiles.set('dl-1', Buffer.from(text));
    const fileMsg = (staff: string) =>
      message('', { msgtype: 'file', text: undefined, content: { downloadCode: 'dl-1', fileName: '2023-泾县政务公开工作要点.txt' }, senderStaffId: staff, conversationType: '1', conversationId: `cidSingle${staff}==` });
    await signed(fileMsg('other02'));
    await adapter.idle();
    expect(JSON.stringify(sessionPosts()[0]!.param)).toContain('只有管理员可以通过聊天导入文件');
    expect(core.app.library.get('2023-泾县政务公开工作要点.txt')).toBeUndefined();
    fake.delivered.length = 0;
    await signed(fileMsg('manager01'));
    await adapter.idle();
    const reply = String((sessionPosts()[0]!.param as { markdown: { text: string } }).markdown.text);
    const plan = core.app.library.get('2023-泾县政务公开工作要点.txt')!.plan;
    expect(plan.items.length).toBeGreaterThan(5);
    expect(reply).toMatch(/已导入《[^》]*泾县[^》]*》（2023-泾县政务公开工作要点\.txt）：\d+个部分、\d+项任务、\d+个单位/);
    expect(reply).toContain(`${plan.sections.length}个部分、${plan.items.length}项任务`);
    const answer = core.app.library.answer('泾县财政局负责哪些任务');
    expect(answer.citations.some((c) => c.file === '2023-泾县政务公开工作要点.txt')).toBe(true);
  });
});

describe('dingtalk push-only (custom robot)', () => {
  it('pushes through the custom robot with a fresh timestamp and sign, and throws its errcode', async () => {
    const adapter = createDingtalkAdapter(
      { mode: 'stream', robotWebhook: `${fake.url}/robot/send?access_token=tok123`, robotSecret: ROBOT_SECRET, apiBase: fake.url, oapiBase: fake.url },
      { logger },
      { outbox: { baseDelayMs: 5 } },
    );
    await adapter.start((m) => bot.handle(m));
    const before = Date.now();
    await adapter.send('any-chat', engine.answer('依申请公开有什么要求'));
    const robot = fake.delivered.filter((d) => d.via === 'robot');
    expect(robot).toHaveLength(1);
    const q = new URLSearchParams(robot[0]!.to);
    expect(q.get('access_token')).toBe('tok123');
    expect(Number(q.get('timestamp'))).toBeGreaterThanOrEqual(before);
    expect(q.get('sign')).toBe(dingtalkSign(q.get('timestamp')!, ROBOT_SECRET));
    fake.failures.push({ status: 200, body: { errcode: 300001, errmsg: 'token is not exist' } });
    await expect(adapter.send('any-chat', engine.answer('有哪些文件'))).rejects.toMatchObject({ code: 300001 });
    fake.failures.push({ status: 200, body: { errcode: 130101, errmsg: 'send too fast' } });
    await expect(adapter.send('any-chat', engine.answer('有哪些文件'))).rejects.toMatchObject({ code: 130101, retryAfterMs: 600_000 });
    await adapter.stop();
  });

  it('never logs the secrets', () => {
    const all = logs.lines.join('\n');
    expect(all).not.toContain(fake.clientSecret);
    expect(all).not.toContain(ROBOT_SECRET);
    expect(all).not.toContain('fake-token-');
  });
});
