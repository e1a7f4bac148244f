import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { coreConfigSchema, loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';
import { createWebAdapter } from '../../adapters/web/index.js';
import { tokenMatches } from '../../adapters/web/api.js';
import { buildDocx, sampleDocxParagraphs } from '../ingest/docx-builder.js';

const SAMPLES = join(import.meta.dirname, '../../samples');
const QINGTIAN = '2021-青田县政务公开工作要点.txt';
const YIWU = '2021-义乌市政务公开工作要点.txt';
const TOKEN = 'test-admin-token';

function multipart(name: string, content: Buffer | string, field = 'file') {
  const boundary = '----yaodiantest';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

let root: string;
let app: FastifyInstance;
let core: App;
const NOW = () => new Date('2021-09-01T04:00:00Z');

/** As serve builds it: the core over DATA_DIR and the docs folder, the web adapter started with the bot. */
async function build(adminToken: string | undefined, uploadLimit?: number) {
  const logger = silentLogger();
  const config = loadConfig(coreConfigSchema, { DATA_DIR: join(root, 'data'), ADMIN_IDS: 'web:boss' });
  core = await createApp({ config, logger, mode: 'serve', docsDir: join(root, 'docs'), now: NOW });
  app = createHttpServer({}, { logger });
  const web = createWebAdapter({ library: core.library, ledger: core.ledger, digests: core.digests, adminToken, now: NOW, ...(uploadLimit ? { uploadLimit } : {}) }, { logger, http: app });
  await web.start((m) => core.bot.handle(m));
  await app.ready();
}

async function close() {
  await app.close();
  await core.close();
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'yd-web-'));
  await mkdir(join(root, 'docs'));
  await copyFile(join(SAMPLES, QINGTIAN), join(root, 'docs', QINGTIAN));
  await copyFile(join(SAMPLES, YIWU), join(root, 'docs', YIWU));
  await build(TOKEN);
});

