/**
 * The web page's push admin routes and answer spreadsheets, on the real server (yaodian serve, no platforms):
 * POST /api/admin/digests/run, GET /api/admin/digests, POST /api/admin/digests/resend behind ADMIN_TOKEN; an
 * answer's spreadsheet as a download link for users who may read the ledger, a refusal for others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../adapters/serve.js';
import type { DigestSender } from '../../src/digest/schedule.js';
import { silentLogger } from '../../src/logger.js';
import type { Answer } from '../../src/model.js';
import { samplesDir } from '../helpers/samples.js';

const TOKEN = 'push-admin-token';
const root = mkdtempSync(join(tmpdir(), 'yaodian-pushes-'));
let server: ServerHandle;
let clock = new Date('2021-11-25T01:00:00Z');
let down = true;
const delivered: { chatId: string; answer: Answer }[] = [];

beforeAll(async () => {
  server = await startServer({
    env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(root, 'data'), DIGEST_ENABLED: 'false', ADMIN_TOKEN: TOKEN, DIGEST_PACE_MS: '0' },
    docsDir: samplesDir,
    logger: silentLogger(),
    platforms: false,
    now: () => clock,
  });
  // A platform that refuses while `down`, as Lark does over its rate limit.
  const lark: DigestSender = {
    platform: 'lark',
    supportsDedupeKey: true,
    dedupeWindowMs: 3600_000,
    async send(chatId, answer) {
      if (down) throw Object.assign(new Error('request trigger frequency limit'), { status: 400, code: 99991400 });
      delivered.push({ chatId, answer });
    },
  };
  server.core.senders.set('lark', lark);
  const store = server.core.store;
  await store.setChatUnit('lark', 'oc_fin', '旌德县财政局', 'admin');
  await store.subscribe('lark', 'oc_fin', '08:30', 'admin');
  await store.setChatUnit('lark', 'oc_gov', '旌德县政府办', 'admin');
  await store.subscribe('lark', 'oc_gov', '17:00', 'admin');
  await store.setChatUnit('wechat', 'room-x', '旌德县财政局', 'admin');
  await store.subscribe('wechat', 'room-x', '08:00', 'admin');
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const admin = { authorization: `Bearer ${TOKEN}` };
const inject = (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = admin) =>
  server.app.inject({ method, url, headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });

describe('admin push routes', () => {
  it('need the admin token', async () => {
    expect((await inject('POST', '/api/admin/digests/run', {}, {})).statusCode).toBe(401);
    expect((await inject('GET', '/api/admin/digests', undefined, { authorization: 'Bearer wrong' })).statusCode).toBe(401);
    expect((await inject('POST', '/api/admin/digests/run', { date: '2021-02-30' })).json()).toMatchObject({ error: 'bad_date' });
    expect((await inject('POST', '/api/admin/digests/run', { date: 'tomorrow' })).statusCode).toBe(400);
  });

  it('run: every subscribed chat not yet sent gets one row; a refusal is failed with the code, never sent; after recovery exactly once', async () => {
    const first = await inject('POST', '/api/admin/digests/run', {});
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.date).toBe('2021-11-25');
    expect(body.results).toEqual([
      { platform: 'wechat', chat: 'room-x', unit: '旌德县财政局', status: 'skipped', error: '平台 wechat 未启用' },
      { platform: 'lark', chat: 'oc_fin', unit: '旌德县财政局', status: 'failed', error: '99991400：request trigger frequency limit' },
      { platform: 'lark', chat: 'oc_gov', unit: '旌德县政府办', status: 'failed', error: '99991400：request trigger frequency limit' },
    ]);
    expect(await server.core.store.digest('lark', 'oc_fin', '2021-11-25')).toMatchObject({ state: 'failed', errorCode: '99991400', attempts: 1 });
    const log = (await inject('GET', '/api/admin/digests?days=3')).json();
    expect(log.from).toBe('2021-11-23');
    expect(log.rows.map((r: { chat: string; state: string; errorCode: string }) => [r.chat, r.state, r.errorCode])).toEqual([
      ['oc_fin', 'failed', '99991400'],
      ['oc_gov', 'failed', '99991400'],
    ]);
    down = false;
    const again = (await inject('POST', '/api/admin/digests/run', {})).json();
    expect(again.results.map((r: { chat: string; status: string }) => [r.chat, r.status])).toEqual([
      ['room-x', 'skipped'],
      ['oc_fin', 'sent'],
      ['oc_gov', 'sent'],
    ]);
    const third = (await inject('POST', '/api/admin/digests/run', {})).json();
    expect(third.results.filter((r: { status: string }) => r.status === 'sent')).toEqual([]);
    clock = new Date('2021-11-25T09:30:00Z');
    await server.core.scheduler.tick();
    expect(delivered.map((d) => d.chatId).sort()).toEqual(['oc_fin', 'oc_gov']);
    expect(delivered.find((d) => d.chatId === 'oc_fin')!.answer.text).toContain('旌德县财政局 每日要点（2021-11-25）');
    expect(await server.core.store.digest('lark', 'oc_fin', '2021-11-25')).toMatchObject({ state: 'sent', attempts: 2, errorCode: null });
  });

  it('resend: one click for an uncertain chat-day, refused for a sent one', async () => {
    const store = server.core.store;
    const day = { platform: 'lark', chatId: 'oc_fin', date: '2021-11-26' };
    await store.claimDigest({ ...day, unit: '旌德县财政局', dedupeKey: null, owner: 'dead', at: '2021-11-26T00:30:00.000Z', leaseUntil: '2021-11-26T00:31:00.000Z' });
    await store.digestUncertain({ ...day, owner: 'dead', at: '2021-11-26T00:35:00.000Z', code: 'interrupted', message: '发送中断' });
    clock = new Date('2021-11-26T02:00:00Z');
    const listed = (await inject('GET', '/api/admin/digests')).json();
    expect(listed.rows.find((r: { date: string; chat: string }) => r.date === '2021-11-26' && r.chat === 'oc_fin')).toMatchObject({ state: 'uncertain', errorCode: 'interrupted' });
    const sent = delivered.length;
    const r = await inject('POST', '/api/admin/digests/resend', { platform: 'lark', chat: 'oc_fin', date: '2021-11-26' });
    expect(r.json()).toMatchObject({ platform: 'lark', chat: 'oc_fin', status: 'sent', date: '2021-11-26' });
    expect(delivered.length).toBe(sent + 1);
    expect((await inject('POST', '/api/admin/digests/resend', { platform: 'lark', chat: 'oc_fin', date: '2021-11-26' })).json()).toMatchObject({ status: 'skipped', error: '当天已发送' });
    expect((await inject('POST', '/api/admin/digests/resend', { platform: 'lark', chat: 'oc_none', date: '2021-11-26' })).json()).toMatchObject({ status: 'skipped', error: '没有这条推送记录' });
    expect((await inject('POST', '/api/admin/digests/resend', { platform: 'lark' })).json().message).toContain('缺少');
  });
});

describe('admin subscriptions', () => {
  const del = (query: string, headers: Record<string, string> = admin) => server.app.inject({ method: 'DELETE', url: `/api/admin/subscriptions?${query}`, headers });

  it('need the admin token, a push platform, a known unit and a readable time; nothing is stored otherwise', async () => {
    expect((await inject('GET', '/api/admin/subscriptions', undefined, {})).statusCode).toBe(401);
    expect((await inject('POST', '/api/admin/subscriptions', { platform: 'lark', chat: 'oc_x', unit: '旌德县财政局' }, { authorization: 'Bearer wrong' })).statusCode).toBe(401);
    expect((await del('platform=lark&chat=oc_fin', {})).statusCode).toBe(401);
    const bad = async (payload: unknown) => {
      const r = await inject('POST', '/api/admin/subscriptions', payload);
      expect(r.statusCode).toBe(400);
      return r.json() as { error: string; message: string };
    };
    expect(await bad({ platform: 'web', chat: 'oc_x', unit: '旌德县财政局' })).toMatchObject({ error: 'bad_platform', message: expect.stringContaining('zwdd') });
    expect(await bad({ platform: 'lark', chat: '  ', unit: '旌德县财政局' })).toMatchObject({ error: 'bad_chat' });
    expect(await bad({ platform: 'lark', chat: 'oc_x', unit: '县财政局' })).toMatchObject({ error: 'bad_unit', message: expect.stringContaining('请加上地区名') });
    expect(await bad({ platform: 'lark', chat: 'oc_x', unit: '旌德县财政厅' })).toMatchObject({ error: 'bad_unit', message: expect.stringContaining('旌德县财政局') });
    expect(await bad({ platform: 'lark', chat: 'oc_x', unit: '旌德县财政局', time: '25:00' })).toMatchObject({ error: 'bad_time' });
    expect((await bad({ platform: 'lark', unit: '旌德县财政局' })).message).toContain('缺少');
    expect(await server.core.store.chat('lark', 'oc_x')).toBeUndefined();
  });

  it('subscribe a chat the bot never heard from; listed; the day’s run delivers it through the same delivery log; removed', async () => {
    clock = new Date('2021-11-27T01:00:00Z');
    const created = await inject('POST', '/api/admin/subscriptions', { platform: 'lark', chat: ' oc_quiet ', unit: '旌德县 县财政局', time: '下午5点' });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ platform: 'lark', chat: 'oc_quiet', unit: '旌德县财政局', time: '17:00', updatedBy: 'api:admin', active: true });
    // Changing it: the same row.
    await inject('POST', '/api/admin/subscriptions', { platform: 'lark', chat: 'oc_quiet', unit: '旌德县政府办', time: '8:00' });
    await inject('POST', '/api/admin/subscriptions', { platform: 'zwdd', chat: 'org:GO_1', unit: '青田县财政局' });
    const list = (await inject('GET', '/api/admin/subscriptions')).json();
    expect(list.platforms).toEqual(['lark']);
    expect(list.subscriptions.map((r: { platform: string; chat: string; unit: string; time: string; active: boolean }) => [r.platform, r.chat, r.unit, r.time, r.active])).toEqual([
      ['lark', 'oc_fin', '旌德县财政局', '08:30', true],
      ['lark', 'oc_gov', '旌德县政府办', '17:00', true],
      ['lark', 'oc_quiet', '旌德县政府办', '08:00', true],
      ['wechat', 'room-x', '旌德县财政局', '08:00', false],
      ['zwdd', 'org:GO_1', '青田县财政局', '08:30', false],
    ]);
    const before = delivered.length;
    const run = (await inject('POST', '/api/admin/digests/run', {})).json();
    expect(run.results.find((r: { chat: string }) => r.chat === 'oc_quiet')).toEqual({ platform: 'lark', chat: 'oc_quiet', unit: '旌德县政府办', status: 'sent' });
    expect(run.results.find((r: { chat: string }) => r.chat === 'org:GO_1')).toMatchObject({ status: 'skipped', error: '平台 zwdd 未启用' });
    const quiet = delivered.slice(before).filter((d) => d.chatId === 'oc_quiet');
    expect(quiet).toHaveLength(1);
    expect(quiet[0]!.answer.text).toContain('旌德县政府办 每日要点（2021-11-27）');
    expect(await server.core.store.digest('lark', 'oc_quiet', '2021-11-27')).toMatchObject({ state: 'sent', unit: '旌德县政府办' });
    expect((await inject('POST', '/api/admin/digests/run', {})).json().results.find((r: { chat: string }) => r.chat === 'oc_quiet')).toMatchObject({ status: 'skipped', error: '当天已发送' });
    // Removed: no longer listed, not pushed the next day; removing again is a 404.
    expect((await del('platform=lark&chat=oc_quiet')).json()).toEqual({ platform: 'lark', chat: 'oc_quiet', removed: true });
    expect((await del('platform=lark&chat=oc_quiet')).statusCode).toBe(404);
    expect((await del('platform=nope&chat=oc_quiet')).json()).toMatchObject({ error: 'bad_platform' });
    expect((await inject('GET', '/api/admin/subscriptions')).json().subscriptions.map((r: { chat: string }) => r.chat)).not.toContain('oc_quiet');
    clock = new Date('2021-11-28T01:00:00Z');
    expect((await inject('POST', '/api/admin/digests/run', {})).json().results.map((r: { chat: string }) => r.chat)).not.toContain('oc_quiet');
    await del('platform=zwdd&chat=org:GO_1');
  });
});

describe('answer spreadsheets on the page', () => {
  const ask = async (payload: Record<string, string>) => (await server.app.inject({ method: 'POST', url: '/api/ask', payload })).json();

  it('a user with a unit gets a download link that opens as a workbook of the answer’s items', async () => {
    const a = await ask({ q: '旌德县财政局的任务导出成表格', unit: '旌德县财政局', today: '2021-11-25' });
    expect(a.intent).toBe('export');
    expect(a.file.name).toMatch(/\.xlsx$/);
    expect(a.file.url).toMatch(/^\/api\/files\/[\w-]+$/);
    const res = await server.app.inject({ url: a.file.url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent(a.file.name));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const rows = wb.getWorksheet('任务台账')!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(rows.map((r) => r[2]).sort()).toEqual(a.citations.map((c: { ref: string }) => c.ref).sort());
    expect(rows.every((r) => String(r[4]).includes('财政局'))).toBe(true);
  });

  it('anyone else gets the answer with a polite refusal and no link; a stale link says so', async () => {
    const a = await ask({ q: '旌德县财政局的任务导出成表格', chat: 'page-unbound-browser' });
    expect(a.file).toBeUndefined();
    expect(a.text).toContain('表格只提供给管理员和已绑定单位的用户');
    const missing = await server.app.inject({ url: '/api/files/AAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toContain('下载链接已失效');
  });

  it('cites the matching sentence under a title when it says more', async () => {
    const a = await ask({ q: '预决算公开', today: '2021-11-25' });
    const withSentence = a.citations.filter((c: { matched?: string }) => c.matched);
    expect(withSentence.length).toBeGreaterThan(0);
    for (const c of withSentence) expect(c.title.includes(c.matched.replace(/^“|”$/g, ''))).toBe(false);
  });
});

describe('/healthz', () => {
  it('lists the platforms and their connection state', async () => {
    const h = (await server.app.inject({ url: '/healthz' })).json();
    expect(h).toMatchObject({ ok: true, adapters: ['web'], platforms: {} });
    expect(h.degraded).toBeUndefined();
  });
});
