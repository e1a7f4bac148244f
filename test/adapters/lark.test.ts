/**
 * The Lark adapter on the real SDK against a local fake Open API (127.0.0.1): webhook (signed + encrypted),
 * duplicates, forged requests, the card → text fallback, retries, and the long connection over a local
 * websocket server speaking the SDK's protobuf frames.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLarkAdapter, type LarkAdapter } from '../../adapters/lark/index.js';
import { larkEncrypt, larkSignature } from '../../adapters/lark/crypto.js';
import type { LarkConfig } from '../../adapters/lark/config.js';
import { createLogger } from '../../src/logger.js';
import type { Answerer } from '../../src/answer/index.js';
import type { Bot } from '../../src/bot.js';
import { createHttpServer } from '../../src/server/http.js';
import { FAKE_TENANT_TOKEN, startLarkFake, type LarkFake } from '../helpers/lark-fake.js';
import { captureLogs, eventually, sampleBot } from '../helpers/samples.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/lark-message-group.json', import.meta.url), 'utf8'));
const ENCRYPT_KEY = 'kl9PDY3dCxAbJ7nCvJ8X2ImLQ8Vz0Hq3';
const TOKEN = fixture.header.token as string;
const APP_SECRET = 'app-secret-never-logged-0123456789';

let fake: LarkFake;
let bot: Bot;
let engine: Answerer;
const logs = captureLogs();
const logger = createLogger({ level: 'debug', destination: logs });

beforeAll(async () => {
  ({ bot, engine } = await sampleBot());
  fake = await startLarkFake();
});
afterAll(async () => {
  await fake.close();
});

let counter = 0;
function event(text: string, overrides: { chatType?: string; mention?: boolean; senderType?: string } = {}) {
  const e = structuredClone(fixture);
  counter++;
  e.header.event_id = `ev-${counter}-${Date.now()}`;
  e.event.message.message_id = `om_test_${counter}_${Date.now()}`;
  e.event.message.chat_type = overrides.chatType ?? 'group';
  e.event.sender.sender_type = overrides.senderType ?? 'user';
  const mention = overrides.mention ?? true;
  e.event.message.content = JSON.stringify({ text: mention ? `@_user_1 ${text}` : text });
  if (!mention) delete e.event.message.mentions;
  return e;
}

function signedRequest(body: unknown, opts: { key?: string; encrypt?: boolean } = {}) {
  const key = opts.key ?? ENCRYPT_KEY;
  const payload = JSON.stringify(opts.encrypt === false ? body : { encrypt: larkEncrypt(JSON.stringify(body), ENCRYPT_KEY) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `nonce-${Math.random().toString(36).slice(2)}`;
  return {
    method: 'POST' as const,
    url: '/lark/events',
    payload,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': larkSignature(timestamp, nonce, key, payload),
    },
  };
}

describe('lark webhook mode', () => {
  let adapter: LarkAdapter;
  let http: ReturnType<typeof createHttpServer>;
  const config = (): LarkConfig => ({ appId: 'cli_9f5343c580712544', appSecret: APP_SECRET, mode: 'webhook', encryptKey: ENCRYPT_KEY, verificationToken: TOKEN, domain: fake.url });

  beforeAll(async () => {
    http = createHttpServer({}, { logger });
    adapter = createLarkAdapter(config(), { logger, http }, { outbox: { minIntervalMs: 0, baseDelayMs: 5 } });
    await adapter.start((m) => bot.handle(m));
    await http.ready();
  });
  afterAll(async () => {
    await adapter.stop();
    await http.close();
  });
  afterEach(() => {
    fake.calls.length = 0;
    fake.failures.length = 0;
  });

  it('answers url_verification, encrypted or not', async () => {
    const challenge = { challenge: 'ajls384kdjx98XX', token: TOKEN, type: 'url_verification' };
    const enc = await http.inject({ method: 'POST', url: '/lark/events', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ encrypt: larkEncrypt(JSON.stringify(challenge), ENCRYPT_KEY) }) });
    expect(enc.statusCode).toBe(200);
    expect(enc.json()).toEqual({ challenge: challenge.challenge });
    const bad = await http.inject({ method: 'POST', url: '/lark/events', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...challenge, token: 'wrong' }) });
    expect(bad.statusCode).toBe(401);
  });

  it('acknowledges a signed, encrypted question at once and replies with a card citing the item', async () => {
    const question = '依申请公开有什么要求';
    const expected = engine.answer(question);
    expect(expected.citations.length).toBeGreaterThan(0);
    const e = event(question);
    const res = await http.inject(signedRequest(e));
    expect(res.statusCode).toBe(200);
    await adapter.idle();
    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0]!;
    expect(call.path).toBe('reply');
    expect(call.messageId).toBe(e.event.message.message_id);
    expect(call.authorization).toBe(`Bearer ${FAKE_TENANT_TOKEN}`);
    expect(call.body.msg_type).toBe('interactive');
    const card = JSON.parse(call.body.content);
    expect(card.schema).toBe('2.0');
    const text = JSON.stringify(card);
    expect(text).toContain(expected.citations[0]!.ref);
    const panel = card.body.elements.find((el: { tag: string }) => el.tag === 'collapsible_panel');
    expect(panel).toBeDefined();
    expect(JSON.stringify(panel)).toContain(expected.citations[0]!.file);
  });

  it('replies once to the same event delivered twice, and once to the same message under a new event id', async () => {
    const e = event('政务新媒体怎么管理');
    expect((await http.inject(signedRequest(e))).statusCode).toBe(200);
    expect((await http.inject(signedRequest(e))).statusCode).toBe(200);
    const again = { ...e, header: { ...e.header, event_id: `${e.header.event_id}-redelivered` } };
    expect((await http.inject(signedRequest(again))).statusCode).toBe(200);
    await adapter.idle();
    expect(fake.calls).toHaveLength(1);
  });

  it('rejects a forged signature, a wrong token and an unsigned event, and sends nothing', async () => {
    const forged = signedRequest(event('依申请公开有什么要求'), { key: 'not-the-key' });
    expect((await http.inject(forged)).statusCode).toBe(401);
    const tampered = signedRequest(event('依申请公开有什么要求'));
    tampered.headers['x-lark-signature'] = tampered.headers['x-lark-signature'].replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await http.inject(tampered)).statusCode).toBe(401);
    const wrongToken = event('依申请公开有什么要求');
    wrongToken.header.token = 'forged-token';
    expect((await http.inject(signedRequest(wrongToken))).statusCode).toBe(401);
    const unsigned = signedRequest(event('依申请公开有什么要求'));
    const { 'x-lark-signature': _s, ...headers } = unsigned.headers;
    expect((await http.inject({ ...unsigned, headers })).statusCode).toBe(401);
    const garbage = await http.inject({ ...signedRequest({}), payload: undefined });
    expect([400, 401]).toContain(garbage.statusCode);
    await adapter.idle();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.calls).toHaveLength(0);
  });

  it('stays silent in a group without the mention, on app messages, and answers a p2p message without one', async () => {
    await http.inject(signedRequest(event('依申请公开有什么要求', { mention: false })));
    await http.inject(signedRequest(event('依申请公开有什么要求', { senderType: 'app' })));
    await adapter.idle();
    expect(fake.calls).toHaveLength(0);
    await http.inject(signedRequest(event('依申请公开有什么要求', { chatType: 'p2p', mention: false })));
    await adapter.idle();
    expect(fake.calls).toHaveLength(1);
  });

  it('retries on 5xx and rate-limit codes, and falls back to text when the card is rejected', async () => {
    fake.failures.push({ status: 500, body: { code: 500, msg: 'internal' } }, { status: 200, body: { code: 99991400, msg: 'request trigger frequency limit' } });
    await http.inject(signedRequest(event('依申请公开有什么要求')));
    await adapter.idle();
    expect(fake.calls.map((c) => c.body.msg_type)).toEqual(['interactive', 'interactive', 'interactive']);
    fake.calls.length = 0;
    fake.failures.push({ status: 400, body: { code: 230099, msg: 'Failed to create card content' } });
    await http.inject(signedRequest(event('依申请公开有什么要求')));
    await adapter.idle();
    expect(fake.calls.map((c) => c.body.msg_type)).toEqual(['interactive', 'text']);
    expect(JSON.parse(fake.calls[1]!.body.content).text).toContain('（');
  });

  it('gives up after the last try with a logged error, without throwing', async () => {
    for (let i = 0; i < 10; i++) fake.failures.push({ status: 503, body: { code: 503, msg: 'busy' } });
    await http.inject(signedRequest(event('依申请公开有什么要求')));
    await adapter.idle();
    expect(fake.calls.length).toBe(4);
    expect(logs.lines.some((l) => l.includes('giving up'))).toBe(true);
  });

  it('pushes to a chat with adapter.send (im.v1.message.create)', async () => {
    await adapter.send('oc_digest_chat', engine.answer('依申请公开有什么要求'));
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]!.path).toBe('create');
    expect(fake.calls[0]!.body.receive_id).toBe('oc_digest_chat');
  });

  it('passes a digest dedupe key as the message uuid, so Lark drops a resend', async () => {
    expect(adapter.supportsDedupeKey).toBe(true);
    await adapter.send('oc_digest_chat', engine.answer('依申请公开有什么要求'), { dedupeKey: 'digest-20211125-0123456789abcdef01234567' });
    await adapter.send('oc_digest_chat', engine.answer('依申请公开有什么要求'));
    const creates = fake.calls.filter((c) => c.path === 'create');
    expect(creates[0]!.body.uuid).toBe('digest-20211125-0123456789abcdef01234567');
    expect(creates[1]!.body.uuid).toBeUndefined();
  });

  it('never logs the app secret, the encrypt key or the tenant token', () => {
    const all = logs.lines.join('\n');
    expect(all).not.toContain(APP_SECRET);
    expect(all).not.toContain(ENCRYPT_KEY);
    expect(all).not.toContain(FAKE_TENANT_TOKEN);
    expect(all).not.toMatch(/Bearer/i);
    expect(all).toContain('"adapter":"lark"');
  });
});

describe('lark long connection (local websocket server speaking the SDK frames)', () => {
  it('connects through the SDK WSClient, acknowledges the event frame and replies once', async () => {
    const adapter = createLarkAdapter(
      { appId: 'cli_a1b2c3d4e5f60718', appSecret: APP_SECRET, mode: 'ws', domain: fake.url },
      { logger },
      { outbox: { minIntervalMs: 0, baseDelayMs: 5 } },
    );
    fake.calls.length = 0;
    await adapter.start((m) => bot.handle(m));
    try {
      await eventually(() => fake.connected() > 0 && fake.pings > 0);
      const e = event('依申请公开有什么要求', { chatType: 'p2p', mention: false });
      fake.pushEvent(e, 'frame-1');
      fake.pushEvent(e, 'frame-2'); // redelivery of the same message
      await eventually(() => fake.wsReceived.length >= 2);
      for (const ack of fake.wsReceived) expect(JSON.parse(ack.payload!.toString('utf8')).code).toBe(200);
      await eventually(() => fake.calls.length >= 1);
      await adapter.idle();
      expect(fake.calls).toHaveLength(1);
      expect(fake.calls[0]!.messageId).toBe(e.event.message.message_id);
      expect(fake.calls[0]!.body.msg_type).toBe('interactive');
    } finally {
      await adapter.stop();
    }
  });
});

