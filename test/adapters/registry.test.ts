/**
 * The registry: config validated once (a bad value names the variable), adapters created only when their
 * credentials are set (none set → none), started with the bot's handler; the shell's webhook mounting.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAdapters, planAdapters, startAdapters } from '../../adapters/registry.js';
import { createInbox, mountWebhook, sendCardOrText } from '../../adapters/shared/shell.js';
import { createOutbox, PlatformError } from '../../adapters/shared/queue.js';
import type { Answer, IncomingMessage } from '../../src/model.js';
import type { Bot } from '../../src/bot.js';
import { isYaodianError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';
import { startLarkFake, type LarkFake } from '../helpers/lark-fake.js';
import { sampleBot } from '../helpers/samples.js';
import { GET_VECTOR, OFFICIAL } from '../helpers/wecom-fake.js';

let bot: Bot;
let fake: LarkFake;
beforeAll(async () => {
  ({ bot } = await sampleBot());
  fake = await startLarkFake();
});
afterAll(() => fake.close());

const deps = () => ({ logger: silentLogger(), http: createHttpServer({}, { logger: silentLogger() }) });
const start = async (env: Record<string, string>, d = deps()) => startAdapters(await createAdapters(planAdapters(env), d), bot, d.logger);

function configError(env: Record<string, string>): string {
  try {
    planAdapters(env);
  } catch (e) {
    expect(isYaodianError(e) && e.code).toBe('CONFIG');
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('adapter registry', () => {
  it('no credentials: no adapters', async () => {
    expect(await start({})).toEqual([]);
    expect(await start({ LARK_APP_ID: '', DINGTALK_CLIENT_ID: '  ' })).toEqual([]);
  });

  it('a bad value stops start-up with a CONFIG error naming the variable', () => {
    expect(configError({ LARK_APP_ID: 'cli_a1b2c3d4e5f60718', LARK_APP_SECRET: 's', LARK_MODE: 'poll' })).toContain('LARK_MODE');
    expect(configError({ LARK_APP_ID: 'cli_a1b2c3d4e5f60718' })).toContain('LARK_APP_SECRET');
    expect(configError({ LARK_APP_ID: 'not-an-app', LARK_APP_SECRET: 's' })).toContain('LARK_APP_ID');
    expect(configError({ LARK_APP_ID: 'x', LARK_APP_SECRET: 's', LARK_MODE: 'webhook' })).toContain('LARK_VERIFICATION_TOKEN');
    expect(configError({ DINGTALK_MODE: 'http' })).toContain('DINGTALK_MODE');
    expect(configError({ DINGTALK_ROBOT_WEBHOOK: 'not a url' })).toContain('DINGTALK_ROBOT_WEBHOOK');
    expect(configError({ DINGTALK_CLIENT_SECRET: 'x' })).toContain('DINGTALK_CLIENT_ID');
    expect(configError({ WECHATY_PUPPET: 'rm -rf' })).toContain('WECHATY_PUPPET');
    expect(configError({ WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002' })).toContain('WECOM_SECRET');
    expect(configError({ WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: 'app', WECOM_SECRET: 's' })).toContain('WECOM_AGENT_ID');
    expect(configError({ WECOM_API_BASE: 'qyapi.example' })).toContain('WECOM_API_BASE');
    expect(configError({ ZWDD_APP_KEY: 'k', ZWDD_APP_SECRET: 's' })).toContain('ZWDD_TENANT_ID');
    expect(configError({ ZWDD_APP_KEY: 'k', ZWDD_APP_SECRET: 's', ZWDD_TENANT_ID: 'tenant' })).toContain('ZWDD_TENANT_ID');
    expect(configError({ ZWDD_CALLBACK_URL: 'https://x.example/zwdd/events' })).toContain('ZWDD_EVENT_TAG');
    const secret = 'very-secret-value';
    const robot = configError({ DINGTALK_ROBOT_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=abc', DINGTALK_ROBOT_SECRET: secret });
    expect(robot).toContain('DINGTALK_ROBOT_SECRET');
    expect(robot).not.toContain(secret);
    expect(configError({ LARK_APP_ID: 'cli_a1b2c3d4e5f60718', LARK_APP_SECRET: secret, LARK_MODE: 'poll' })).not.toContain(secret);
    const aesKey = 'short-aes-key-that-is-secret';
    const wecom = configError({ WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1', WECOM_SECRET: 's', WECOM_TOKEN: 't', WECOM_ENCODING_AES_KEY: aesKey });
    expect(wecom).toContain('WECOM_ENCODING_AES_KEY');
    expect(wecom).not.toContain(aesKey);
  });

  it('plans only the platforms whose credentials are set', () => {
    const plan = planAdapters({ DINGTALK_ROBOT_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=abc', DINGTALK_ROBOT_SECRET: 'SECx' });
    expect(plan.lark).toBeUndefined();
    expect(plan.wechat).toBeUndefined();
    expect(plan.dingtalk).toMatchObject({ clientId: undefined, robotWebhook: expect.stringContaining('access_token=abc') });
    expect(planAdapters({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 't' }).wechat).toMatchObject({ puppet: 'wechaty-puppet-service', token: 't' });
    expect(planAdapters({ LARK_APP_ID: 'cli_a1b2c3d4e5f60718', LARK_APP_SECRET: 's' }).lark).toMatchObject({ mode: 'ws', domain: 'https://open.feishu.cn' });
    const gov = planAdapters({
      WECOM_CORP_ID: 'ww1',
      WECOM_AGENT_ID: '1000002',
      WECOM_SECRET: 's',
      WECOM_API_BASE: 'https://wx.gov.example.cn/',
      ZWDD_APP_KEY: 'k',
      ZWDD_APP_SECRET: 's',
      ZWDD_TENANT_ID: '196729',
      ZWDD_HOST_IP: '10.0.0.8',
      ZWDD_HOST_MAC: '00:16:3e:00:00:08',
    });
    expect(gov.wecom).toEqual({ apiBase: 'https://wx.gov.example.cn', app: { corpId: 'ww1', agentId: 1000002, secret: 's' }, callback: undefined, robotKey: undefined });
    expect(gov.zwdd).toMatchObject({ apiBase: 'https://openplatform.dg-work.cn', appKey: 'k', tenantId: '196729', hostIp: '10.0.0.8', callback: undefined });
    expect(planAdapters({ WECOM_ROBOT_KEY: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7f00-4bc4-97a0-0ec2b1fa5aaa' }).wecom).toMatchObject({
      robotKey: '693a91f6-7f00-4bc4-97a0-0ec2b1fa5aaa',
      app: undefined,
    });
  });

  it('creates and starts the WeCom and 浙政钉 adapters from the environment; the WeCom callback answers GET and POST', async () => {
    const d = deps();
    const keys = OFFICIAL;
    const adapters = await start(
      { WECOM_CORP_ID: keys.corpId, WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: keys.token, WECOM_ENCODING_AES_KEY: keys.encodingAesKey, ZWDD_APP_KEY: 'k', ZWDD_APP_SECRET: 's', ZWDD_TENANT_ID: '1', ZWDD_HOST_IP: '10.0.0.8', ZWDD_HOST_MAC: '00:16:3e:00:00:08' },
      d,
    );
    expect(adapters.map((a) => a.platform)).toEqual(['wecom', 'zwdd']);
    const get = await d.http.inject({ method: 'GET', url: `/wecom/callback?msg_signature=${GET_VECTOR.signature}&timestamp=${GET_VECTOR.timestamp}&nonce=${GET_VECTOR.nonce}&echostr=${GET_VECTOR.echostrUrlEncoded}` });
    expect([get.statusCode, get.body]).toEqual([200, GET_VECTOR.plain]);
    // The XML body reaches the adapter through the shared server's parser: a forged signature is refused, not a 415.
    const forged = await d.http.inject({ method: 'POST', url: '/wecom/callback?msg_signature=0&timestamp=1&nonce=2', headers: { 'content-type': 'text/xml' }, payload: '<xml><Encrypt><![CDATA[abcd]]></Encrypt></xml>' });
    expect(forged.statusCode).toBe(401);
    await Promise.all(adapters.map((a) => a.stop()));
    const stopped = await d.http.inject({ method: 'GET', url: `/wecom/callback?msg_signature=${GET_VECTOR.signature}&timestamp=${GET_VECTOR.timestamp}&nonce=${GET_VECTOR.nonce}&echostr=${GET_VECTOR.echostrUrlEncoded}` });
    expect(stopped.statusCode).toBe(503);
    await d.http.close();
  });

  it('starts a configured Lark webhook adapter and mounts its route; stop() is clean', async () => {
    const d = deps();
    const adapters = await start({ LARK_APP_ID: 'cli_a1b2c3d4e5f60718', LARK_APP_SECRET: 's', LARK_MODE: 'webhook', LARK_VERIFICATION_TOKEN: 'tok', LARK_DOMAIN: fake.url }, d);
    expect(adapters.map((a) => a.platform)).toEqual(['lark']);
    const res = await d.http.inject({ method: 'POST', url: '/lark/events', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ type: 'url_verification', token: 'tok', challenge: 'c1' }) });
    expect(res.json()).toEqual({ challenge: 'c1' });
    await Promise.all(adapters.map((a) => a.stop()));
    await d.http.close();
  });

  it('a push-only DingTalk robot starts without a connection', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const adapters = await start({ DINGTALK_ROBOT_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=abc' });
    expect(adapters.map((a) => a.platform)).toEqual(['dingtalk']);
    await adapters[0]!.stop();
    info.mockRestore();
  });
});

describe('adapter shell', () => {
  const answer: Answer = { intent: 'topic', text: '答', citations: [], followUps: [] };

  it('mounts a webhook once, and answers 503 while its adapter is stopped', async () => {
    const d = deps();
    let running = true;
    const route = { platform: 'test', path: '/test/events', running: () => running, stoppedBody: { error: 'stopped' }, handler: async () => ({ ok: true }) };
    mountWebhook(d, route);
    mountWebhook(d, route); // a restart does not mount it twice
    expect((await d.http.inject({ method: 'POST', url: '/test/events', payload: {} })).json()).toEqual({ ok: true });
    running = false;
    const stopped = await d.http.inject({ method: 'POST', url: '/test/events', payload: {} });
    expect([stopped.statusCode, stopped.json()]).toEqual([503, { error: 'stopped' }]);
    expect(() => mountWebhook({ logger: silentLogger() }, route)).toThrow(/test webhook mode needs the HTTP server/);
    await d.http.close();
  });

  it('sends the plain text when the platform refuses the rich form, not when it is only busy', async () => {
    const outbox = createOutbox({ logger: silentLogger(), maxTries: 2, baseDelayMs: 0 });
    const sent: string[] = [];
    const refused = await sendCardOrText(outbox, 'c1', silentLogger(), {
      what: 'reply',
      rich: async () => {
        throw new PlatformError('card rejected', { retryable: false });
      },
      text: async () => void sent.push('text'),
    });
    expect([refused, sent]).toEqual([true, ['text']]);
    const busy = await sendCardOrText(outbox, 'c2', silentLogger(), {
      what: 'reply',
      rich: async () => {
        throw new PlatformError('busy', { retryable: true });
      },
      text: async () => void sent.push('text again'),
    });
    expect([busy, sent]).toEqual([false, ['text']]);
  });

  it('answers the messages of one chat in order, and hands only real answers to the reply', async () => {
    const inbox = createInbox(silentLogger());
    const replies: string[] = [];
    const m = (id: string, text: string): IncomingMessage => ({ id, platform: 'lark', chatId: 'c', chatType: 'direct', senderId: 'u', text, mentionedBot: true, time: 0 });
    inbox.accept(m('0', 'before start'), async () => void replies.push('never'));
    inbox.start(async (msg) => {
      if (msg.text === 'silent') return undefined;
      await new Promise((r) => setTimeout(r, msg.text === 'slow' ? 20 : 0));
      return { ...answer, text: msg.text };
    });
    for (const [id, text] of [['1', 'slow'], ['2', 'silent'], ['3', 'fast']] as const) inbox.accept(m(id, text), async (a) => void replies.push(a.text));
    await inbox.idle();
    expect(replies).toEqual(['slow', 'fast']);
  });
});
