/**
 * The 浙政钉 adapter against a local fake GovDD gateway (127.0.0.1) that checks every signature: work notifications
 * delivered once per bizMsgId, the gateway's refusal of a wrongly signed request, the event callback (registered at
 * start, verified before use, answered with cited items), group messages with the cached access token.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ZwddConfig } from '../../adapters/zwdd/config.js';
import { createZwddAdapter, zwddBizMsgId, type ZwddAdapter } from '../../adapters/zwdd/index.js';
import { PlatformError } from '../../adapters/shared/queue.js';
import { createZwddClient } from '../../adapters/zwdd/client.js';
import { zwddHeaders } from '../../adapters/zwdd/sign.js';
import type { Answerer } from '../../src/answer/index.js';
import type { Bot } from '../../src/bot.js';
import { createLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';
import { captureLogs, sampleBot } from '../helpers/samples.js';
import { signedCallback, startZwddFake, type ZwddFake } from '../helpers/zwdd-fake.js';
import { fakeClock } from './fake-clock.js';

const APP_KEY = 'yaodian-zwdd-app';
const APP_SECRET = 'zwdd-app-secret-never-logged-0123456789';
const TENANT = '196729';
const CALLBACK_URL = 'https://yaodian.example.gov.cn/zwdd/events';
const EVENT_TAG = 'yaodian_robot_message';

let fake: ZwddFake;
let bot: Bot;
let engine: Answerer;
const logs = captureLogs();
const logger = createLogger({ level: 'debug', destination: logs });

const config = (over: Partial<ZwddConfig> = {}): ZwddConfig => ({
  apiBase: fake.url,
  appKey: APP_KEY,
  appSecret: APP_SECRET,
  tenantId: TENANT,
  hostIp: '10.0.0.8',
  hostMac: '00:16:3e:00:00:08',
  ...over,
});

let n = 0;
function event(text: string, over: Record<string, unknown> = {}) {
  n++;
  const message = { msgId: `zm-${Date.now()}-${n}`, msgtype: 'text', text: { content: text }, senderId: 'acc-1001', senderNick: '张三', conversationId: 'cid-1', conversationType: '1', createAt: Date.now(), ...over };
  return { message, fields: { eventTag: EVENT_TAG, content: JSON.stringify(message) } };
}

beforeAll(async () => {
  ({ bot, engine } = await sampleBot());
  fake = await startZwddFake({ appKey: APP_KEY, appSecret: APP_SECRET, tenantId: TENANT });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.calls.length = 0;
  fake.delivered.length = 0;
  fake.failures.length = 0;
  fake.refusals.length = 0;
});

describe('zwdd gateway signatures', () => {
  it('the gateway refuses a wrongly signed request, and the client reports its code without retrying', async () => {
    const params = { tenantId: TENANT, receiverIds: 'acc-1', bizMsgId: 'x1', msg: '{"msgtype":"text","text":{"content":"hi"}}' };
    const headers = zwddHeaders({ appKey: APP_KEY, secret: 'not-the-secret', method: 'POST', path: '/message/workNotification', params, now: Date.now(), ip: '10.0.0.8', mac: '00:16:3e:00:00:08' });
    const res = await fetch(`${fake.url}/message/workNotification`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ success: false, errorCode: 'INVALID_SIGNATURE', errorMsg: 'signature mismatch' });
    // Signed for another path, or its parameters changed after signing: refused too.
    const moved = await fetch(`${fake.url}/chat/sendMsg`, { method: 'POST', headers: { ...zwddHeaders({ appKey: APP_KEY, secret: APP_SECRET, method: 'POST', path: '/message/workNotification', params, now: Date.now(), ip: 'i', mac: 'm' }), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    expect(moved.status).toBe(401);

    const wrong = createZwddClient({ ...config(), appSecret: 'not-the-secret' });
    const err = await wrong.workNotification({ receiverIds: ['acc-1'], bizMsgId: 'x2', msg: { msgtype: 'text', text: { content: 'hi' } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as PlatformError).code).toBe('INVALID_SIGNATURE');
    expect((err as PlatformError).retryable).toBe(false);
    expect(fake.delivered).toHaveLength(0);
  });

  it('a replayed request (same nonce) is refused', async () => {
    const client = createZwddClient(config());
    const params = { tenantId: TENANT, receiverIds: 'acc-1', bizMsgId: 'r1', msg: '{"msgtype":"text","text":{"content":"hi"}}' };
    const headers = { ...zwddHeaders({ appKey: APP_KEY, secret: APP_SECRET, method: 'POST', path: '/message/workNotification', params, now: Date.now(), ip: 'i', mac: 'm' }), 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams(params).toString();
    expect((await fetch(`${fake.url}/message/workNotification`, { method: 'POST', headers, body })).status).toBe(200);
    expect((await fetch(`${fake.url}/message/workNotification`, { method: 'POST', headers, body })).status).toBe(401);
    expect(fake.delivered).toHaveLength(1);
    expect(client.tokenFetches).toBe(0);
  });
});

describe('zwdd work notifications', () => {
  const clock = fakeClock();
  let adapter: ZwddAdapter;
  beforeAll(async () => {
    adapter = createZwddAdapter(config(), { logger }, { clock });
    await adapter.start(async () => undefined);
  });
  afterAll(async () => {
    await adapter.stop();
  });
  afterEach(() => {
    clock.sleeps.length = 0;
  });

  it('delivers a digest once, correctly signed, with the dedupe key as its bizMsgId; a resend delivers nothing more', async () => {
    expect(adapter.supportsDedupeKey).toBe(true);
    expect(adapter.dedupeWindowMs).toBe(24 * 3600_000);
    // Group chats go through chat/sendMsg, which has no idempotency key: they do not claim one.
    expect(adapter.honoursDedupeKey('acc-1001')).toBe(true);
    expect(adapter.honoursDedupeKey('org:GO_abc')).toBe(true);
    expect(adapter.honoursDedupeKey('group:cid-1')).toBe(false);
    const answer = engine.answer('依申请公开有什么要求');
    const key = 'digest:2021-11-25:zwdd:acc-1001';
    await adapter.send('acc-1001', answer, { dedupeKey: key });
    await adapter.send('acc-1001', answer, { dedupeKey: key });
    const sends = fake.calls.filter((c) => c.path === '/message/workNotification');
    expect(sends).toHaveLength(2);
    for (const c of sends) {
      expect(c.rejected).toBeUndefined();
      expect(c.headers.apikey).toBe(APP_KEY);
      expect(c.headers['x-hmac-auth-version']).toBe('1.0');
      expect(c.headers['x-hmac-auth-timestamp']).toMatch(/\+08:00$/);
      expect(c.headers['x-hmac-auth-ip']).toBe('10.0.0.8');
      expect(c.headers['x-hmac-auth-mac']).toBe('00:16:3e:00:00:08');
      expect(c.params.bizMsgId).toBe(zwddBizMsgId(key));
      expect(c.params.tenantId).toBe(TENANT);
    }
    expect(fake.delivered).toHaveLength(1);
    const d = fake.delivered[0]!;
    expect(d.receiverIds).toEqual(['acc-1001']);
    expect(d.msg.msgtype).toBe('markdown');
    expect(d.msg.markdown!.text).toContain(answer.citations[0]!.ref);
  });

  it('retries after a lost answer with the same bizMsgId, so the member sees it once', async () => {
    fake.failures.push({ status: 502, afterDelivery: true });
    await adapter.send('org:GO_abc123', engine.answer('依申请公开有什么要求'), { dedupeKey: 'digest:2021-11-26:org' });
    const sends = fake.calls.filter((c) => c.path === '/message/workNotification');
    expect(sends).toHaveLength(2);
    expect(sends[0]!.params.bizMsgId).toBe(sends[1]!.params.bizMsgId);
    expect(clock.sleeps).toEqual([1000]);
    expect(fake.delivered).toHaveLength(1);
    expect(fake.delivered[0]!.organizationCodes).toEqual(['GO_abc123']);
  });

  it('a resend whose earlier answer was lost (connection dropped) is tried again with the same bizMsgId: delivered once', async () => {
    fake.failures.push({ status: 0, afterDelivery: true });
    await adapter.send('acc-2002', engine.answer('政务新媒体怎么管理'), { dedupeKey: 'digest-20211126-acc2002' });
    const sends = fake.calls.filter((c) => c.path === '/message/workNotification');
    expect(sends.map((c) => c.params.bizMsgId)).toEqual(['digest-20211126-acc2002', 'digest-20211126-acc2002']);
    expect(fake.delivered).toHaveLength(1);
  });

  it('a push the gateway refuses throws its code (content.responseCode, or the gateway errorCode), for the delivery log', async () => {
    fake.refusals.push({ code: '240001', message: '接收人不存在' }, { code: '240001', message: '接收人不存在' });
    const refused = await adapter.send('acc-gone', engine.answer('依申请公开有什么要求'), { dedupeKey: 'digest-x' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PlatformError);
    expect((refused as PlatformError).code).toBe('240001');
    fake.failures.push({ status: 503 }, { status: 503 });
    const busy = await adapter.send('acc-1001', engine.answer('依申请公开有什么要求'), { dedupeKey: 'digest-y' }).catch((e: unknown) => e);
    expect([(busy as PlatformError).code, (busy as PlatformError).retryable]).toEqual(['503', true]);
    const nobody = await adapter.send('org:', engine.answer('依申请公开有什么要求')).catch((e: unknown) => e);
    expect((nobody as PlatformError).code).toBe('NO_RECEIVER');
    expect(fake.delivered).toHaveLength(0);
  });

  it('sends text where markdown is refused', async () => {
    const textOnly = await startZwddFake({ appKey: APP_KEY, appSecret: APP_SECRET, tenantId: TENANT, markdown: false });
    const a = createZwddAdapter(config({ apiBase: textOnly.url }), { logger }, { clock });
    await a.start(async () => undefined);
    await a.send('acc-1001', engine.answer('依申请公开有什么要求'), { dedupeKey: 'digest:text' });
    expect(textOnly.delivered).toHaveLength(1);
    expect(textOnly.delivered[0]!.msg.msgtype).toBe('text');
    expect(textOnly.delivered[0]!.msg.text!.content).toContain(engine.answer('依申请公开有什么要求').citations[0]!.ref);
    expect(textOnly.delivered[0]!.bizMsgId).toBe('digest:text-t');
    await a.stop();
    await textOnly.close();
  });
});

describe('zwdd event callback', () => {
  let adapter: ZwddAdapter;
  let http: ReturnType<typeof createHttpServer>;
  const keys = { appKey: APP_KEY, appSecret: APP_SECRET };

  beforeAll(async () => {
    fake.registrations.length = 0;
    http = createHttpServer({}, { logger });
    adapter = createZwddAdapter(config({ callback: { url: CALLBACK_URL, eventTag: EVENT_TAG } }), { logger, http }, { clock: fakeClock() });
    await adapter.start((m) => bot.handle(m));
    await http.ready();
  });
  afterAll(async () => {
    await adapter.stop();
    await http.close();
  });

  it('registers the callback URL for its event tag at start, signed', () => {
    expect(fake.registrations).toEqual([{ eventTag: EVENT_TAG, callbackUrl: CALLBACK_URL }]);
  });

  it('acknowledges a signed question at once and answers with one work notification citing the items', async () => {
    const q = '依申请公开有什么要求';
    const expected = engine.answer(q);
    const e = event(q);
    const res = await http.inject(signedCallback(keys, '/zwdd/events', e.fields));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    const d = fake.delivered[0]!;
    expect(d.receiverIds).toEqual(['acc-1001']);
    expect(d.bizMsgId).toBe(zwddBizMsgId(`reply-${e.message.msgId}`));
    for (const c of expected.citations.slice(0, 3)) expect(d.msg.markdown!.text).toContain(c.ref);
    expect(fake.calls.every((c) => c.rejected === undefined)).toBe(true);
  });

  it('refuses a forged, replayed, stale or foreign callback and sends nothing', async () => {
    const forged = signedCallback({ appKey: APP_KEY, appSecret: 'guessed-secret' }, '/zwdd/events', event('依申请公开有什么要求').fields);
    expect((await http.inject(forged)).statusCode).toBe(401);
    const foreign = signedCallback({ appKey: 'other-app', appSecret: APP_SECRET }, '/zwdd/events', event('依申请公开有什么要求').fields);
    expect((await http.inject(foreign)).statusCode).toBe(401);
    const stale = signedCallback(keys, '/zwdd/events', event('依申请公开有什么要求').fields, { at: Date.now() - 20 * 60_000 });
    expect((await http.inject(stale)).statusCode).toBe(401);
    const tampered = signedCallback(keys, '/zwdd/events', event('依申请公开有什么要求').fields);
    tampered.payload = new URLSearchParams(event('政务新媒体怎么管理').fields).toString();
    expect((await http.inject(tampered)).statusCode).toBe(401);
    const once = signedCallback(keys, '/zwdd/events', event('政务新媒体怎么管理').fields);
    expect((await http.inject(once)).statusCode).toBe(200);
    expect((await http.inject(once)).statusCode).toBe(401);
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
  });

  it('answers a group question through chat/sendMsg with the cached token, and refreshes it once when expired', async () => {
    const before = fake.tokenRequests;
    await http.inject(signedCallback(keys, '/zwdd/events', event('依申请公开有什么要求', { conversationType: '2', conversationId: 'cid-group-1' }).fields));
    await adapter.idle();
    await http.inject(signedCallback(keys, '/zwdd/events', event('政务新媒体怎么管理', { conversationType: '2', conversationId: 'cid-group-1' }).fields));
    await adapter.idle();
    expect(fake.tokenRequests).toBe(before + 1);
    expect(fake.delivered.map((d) => [d.path, d.chatId])).toEqual([
      ['/chat/sendMsg', 'cid-group-1'],
      ['/chat/sendMsg', 'cid-group-1'],
    ]);
    fake.expireTokens();
    await adapter.send('group:cid-group-1', engine.answer('依申请公开有什么要求'));
    expect(fake.tokenRequests).toBe(before + 2);
    expect(fake.delivered).toHaveLength(3);
    // Not @-mentioned in the group: silent.
    await http.inject(signedCallback(keys, '/zwdd/events', event('依申请公开有什么要求', { conversationType: '2', isInAtList: false }).fields));
    await adapter.idle();
    expect(fake.delivered).toHaveLength(3);
  });

  it('never logs the app secret or an access token', () => {
    const all = logs.lines.join('\n');
    expect(all).not.toContain(APP_SECRET);
    expect(all).not.toMatch(/access_token=/);
    for (const c of fake.calls) if (typeof c.params.access_token === 'string') expect(all).not.toContain(c.params.access_token);
    expect(all).toContain('"adapter":"zwdd"');
  });
});