afterEach(async () => {
  await close();
  await rm(root, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe('page', () => {
  it('serves the page, its script and stylesheet', async () => {
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('要点助手');
    expect((await app.inject({ url: '/app.js' })).headers['content-type']).toMatch(/javascript/);
    expect((await app.inject({ url: '/style.css' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/../package.json' })).statusCode).toBe(404);
  });
});

describe('POST /api/ask', () => {
  it('answers with citations that link to the item', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/ask', payload: { q: '依申请公开有什么要求' } });
    expect(r.statusCode).toBe(200);
    const a = r.json();
    expect(a.citations.length).toBeGreaterThan(0);
    expect(a.citations[0].href).toMatch(/^#doc=.+&item=/);
    expect(a.citations[0].lines).toHaveLength(2);
  });

  it('passes unit and today', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/ask', payload: { q: '我局负责哪些任务', unit: '青田县司法局', today: '2021-09-01' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().text).toMatch(/^青田县司法局负责或参与的任务共\d+项/);
    expect(r.json().citations.length).toBeGreaterThan(0);
  });

  it('goes through the bot: 绑定 sticks to the page’s chat id, and a bad chat id is refused', async () => {
    const ask = async (payload: object) => (await app.inject({ method: 'POST', url: '/api/ask', payload })).json();
    expect((await ask({ q: '绑定 青田县司法局', chat: 'browser-1' })).text).toContain('已将您的单位设为青田县司法局');
    expect(await core.store.unitOfUser('web', 'browser-1')).toBe('青田县司法局');
    expect((await ask({ q: '我局负责哪些任务', chat: 'browser-1' })).text).toMatch(/^青田县司法局负责或参与的任务/);
    // Another browser is another person.
    expect((await ask({ q: '我局负责哪些任务', chat: 'browser-2' })).text).toMatch(/请先告诉我您的单位/);
    const bad = await app.inject({ method: 'POST', url: '/api/ask', payload: { q: '帮助', chat: '../x y' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/对话 chat/);
  });

  it('rejects bad input with Chinese messages', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /缺少问题 q/],
      [{ q: '' }, /问题 q/],
      [{ q: 'x'.repeat(501) }, /过长/],
      [{ q: '问题', today: '2021/9/1' }, /^请求参数不正确：日期 today 的格式应为 YYYY-MM-DD（如 2021-09-01）$/],
      [{ q: { a: 1 } }, /问题 q 应为文字/],
    ];
    for (const [payload, message] of cases) {
      const r = await app.inject({ method: 'POST', url: '/api/ask', payload: payload as object });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().message).toMatch(message);
    }
    const notJson = await app.inject({ method: 'POST', url: '/api/ask', headers: { 'content-type': 'application/json' }, payload: '{oops' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().message).toMatch(/JSON/);
    const noDay = await app.inject({ method: 'POST', url: '/api/ask', payload: { q: '问题', today: '2021-02-30' } });
    expect(noDay.statusCode).toBe(400);
    expect(noDay.json().message).toBe('日期 today：没有 2021-02-30 这一天，请检查月份和日期。');
  });

  it('answers 413 to a body over the limit', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/ask', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ q: 'x'.repeat(40_000) }) });
    expect(r.statusCode).toBe(413);
    expect(r.json().message).toMatch(/过大/);
  });
});

describe('documents', () => {
  it('lists documents with item counts and shows one with its lines', async () => {
    const list = (await app.inject({ url: '/api/documents' })).json();
    expect(list.documents.map((d: { id: string }) => d.id).sort()).toEqual([YIWU, QINGTIAN].sort());
    expect(list.documents[0].items).toBeGreaterThan(5);
    const one = await app.inject({ url: `/api/documents/${encodeURIComponent(QINGTIAN)}` });
    expect(one.statusCode).toBe(200);
    const d = one.json();
    expect(d.lines.length).toBeGreaterThan(20);
    const item = d.items.find((i: { id: string }) => i.id === '三.1');
    expect(d.lines[item.lines[0] - 1]).toMatch(/规范依申请公开工作/);
  });

  it('404 for an unknown id', async () => {
    const r = await app.inject({ url: '/api/documents/nope.txt' });
    expect(r.statusCode).toBe(404);
    expect(r.json().message).toMatch(/没有这份文件/);
    expect((await app.inject({ method: 'DELETE', url: '/api/documents/nope.txt', headers: auth })).statusCode).toBe(404);
  });

  it('401 without or with a wrong token', async () => {
    const m = multipart('a.txt', 'x');
    const none = await app.inject({ method: 'POST', url: '/api/documents', ...m });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    const wrong = await app.inject({ method: 'POST', url: '/api/documents', payload: m.payload, headers: { ...m.headers, authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toMatch(/不正确/);
    expect((await app.inject({ method: 'DELETE', url: `/api/documents/${encodeURIComponent(QINGTIAN)}` })).statusCode).toBe(401);
    expect(tokenMatches('a', 'a')).toBe(true);
    expect(tokenMatches('a', 'ab')).toBe(false);
  });

  it('403 when no ADMIN_TOKEN is configured (401 still without any token)', async () => {
    await close();
    await build(undefined);
    expect((await app.inject({ method: 'POST', url: '/api/documents', ...multipart('a.txt', 'x') })).statusCode).toBe(401);
    const r = await app.inject({ method: 'POST', url: '/api/documents', ...multipart('a.txt', 'x'), headers: { ...multipart('a.txt', 'x').headers, ...auth } });
    expect(r.statusCode).toBe(403);
    expect(r.json().message).toMatch(/ADMIN_TOKEN/);
    expect((await app.inject({ method: 'DELETE', url: `/api/documents/${encodeURIComponent(QINGTIAN)}`, headers: auth })).statusCode).toBe(403);
  });

  it('uploads a .docx, reports it, indexes it and keeps it across a restart', async () => {
    const m = multipart('测试县要点.docx', buildDocx(sampleDocxParagraphs()));
    const r = await app.inject({ method: 'POST', url: '/api/documents', payload: m.payload, headers: { ...m.headers, ...auth } });
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(body.report.items).toBe(3);
    expect(body.report.notes.join()).toMatch(/自动编号/);
    const ask = (await app.inject({ method: 'POST', url: '/api/ask', payload: { q: '档案数字化' } })).json();
    expect(ask.citations.some((c: { file: string }) => c.file === '测试县要点.docx')).toBe(true);
    const ledger = (await app.inject({ url: `/api/ledger?doc=${encodeURIComponent('测试县要点.docx')}` })).json();
    expect(ledger.items).toBe(3);
    expect(await readdir(join(root, 'data', 'documents'))).toContain('测试县要点.docx');
    await close();
    await build(TOKEN);
    expect((await app.inject({ url: `/api/documents/${encodeURIComponent('测试县要点.docx')}` })).statusCode).toBe(200);
  });

  it('replaces atomically: a bad upload under the same name keeps the old document serving', async () => {
    const good = multipart(QINGTIAN, Buffer.from(sampleDocxParagraphs().map((p) => p.text).join('\n')));
    const bad = multipart(QINGTIAN, '只是一段话，没有任何条目。');
    const before = (await app.inject({ url: `/api/documents/${encodeURIComponent(QINGTIAN)}` })).json();
    const r = await app.inject({ method: 'POST', url: '/api/documents', payload: bad.payload, headers: { ...bad.headers, ...auth } });
    expect(r.statusCode).toBe(422);
    expect(r.json().error).toBe('NO_STRUCTURE');
    expect(r.json().kept).toMatch(/保持不变/);
    const after = (await app.inject({ url: `/api/documents/${encodeURIComponent(QINGTIAN)}` })).json();
    expect(after.items.length).toBe(before.items.length);
    const ask = (await app.inject({ method: 'POST', url: '/api/ask', payload: { q: '依申请公开有什么要求' } })).json();
    expect(ask.citations.some((c: { file: string }) => c.file === QINGTIAN)).toBe(true);
    // A good replacement swaps in.
    void good;
  });

  it('a good upload under the same name replaces the document', async () => {
    const text = await import('node:fs/promises').then((fs) => fs.readFile(join(SAMPLES, '2021-旌德县政务公开工作要点.txt')));
    const m = multipart(QINGTIAN, text);
    const r = await app.inject({ method: 'POST', url: '/api/documents', payload: m.payload, headers: { ...m.headers, ...auth } });
    expect(r.statusCode).toBe(200);
    expect(r.json().replaced).toBe(true);
    expect(r.json().document.title).toMatch(/旌德/);
  });

  it('rejects unsupported types (415), empty forms (400) and files over the limit (413)', async () => {
    const exe = multipart('a.exe', 'MZ');
    expect((await app.inject({ method: 'POST', url: '/api/documents', payload: exe.payload, headers: { ...exe.headers, ...auth } })).statusCode).toBe(415);
    const json = await app.inject({ method: 'POST', url: '/api/documents', headers: auth, payload: { a: 1 } });
    expect(json.statusCode).toBe(400);
    await close();
    await build(TOKEN, 1024);
    const big = multipart('big.txt', 'x'.repeat(4096));
    const r = await app.inject({ method: 'POST', url: '/api/documents', payload: big.payload, headers: { ...big.headers, ...auth } });
    expect(r.statusCode).toBe(413);
  });

  it('deletes a document', async () => {
    const r = await app.inject({ method: 'DELETE', url: `/api/documents/${encodeURIComponent(YIWU)}`, headers: auth });
    expect(r.statusCode).toBe(200);
    const list = (await app.inject({ url: '/api/documents' })).json();
    expect(list.documents.map((d: { id: string }) => d.id)).toEqual([QINGTIAN]);
    // Removed docs-folder documents stay removed after a restart.
    await close();
    await build(TOKEN);
    expect((await app.inject({ url: '/api/documents' })).json().documents).toHaveLength(1);
  });
});

describe('units, digest, ledger', () => {
  it('lists units, regions and documents', async () => {
    const u = (await app.inject({ url: '/api/units' })).json();
    expect(u.regions.sort()).toEqual(['义乌市', '青田县']);
    expect(u.units.some((x: { name: string }) => x.name === '县司法局')).toBe(true);
  });

  it('digest of a unit for a day: the digest service’s JSON and the chat message', async () => {
    const r = await app.inject({ url: `/api/digest?unit=${encodeURIComponent('青田县司法局')}&date=2021-09-01` });
    expect(r.statusCode).toBe(200);
    const d = r.json();
    // 青田's and 义乌's work points give no dated deadlines: nothing is due.
    expect(d).toMatchObject({ unit: '青田县司法局', date: '2021-09-01', overdue: [], dueSoon: [], ongoing: [], newItems: [] });
    expect(d.text).toMatch(/^青田县司法局 每日要点（2021-09-01）\n今天没有逾期、7日内到期或新增的任务。/);
    expect((await app.inject({ url: '/api/digest' })).statusCode).toBe(400);
    expect((await app.inject({ url: `/api/digest?unit=x&date=2021-13-01` })).statusCode).toBe(400);
    const unknown = await app.inject({ url: `/api/digest?unit=${encodeURIComponent('青田县财正局')}` });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/没有找到单位“青田县财正局”。您是不是要找：青田县财政局/);
  });

  it('the ledger shows progress recorded in chat: 已完成 rows are done, not overdue', async () => {
    const ask = async (q: string) => (await app.inject({ method: 'POST', url: '/api/ask', payload: { q, chat: 'leader' } })).json().text as string;
    expect(await ask('绑定 青田县司法局')).toContain('已将您的单位设为青田县司法局');
    expect(await ask('完成 三.2 已办结')).toContain('已登记：青田县司法局');
    expect(await ask('进展 五.2 正在推进')).toContain('进行中（正在推进）');
    const json = (await app.inject({ url: `/api/ledger?unit=${encodeURIComponent('青田县司法局')}&today=2021-09-01` })).json();
    const row = (item: string) => json.rows.find((r: { item: string; file: string }) => r.item === item && r.file === QINGTIAN);
    expect(row('三.2')).toMatchObject({ unit: '县司法局', status: 'done', progress: '已完成', note: '已办结', updatedBy: 'web:leader' });
    expect(row('五.2')).toMatchObject({ status: 'no_deadline', progress: '进行中', note: '正在推进' });
    expect(row('一.1')).toMatchObject({ progress: '未开始', note: null });
    expect(json.stats.find((s: { unit: string }) => s.unit === '县司法局')).toMatchObject({ done: 1 });
    expect((await app.inject({ url: '/api/ledger?status=done' })).json().rows.map((r: { item: string }) => r.item)).toEqual(['三.2']);
    const csv = (await app.inject({ url: `/api/ledger.csv?status=done` })).body;
    expect(csv.split('\r\n')[1]).toMatch(/,县司法局,.*,已完成,已完成,已办结,web:leader,/);
  });

  it('ledger JSON, CSV and XLSX with the same filters', async () => {
    const q = `unit=${encodeURIComponent('县司法局')}&lead=true&today=2021-09-01`;
    const json = (await app.inject({ url: `/api/ledger?${q}` })).json();
    expect(json.total).toBeGreaterThan(0);
    expect(json.rows.every((r: { lead: boolean; unit: string }) => r.lead && r.unit.includes('司法局'))).toBe(true);
    const csv = await app.inject({ url: `/api/ledger.csv?${q}` });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/filename\*=UTF-8''/);
    expect(csv.body.startsWith('\uFEFF文件,地区,条目')).toBe(true);
    expect(csv.body.trim().split('\r\n')).toHaveLength(json.total + 1);
    const xlsx = await app.inject({ url: `/api/ledger.xlsx?${q}` });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('任务台账')?.rowCount).toBe(json.total + 1);
    expect((await app.inject({ url: '/api/ledger?status=late' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/ledger.csv?from=2021-1-1' })).statusCode).toBe(400);
    // Unknown parameters are dropped (fastify removeAdditional), not errors.
    expect((await app.inject({ url: '/api/ledger?bogus=1' })).statusCode).toBe(200);
  });
});
