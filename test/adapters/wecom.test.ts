/**
 * The WeCom adapter against a local fake WeCom API (127.0.0.1): URL verification, an encrypted question answered
 * through message/send with cited items, forged callbacks, token expiry, frequency limits, the markdown → text
 * fallback, and group-robot pushes. Everything but the network edge is real (the bot and engine over the samples).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WecomConfig } from '../../adapters/wecom/config.js';
import { createWecomAdapter, type WecomAdapter } from '../../adapters/wecom/index.js';
import { byteLength } from '../../adapters/wecom/render.js';
import { PlatformError } from '../../adapters/shared/queue.js';
import type { Answerer } from '../../src/answer/index.js';
import type { Bot } from '../../src/bot.js';
import { createLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';
import { captureLogs, sampleBot } from '../helpers/samples.js';
import { encryptedCallback, GET_VECTOR, OFFICIAL, startWecomFake, textMessageXml, type WecomFake } from '../helpers/wecom-fake.js';
import { fakeClock } from './fake-clock.js';


const SECRET = 'wecom-app-secret-never-logged-0123456789';
const ROBOT_KEY = '693a91f6-7f00-4bc4-97a0-0ec2b1fa5aaa';
const AGENT_ID = 1000002;
// The keys of the platform's published example, so URL verification can be checked against its vector.
const KEYS = OFFICIAL;

let fake: WecomFake;
let bot: Bot;
let engine: Answerer;
const logs = captureLogs();
const logger = createLogger({ level: 'debug', destination: logs });
let n = 0;

function question(content: string, from = 'zhangsan') {
  n++;
  return encryptedCallback(KEYS, textMessageXml({ corpId: KEYS.corpId, from, content, msgId: `${Date.now()}${n}`, agentId: AGENT_ID }), { agentId: AGENT_ID });
}

beforeAll(async () => {
  ({ bot, engine } = await sampleBot());
  fake = await startWecomFake({ corpId: KEYS.corpId, secret: SECRET, agentId: AGENT_ID, robotKey: ROBOT_KEY });
});
afterAll(async () => {
  await fake.close();
});

describe('wecom self-built app callback', () => {
  let adapter: WecomAdapter;
  let http: ReturnType<typeof createHttpServer>;
  const clock = fakeClock();
  const config = (): WecomConfig => ({
    apiBase: fake.url,
    app: { corpId: KEYS.corpId, agentId: AGENT_ID, secret: SECRET },
    callback: { token: KEYS.token, encodingAesKey: KEYS.encodingAesKey, receiveId: KEYS.corpId },
    robotKey: ROBOT_KEY,
  });

  beforeAll(async () => {
    http = createHttpServer({}, { logger });
    adapter = createWecomAdapter(config(), { logger, http }, { clock });
    await adapter.start((m) => bot.handle(m));
    await http.ready();
  });
  afterAll(async () => {
    await adapter.stop();
    await http.close();
  });
  afterEach(() => {
    fake.calls.length = 0;
    fake.delivered.length = 0;
    fake.robotCalls.length = 0;
    fake.robotDelivered.length = 0;
    fake.failures.length = 0;
    clock.sleeps.length = 0;
  });

  it('answers URL verification with the decrypted echostr (the published example)', async () => {
    const res = await http.inject({
      method: 'GET',
      url: `/wecom/callback?msg_signature=${GET_VECTOR.signature}&timestamp=${GET_VECTOR.timestamp}&nonce=${GET_VECTOR.nonce}&echostr=${GET_VECTOR.echostrUrlEncoded}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(GET_VECTOR.plain);
    const forged = await http.inject({
      method: 'GET',
      url: `/wecom/callback?msg_signature=${'0'.repeat(40)}&timestamp=${GET_VECTOR.timestamp}&nonce=${GET_VECTOR.nonce}&echostr=${GET_VECTOR.echostrUrlEncoded}`,
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.body).not.toContain(GET_VECTOR.plain);
  });

  it('acknowledges an encrypted question with an empty body and answers once through message/send with cited items', async () => {
    const q = '依申请公开有什么要求';
    const expected = engine.answer(q);
    expect(expected.citations.length).toBeGreaterThan(0);
    const res = await http.inject(question(q, 'lisi'));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
    const sent = fake.delivered[0]!;
    expect(sent.touser).toBe('lisi');
    expect(sent.agentid).toBe(AGENT_ID);
    expect(sent.msgtype).toBe('markdown');
    const content = sent.markdown!.content;
    expect(byteLength(content)).toBeLessThanOrEqual(2048);
    expect(content).toContain(expected.citations[0]!.ref);
    expect(content).toContain(expected.citations[0]!.file);
    expect(fake.calls.every((c) => c.errcode === 0)).toBe(true);
  });

  it('answers the same message delivered twice once (whatever XML content type it comes with)', async () => {
    const req = question('政务新媒体怎么管理');
    expect((await http.inject(req)).statusCode).toBe(200);
    expect((await http.inject({ ...req, headers: { 'content-type': 'application/xml; charset=utf-8' } })).statusCode).toBe(200);
    await adapter.idle();
    expect(fake.delivered).toHaveLength(1);
  });

  it('rejects a forged signature, another corp, and a body that is not an encrypted message, and sends nothing', async () => {
    const forged = question('依申请公开有什么要求');
    forged.url = forged.url.replace(/msg_signature=([0-9a-f])/, (_, c: string) => `msg_signature=${c === 'a' ? 'b' : 'a'}`);
    expect((await http.inject(forged)).statusCode).toBe(401);
    const wrongToken = encryptedCallback(KEYS, textMessageXml({ corpId: KEYS.corpId, from: 'x', content: '依申请公开有什么要求', msgId: 'f1', agentId: AGENT_ID }), { token: 'not-the-token' });
    expect((await http.inject(wrongToken)).statusCode).toBe(401);
    const otherCorp = encryptedCallback(KEYS, textMessageXml({ corpId: 'ww-other', from: 'x', content: '依申请公开有什么要求', msgId: 'f2', agentId: AGENT_ID }), { receiveId: 'ww-other' });
    expect((await http.inject(otherCorp)).statusCode).toBe(400);
    const plain = await http.inject({ method: 'POST', url: '/wecom/callback?msg_signature=x&timestamp=1&nonce=2', headers: { 'content-type': 'text/xml' }, payload: '<xml><Content>hi</Content></xml>' });
    expect(plain.statusCode).toBe(400);
    await adapter.idle();
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.calls).toHaveLength(0);
  });

  it('refreshes an expired token (42001) and retries the send once', async () => {
    await adapter.client.token();
    const before = fake.tokenRequests;
    fake.expireTokens();
    await http.inject(question('依申请公开有什么要求'));
    await adapter.idle();
    expect(fake.calls.map((c) => c.errcode)).toEqual([42001, 0]);
    expect(fake.tokenRequests).toBe(before + 1);
    expect(fake.calls[0]!.token).not.toBe(fake.calls[1]!.token);
    expect(fake.delivered).toHaveLength(1);
    expect(clock.sleeps).toHaveLength(0);
  });

  it('a push backs off on the frequency limit (45009) and is delivered once it passes; a longer limit throws 45009', async () => {
    fake.failures.push({ errcode: 45009, errmsg: 'api freq out of limit' });
    await adapter.send('wangwu', engine.answer('依申请公开有什么要求'));
    expect(fake.calls.map((c) => c.errcode)).toEqual([45009, 0]);
    expect(fake.delivered).toHaveLength(1);
    expect(clock.sleeps).toEqual([2000]);
    // Still limited after the inline retry: the push throws the errcode (the delivery log retries it later).
    fake.failures.push({ errcode: 45009, errmsg: 'api freq out of limit' }, { errcode: 45009, errmsg: 'api freq out of limit' });
    const err = await adapter.send('wangwu', engine.answer('政务新媒体怎么管理')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect([(err as PlatformError).code, (err as PlatformError).retryable]).toEqual([45009, true]);
    expect(fake.delivered).toHaveLength(1);
  });

  it('an answer (a reply, not a push) backs off on 45009 longer before giving up', async () => {
    fake.failures.push({ errcode: 45009, errmsg: 'api freq out of limit' }, { errcode: 45009, errmsg: 'api freq out of limit' });
    await http.inject(question('依申请公开有什么要求', 'zhaoliu'));
    await adapter.idle();
    expect(fake.calls.map((c) => c.errcode)).toEqual([45009, 45009, 0]);
    expect(clock.sleeps).toEqual([2000, 4000]);
    expect(fake.delivered.map((d) => d.touser)).toEqual(['zhaoliu']);
  });

  it('sends plain text where markdown is refused, and gives up without retrying on other errcodes', async () => {
    fake.failures.push({ errcode: 40008, errmsg: 'invalid message type' });
    await adapter.send('wangwu', engine.answer('依申请公开有什么要求'));
    expect(fake.calls.map((c) => [c.body.msgtype, c.errcode])).toEqual([
      ['markdown', 40008],
      ['text', 0],
    ]);
    expect(fake.delivered[0]!.text!.content).toContain(engine.answer('依申请公开有什么要求').citations[0]!.ref);
    fake.calls.length = 0;
    // Refused for another reason (81013: nobody valid): the text form is refused too, and the push throws the errcode.
    fake.failures.push({ errcode: 81013, errmsg: 'user & party & tag all invalid' }, { errcode: 81013, errmsg: 'user & party & tag all invalid' });
    const err = await adapter.send('nobody', engine.answer('依申请公开有什么要求')).catch((e: unknown) => e);
    expect([(err as PlatformError).code, (err as PlatformError).retryable]).toEqual([81013, false]);
    expect(fake.calls.map((c) => c.errcode)).toEqual([81013, 81013]);
    expect(clock.sleeps).toEqual([]);
    expect(logs.lines.some((l) => l.includes('giving up') && l.includes('81013'))).toBe(true);
  });

  it('claims no dedupe key, and switches on message/send’s duplicate check for pushes so the same digest is not shown twice', async () => {
    expect(adapter.supportsDedupeKey).toBe(false);
    const a = engine.answer('依申请公开有什么要求');
    await adapter.send('party:12', a);
    await adapter.send('party:12', a);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls.map((c) => [c.body.enable_duplicate_check, c.body.duplicate_check_interval])).toEqual([
      [1, 4 * 3600],
      [1, 4 * 3600],
    ]);
    expect(fake.delivered).toHaveLength(1);
    expect(fake.delivered[0]!.toparty).toBe('12');
  });

  it('pushes to the group robot in markdown messages of at most 4096 bytes', async () => {
    const base = engine.answer('依申请公开有什么要求');
    const long = { ...base, citations: Array.from({ length: 30 }, (_, i) => base.citations[i % base.citations.length]!) };
    await adapter.send('robot', long);
    expect(fake.robotDelivered.length).toBeGreaterThan(1);
    for (const m of fake.robotDelivered) expect(byteLength(m.markdown!.content)).toBeLessThanOrEqual(4096);
    expect(fake.robotCalls.every((c) => c.key === ROBOT_KEY && c.errcode === 0)).toBe(true);
    expect(fake.robotDelivered.map((m) => m.markdown!.content).join('\n')).toContain('**30. ');
  });

  it('never logs the secret, the token, the AES key, the robot key or an access token', () => {
    const all = logs.lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(KEYS.encodingAesKey);
    expect(all).not.toContain(ROBOT_KEY);
    expect(all).not.toContain('access_token=');
    for (const c of fake.calls) if (c.token) expect(all).not.toContain(c.token);
    expect(all).toContain('"adapter":"wecom"');
  });
});

describe('wecom push-only (group robot)', () => {
  it('starts without a callback or an HTTP server and reports a wrong key (93000) without retrying', async () => {
    const clock = fakeClock();
    const adapter = createWecomAdapter({ apiBase: fake.url, robotKey: 'wrong-key-0000' }, { logger }, { clock });
    await adapter.start(async () => undefined);
    fake.robotCalls.length = 0;
    const wrong = await adapter.send('robot', engine.answer('依申请公开有什么要求')).catch((e: unknown) => e);
    expect((wrong as PlatformError).code).toBe(93000);
    expect(fake.robotCalls.map((c) => c.errcode)).toEqual([93000]);
    expect(clock.sleeps).toEqual([]);
    // A member id without an app: nothing to send with, said in the error.
    const noApp = await adapter.send('zhangsan', engine.answer('依申请公开有什么要求')).catch((e: unknown) => e);
    expect([(noApp as PlatformError).code, (noApp as Error).message]).toEqual(['NO_APP', expect.stringContaining('WECOM_CORP_ID')]);
    await adapter.stop();
  });
});
