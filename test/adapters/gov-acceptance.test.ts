/**
 * Issue 13's acceptance on the running server (`yaodian serve`, configured only through the environment, the adapters
 * created by the registry), with the platforms played by local fakes that check what the real ones check:
 *   浙政钉: against a fake GovDD gateway that refuses wrongly signed requests, an admin subscription for a unit and
 *   POST /api/admin/digests/run deliver that unit's digest once, correctly signed; a rerun sends nothing more (the
 *   store's delivery rows and the gateway's notifications both checked); the same server with a wrong app secret
 *   records the gateway's refusal and delivers nothing.
 *   WeCom: URL verification answers the decrypted echostr; an encrypted 依申请公开有什么要求 gets one reply through
 *   message/send with cited items; a forged signature is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../adapters/serve.js';
import { zwddBizMsgId } from '../../adapters/zwdd/index.js';
import { digestKey } from '../../src/digest/delivery.js';
import { silentLogger } from '../../src/logger.js';
import { eventually, samplesDir } from '../helpers/samples.js';
import { encryptedCallback, GET_VECTOR, OFFICIAL, startWecomFake, textMessageXml, type WecomFake } from '../helpers/wecom-fake.js';
import { signedCallback, startZwddFake, type ZwddFake } from '../helpers/zwdd-fake.js';

const ADMIN_TOKEN = 'gov-acceptance-admin-token';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
const root = mkdtempSync(join(tmpdir(), 'yaodian-gov-'));
const clock = { now: new Date('2021-11-25T02:00:00Z') };
const DATE = '2021-11-25';

afterAll(() => rmSync(root, { recursive: true, force: true }));

function serve(name: string, env: Record<string, string>): Promise<ServerHandle> {
  return startServer({
    env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(root, name), DIGEST_ENABLED: 'false', DIGEST_PACE_MS: '0', ADMIN_TOKEN, ...env },
    docsDir: samplesDir,
    logger: silentLogger(),
    now: () => clock.now,
  });
}

type RunResult = { platform: string; chat: string; unit: string; status: string; error?: string };

async function run(server: ServerHandle): Promise<RunResult[]> {
  const res = await server.app.inject({ method: 'POST', url: '/api/admin/digests/run', headers: admin, payload: '{}' });
  expect(res.statusCode).toBe(200);
  return (res.json() as { results: RunResult[] }).results;
}

async function subscribe(server: ServerHandle, body: Record<string, string>) {
  const res = await server.app.inject({ method: 'POST', url: '/api/admin/subscriptions', headers: admin, payload: JSON.stringify(body) });
  expect(res.statusCode).toBe(200);
  return res.json() as Record<string, unknown>;
}

describe('浙政钉 on the running server', () => {
  const keys = { appKey: 'yaodian-gov-app', appSecret: 'gov-app-secret-0123456789abcdef' };
  const TENANT = '196729';
  const CALLBACK_URL = 'https://yaodian.example.gov.cn/zwdd/events';
  let gw: ZwddFake;
  let server: ServerHandle;
  const env = () => ({
    ZWDD_API_BASE: gw.url,
    ZWDD_APP_KEY: keys.appKey,
    ZWDD_APP_SECRET: keys.appSecret,
    ZWDD_TENANT_ID: TENANT,
    ZWDD_HOST_IP: '10.0.0.8',
    ZWDD_HOST_MAC: '00:16:3e:00:00:08',
    ZWDD_CALLBACK_URL: CALLBACK_URL,
    ZWDD_EVENT_TAG: 'yaodian_robot_message',
  });

  beforeAll(async () => {
    gw = await startZwddFake({ appKey: keys.appKey, appSecret: keys.appSecret, tenantId: TENANT });
    server = await serve('zwdd', env());
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await gw?.close();
  });

  it('an admin subscription and the day’s run deliver the unit’s digest once, signed; a rerun sends nothing more', async () => {
    expect(gw.registrations).toEqual([{ eventTag: 'yaodian_robot_message', callbackUrl: CALLBACK_URL }]);
    expect(await subscribe(server, { platform: 'zwdd', chat: 'acc-1001', unit: '旌德县财政局', time: '8:30' })).toMatchObject({ unit: '旌德县财政局', time: '08:30', active: true });
    expect(await subscribe(server, { platform: 'zwdd', chat: 'org:GO_qtcz', unit: '青田县财政局', time: '9:00' })).toMatchObject({ active: true });

    const first = await run(server);
    expect(first).toEqual([
      { platform: 'zwdd', chat: 'acc-1001', unit: '旌德县财政局', status: 'sent' },
      { platform: 'zwdd', chat: 'org:GO_qtcz', unit: '青田县财政局', status: 'sent' },
    ]);
    // What the gateway received: every request passed its signature check; one notification per subscription.
    expect(gw.calls.length).toBeGreaterThan(0);
    expect(gw.calls.filter((c) => c.rejected)).toEqual([]);
    const sends = gw.calls.filter((c) => c.path === '/message/workNotification');
    expect(sends).toHaveLength(2);
    for (const c of sends) expect([c.headers['x-hmac-auth-version'], c.headers.apikey, c.params.tenantId]).toEqual(['1.0', keys.appKey, TENANT]);
    expect(gw.delivered.map((d) => [d.receiverIds, d.organizationCodes, d.bizMsgId])).toEqual([
      [['acc-1001'], undefined, zwddBizMsgId(digestKey('zwdd', 'acc-1001', DATE))],
      [undefined, ['GO_qtcz'], zwddBizMsgId(digestKey('zwdd', 'org:GO_qtcz', DATE))],
    ]);
    const jd = gw.delivered[0]!.msg;
    expect(jd.msgtype).toBe('markdown');
    expect(jd.markdown!.text).toContain(`旌德县财政局 每日要点（${DATE}）`);
    expect(jd.markdown!.text).toContain('做好财政信息公开');
    expect(gw.delivered[1]!.msg.markdown!.text).toContain('青田县财政局 每日要点');
    // The store's delivery rows: sent, once, under the chat-day's key.
    const store = server.core.store;
    expect(await store.digest('zwdd', 'acc-1001', DATE)).toMatchObject({ state: 'sent', attempts: 1, unit: '旌德县财政局', dedupeKey: digestKey('zwdd', 'acc-1001', DATE), errorCode: null });
    expect(await store.digest('zwdd', 'org:GO_qtcz', DATE)).toMatchObject({ state: 'sent', attempts: 1 });

    const again = await run(server);
    expect(again.map((r) => [r.chat, r.status, r.error])).toEqual([
      ['acc-1001', 'skipped', '当天已发送'],
      ['org:GO_qtcz', 'skipped', '当天已发送'],
    ]);
    expect(gw.calls.filter((c) => c.path === '/message/workNotification')).toHaveLength(2);
    expect(gw.delivered).toHaveLength(2);
    expect((await store.digestLog({ from: DATE, to: DATE })).map((r) => [r.chatId, r.state, r.attempts])).toEqual([
      ['acc-1001', 'sent', 1],
      ['org:GO_qtcz', 'sent', 1],
    ]);
  });

  it('a group chat is pushed through chat/sendMsg without claiming a dedupe key (the row keeps none)', async () => {
    await subscribe(server, { platform: 'zwdd', chat: 'group:cid-gov-group', unit: '旌德县政府办', time: '9:00' });
    const results = await run(server);
    expect(results.find((r) => r.chat === 'group:cid-gov-group')).toMatchObject({ status: 'sent' });
    expect(gw.delivered.filter((d) => d.path === '/chat/sendMsg').map((d) => [d.chatId, d.msg.markdown?.text.includes('旌德县政府办 每日要点')])).toEqual([['cid-gov-group', true]]);
    expect(await server.core.store.digest('zwdd', 'group:cid-gov-group', DATE)).toMatchObject({ state: 'sent', dedupeKey: null });
    await server.app.inject({ method: 'DELETE', url: '/api/admin/subscriptions?platform=zwdd&chat=group:cid-gov-group', headers: { authorization: admin.authorization } });
  });

  it('a question through the registered callback is answered with one work notification citing the items', async () => {
    const q = '依申请公开有什么要求';
    const expected = server.core.library.answer(q);
    const message = { msgId: 'gov-acc-1', msgtype: 'text', text: { content: q }, senderId: 'acc-2002', conversationId: 'cid-x', conversationType: '1', createAt: Date.now() };
    const res = await server.app.inject(signedCallback(keys, '/zwdd/events', { eventTag: 'yaodian_robot_message', content: JSON.stringify(message) }));
    expect([res.statusCode, res.json()]).toEqual([200, { success: true }]);
    const d = await eventually(() => gw.delivered.find((x) => x.receiverIds?.[0] === 'acc-2002'));
    for (const c of expected.citations.slice(0, 3)) expect(d.msg.markdown!.text).toContain(c.ref);
    const forged = await server.app.inject(signedCallback({ ...keys, appSecret: 'guessed' }, '/zwdd/events', { eventTag: 'yaodian_robot_message', content: JSON.stringify({ ...message, msgId: 'gov-acc-2' }) }));
    expect(forged.statusCode).toBe(401);
  });

  it('signed with the wrong secret, the gateway refuses: the push is recorded failed with its code and nothing is delivered', async () => {
    const wrong = await serve('zwdd-wrong', { ...env(), ZWDD_APP_SECRET: 'not-the-app-secret', ZWDD_CALLBACK_URL: '', ZWDD_EVENT_TAG: '' });
    try {
      const delivered = gw.delivered.length;
      await subscribe(wrong, { platform: 'zwdd', chat: 'acc-3003', unit: '旌德县财政局', time: '8:30' });
      const [r] = await run(wrong);
      expect(r).toMatchObject({ platform: 'zwdd', chat: 'acc-3003', status: 'failed', error: expect.stringContaining('INVALID_SIGNATURE') });
      expect(await wrong.core.store.digest('zwdd', 'acc-3003', DATE)).toMatchObject({ state: 'failed', errorCode: 'INVALID_SIGNATURE' });
      expect(gw.calls.filter((c) => c.params.receiverIds === 'acc-3003').every((c) => c.rejected === 'signature mismatch')).toBe(true);
      expect(gw.delivered).toHaveLength(delivered);
    } finally {
      await wrong.close();
    }
  });
});

describe('WeCom / 政务微信 on the running server', () => {
  const AGENT_ID = 1000002;
  const SECRET = 'wecom-acceptance-secret';
  let api: WecomFake;
  let server: ServerHandle;

  beforeAll(async () => {
    api = await startWecomFake({ corpId: OFFICIAL.corpId, secret: SECRET, agentId: AGENT_ID });
    server = await serve('wecom', {
      WECOM_API_BASE: api.url,
      WECOM_CORP_ID: OFFICIAL.corpId,
      WECOM_AGENT_ID: String(AGENT_ID),
      WECOM_SECRET: SECRET,
      WECOM_TOKEN: OFFICIAL.token,
      WECOM_ENCODING_AES_KEY: OFFICIAL.encodingAesKey,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await api?.close();
  });

  it('answers URL verification with the decrypted echostr', async () => {
    const res = await fetch(new URL(`/wecom/callback?msg_signature=${GET_VECTOR.signature}&timestamp=${GET_VECTOR.timestamp}&nonce=${GET_VECTOR.nonce}&echostr=${GET_VECTOR.echostrUrlEncoded}`, server.url));
    expect([res.status, await res.text()]).toEqual([200, GET_VECTOR.plain]);
  });

  it('an encrypted 依申请公开有什么要求 gets one reply through message/send with cited items; a forged signature is refused', async () => {
    const q = '依申请公开有什么要求';
    const expected = server.core.library.answer(q);
    expect(expected.citations.length).toBeGreaterThan(0);
    const req = encryptedCallback(OFFICIAL, textMessageXml({ corpId: OFFICIAL.corpId, from: 'lisi', content: q, msgId: '7001', agentId: AGENT_ID }), { agentId: AGENT_ID });
    const post = () => fetch(new URL(req.url, server.url), { method: 'POST', headers: req.headers, body: req.payload });
    const res = await post();
    expect([res.status, await res.text()]).toEqual([200, '']);
    const sent = await eventually(() => api.delivered[0]);
    expect([sent.touser, sent.agentid, sent.msgtype]).toEqual(['lisi', AGENT_ID, 'markdown']);
    for (const c of expected.citations.slice(0, 2)) expect(sent.markdown!.content).toContain(c.ref);
    // The platform retries the same message: answered once (the message id is kept in the store).
    expect((await post()).status).toBe(200);
    const forged = encryptedCallback(OFFICIAL, textMessageXml({ corpId: OFFICIAL.corpId, from: 'lisi', content: '政务新媒体怎么管理', msgId: '7002', agentId: AGENT_ID }), { token: 'forged-token' });
    const refused = await fetch(new URL(forged.url, server.url), { method: 'POST', headers: forged.headers, body: forged.payload });
    expect(refused.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(api.delivered).toHaveLength(1);
    expect(api.calls.every((c) => c.errcode === 0)).toBe(true);
  });
});
