/**
 * Issue 12's acceptance on the running server (`yaodian serve`, configured only through the environment), with
 * Lark and DingTalk played by local fakes that answer as the platforms document: groups bound in chat each get
 * their own unit's digest through the platform's API; a refused push is recorded failed with the platform's code
 * and never sent; after recovery the day's run sends exactly once per chat, and again nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dingtalkSign } from '../../adapters/dingtalk/sign.js';
import { larkEncrypt, larkSignature } from '../../adapters/lark/crypto.js';
import { startServer, type ServerHandle } from '../../adapters/serve.js';
import { silentLogger } from '../../src/logger.js';
import { startDingtalkFake, type DingtalkFake } from '../helpers/dingtalk-fake.js';
import { startLarkFake, type LarkFake } from '../helpers/lark-fake.js';
import { eventually, samplesDir } from '../helpers/samples.js';

const dtFixture = JSON.parse(readFileSync(new URL('./fixtures/dingtalk-robot-group.json', import.meta.url), 'utf8'));
const larkFixture = JSON.parse(readFileSync(new URL('./fixtures/lark-message-group.json', import.meta.url), 'utf8'));
const ENCRYPT_KEY = 'acceptance-encrypt-key-0123456789';
const ADMIN_TOKEN = 'acceptance-admin-token';
const GROUP_A = 'cidGroupAaaaaaaaaaaaaaa==';
const GROUP_B = 'cidGroupBbbbbbbbbbbbbbb==';

let lark: LarkFake;
let dt: DingtalkFake;
let server: ServerHandle;
const root = mkdtempSync(join(tmpdir(), 'yaodian-acceptance-'));
const clock = { now: new Date('2021-11-25T02:00:00Z') };
let n = 0;

beforeAll(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => {});
  lark = await startLarkFake();
  dt = await startDingtalkFake();
  dt.groups.add(GROUP_A);
  dt.groups.add(GROUP_B);
  server = await startServer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: join(root, 'data'),
      DIGEST_ENABLED: 'false',
      DIGEST_PACE_MS: '0',
      ADMIN_TOKEN,
      ADMIN_IDS: 'dingtalk:manager01,lark:ou_admin',
      LARK_APP_ID: 'cli_9f5343c580712544',
      LARK_APP_SECRET: 'acceptance-lark-secret',
      LARK_MODE: 'webhook',
      LARK_ENCRYPT_KEY: ENCRYPT_KEY,
      LARK_VERIFICATION_TOKEN: larkFixture.header.token,
      LARK_DOMAIN: lark.url,
      DINGTALK_CLIENT_ID: dt.clientId,
      DINGTALK_CLIENT_SECRET: dt.clientSecret,
      DINGTALK_MODE: 'webhook',
      DINGTALK_API_BASE: dt.url,
      DINGTALK_OAPI_BASE: dt.url,
    },
    docsDir: samplesDir,
    logger: silentLogger(),
    now: () => clock.now,
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await lark?.close();
  await dt?.close();
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

async function dingtalkSays(conversationId: string, text: string) {
  n++;
  const body = { ...structuredClone(dtFixture), conversationId, msgId: `acc-${n}`, text: { content: text }, sessionWebhook: `${dt.url}/robot/sendBySession?session=acc${n}` };
  const ts = String(Date.now());
  const res = await fetch(new URL('/dingtalk/events', server.url), { method: 'POST', headers: { 'content-type': 'application/json', timestamp: ts, sign: dingtalkSign(ts, dt.clientSecret) }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return eventually(() => dt.delivered.find((d) => d.to === `session=acc${n}`));
}

async function larkSays(chatId: string, text: string, sender = 'ou_admin') {
  n++;
  const e = structuredClone(larkFixture);
  e.header.event_id = `acc-ev-${n}`;
  e.event.message.message_id = `om_acc_${n}`;
  e.event.message.chat_id = chatId;
  e.event.sender.sender_id.open_id = sender;
  e.event.message.content = JSON.stringify({ text: `@_user_1 ${text}` });
  const payload = JSON.stringify({ encrypt: larkEncrypt(JSON.stringify(e), ENCRYPT_KEY) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(new URL('/lark/events', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': 'n', 'x-lark-signature': larkSignature(timestamp, 'n', ENCRYPT_KEY, payload) },
    body: payload,
  });
  expect(res.status).toBe(200);
  return eventually(() => lark.delivered.find((d) => d.replyTo === e.event.message.message_id));
}

const run = async () => {
  const res = await fetch(new URL('/api/admin/digests/run', server.url), { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
  return (await res.json()) as { date: string; results: { platform: string; chat: string; unit: string; status: string; error?: string }[] };
};

describe('platform pushes on the running server', () => {
  it('binds groups in chat, refuses pushes as the platforms do, and sends exactly once per chat after recovery', async () => {
    const text = (d: { param: Record<string, unknown> }) => JSON.stringify(d.param);
    expect(text(await dingtalkSays(GROUP_A, '本群绑定 旌德县财政局'))).toContain('本群的单位已设为旌德县财政局');
    expect(text(await dingtalkSays(GROUP_A, '订阅 每天 8:30'))).toContain('已订阅');
    expect(text(await dingtalkSays(GROUP_B, '本群绑定 旌德县政府办'))).toContain('本群的单位已设为旌德县政府办');
    expect(text(await dingtalkSays(GROUP_B, '订阅 每天 9:00'))).toContain('已订阅');
    expect((await larkSays('oc_acc_lark', '本群绑定 旌德县财政局')).content).toContain('本群的单位已设为旌德县财政局');
    expect((await larkSays('oc_acc_lark', '订阅 每天 8:30')).content).toContain('已订阅');
    expect(await server.core.store.chatRoute('dingtalk', GROUP_B)).toEqual({ kind: 'group', openConversationId: GROUP_B });

    // The platforms refuse: DingTalk over its QPS limit, Lark because the bot was removed from the chat.
    for (let i = 0; i < 4; i++) dt.failures.push({ status: 403, body: { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: '调用频率超过限制', requestid: 'r' } });
    lark.failures.push({ status: 400, body: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' } }, { status: 400, body: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' } });
    const refused = await run();
    expect(refused.results.map((r) => [r.platform, r.chat, r.unit, r.status])).toEqual([
      ['dingtalk', GROUP_A, '旌德县财政局', 'failed'],
      ['lark', 'oc_acc_lark', '旌德县财政局', 'failed'],
      ['dingtalk', GROUP_B, '旌德县政府办', 'failed'],
    ]);
    expect(refused.results[0]!.error).toContain('Forbidden.AccessDenied.QpsLimitForApi');
    expect(refused.results[1]!.error).toContain('230002');
    expect(await server.core.store.digest('dingtalk', GROUP_A, '2021-11-25')).toMatchObject({ state: 'failed', errorCode: 'Forbidden.AccessDenied.QpsLimitForApi' });
    expect(await server.core.store.digest('lark', 'oc_acc_lark', '2021-11-25')).toMatchObject({ state: 'failed', errorCode: '230002' });
    expect(dt.delivered.filter((d) => d.via === 'group')).toEqual([]);
    expect(lark.delivered.filter((d) => d.chatId === 'oc_acc_lark')).toEqual([]);

    // Recovered: one digest per chat, each its own unit's, through the group-message API.
    dt.failures.length = 0;
    lark.failures.length = 0;
    const sent = await run();
    expect(sent.results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    const groups = dt.delivered.filter((d) => d.via === 'group');
    expect(groups.map((d) => [d.to, d.msgKey])).toEqual([
      [GROUP_A, 'sampleMarkdown'],
      [GROUP_B, 'sampleMarkdown'],
    ]);
    expect(String(groups[0]!.param.text)).toContain('旌德县财政局 每日要点（2021-11-25）');
    expect(String(groups[1]!.param.text)).toContain('旌德县政府办 每日要点（2021-11-25）');
    expect(lark.delivered.filter((d) => d.chatId === 'oc_acc_lark')).toHaveLength(1);
    // Again, and the scheduled tick after the subscribed times: nothing more.
    expect((await run()).results.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);
    clock.now = new Date('2021-11-25T03:00:00Z');
    await server.core.scheduler.tick();
    expect(dt.delivered.filter((d) => d.via === 'group')).toHaveLength(2);
    expect(lark.delivered.filter((d) => d.chatId === 'oc_acc_lark')).toHaveLength(1);
    for (const [p, c] of [['dingtalk', GROUP_A], ['dingtalk', GROUP_B], ['lark', 'oc_acc_lark']] as const) {
      expect((await server.core.store.digest(p, c, '2021-11-25'))?.state).toBe('sent');
    }
    const health = await (await fetch(new URL('/healthz', server.url))).json();
    expect(health).toMatchObject({ ok: true, adapters: ['web', 'lark', 'dingtalk'], platforms: { lark: { state: 'up' }, dingtalk: { state: 'up' } } });
  });
});
