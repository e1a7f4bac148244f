/** The web page's 对标 routes: the alignment of two loaded documents, and the 对照表 workbook. */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAlignRoutes } from '../../adapters/web/align.js';
import { alignPlans } from '../../src/align/index.js';
import { bundledSamplesDir, DocumentLibrary } from '../../src/library.js';
import { silentLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';

let app: FastifyInstance;
let library: DocumentLibrary;
const file = (region: string) => library.plans().find((p) => p.title.includes(region))!.file;

beforeAll(async () => {
  library = await DocumentLibrary.open({ docsDir: bundledSamplesDir()!, logger: silentLogger() });
  app = createHttpServer({}, { logger: silentLogger() });
  registerAlignRoutes(app, { library });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

const query = (a: string, b: string) => `a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;

describe('对标 on the web page', () => {
  it('GET /api/align gives the alignment yaodian align gives, with the sentence pairs', async () => {
    const [a, b] = [file('青田'), file('义乌')];
    const res = await app.inject({ method: 'GET', url: `/api/align?${query(a, b)}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const al = alignPlans(library.get(a)!.plan, library.get(b)!.plan, library.answerer.tokenizer);
    expect(body.pairs.map((p: { a: string; b: string }) => `${p.a}→${p.b}`)).toEqual(al.pairs.map((p) => `${p.a}→${p.b}`));
    expect(body.onlyA).toEqual(al.onlyA);
    expect(body.pairs[0].why.a.length).toBeGreaterThan(0);
    expect(body.pairs[0].aTitle).toBeTruthy();
  });

  it('GET /api/align.xlsx is the 对照表 workbook', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/align.xlsx?${query(file('浙江'), file('鹿城'))}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('浙江与鹿城要点对照表.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('对照表')!;
    expect(String(sheet.getCell(1, 1).value)).toMatch(/对照表$/);
    expect(sheet.rowCount).toBeGreaterThan(10);
  });

  it('says in Chinese what is wrong with a request', async () => {
    const missing = await app.inject({ method: 'GET', url: `/api/align?${query('没有这份.txt', file('青田'))}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toMatch(/没有这份文件：没有这份\.txt/);
    const same = await app.inject({ method: 'GET', url: `/api/align?${query(file('青田'), file('青田'))}` });
    expect(same.statusCode).toBe(400);
    expect(same.json().message).toMatch(/两份不同的文件/);
    const bad = await app.inject({ method: 'GET', url: '/api/align?a=x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/[\u4e00-\u9fa5]/);
  });
});
