/**
 * The same document twice (in a folder under two names, or uploaded under another name) is loaded once, with a
 * warning naming the first, so no citation is doubled; file names with bidi controls or invisible marks are
 * cleaned before they are stored and escaped where a folder's name is shown.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebAdapter } from '../../adapters/web/index.js';
import { createApp, type App } from '../../src/app.js';
import { coreConfigSchema, loadConfig } from '../../src/config.js';
import { ingestDirectory } from '../../src/ingest/index.js';
import { safeFileName } from '../../src/library.js';
import { silentLogger } from '../../src/logger.js';
import { createHttpServer } from '../../src/server/http.js';
import { encodeGb18030 } from '../helpers/gbk.js';
import { samplesDir } from '../helpers/samples.js';

const QINGTIAN = '2021-青田县政务公开工作要点.txt';
const YIWU = '2021-义乌市政务公开工作要点.txt';
const TOKEN = 'dup-admin';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'yaodian-dup-'));
  mkdirSync(join(root, 'docs'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the same document twice in a folder', () => {
  it('loads once; the copy (same bytes, or the same text in GBK) is reported as a duplicate of the first', async () => {
    const text = readFileSync(join(samplesDir, QINGTIAN));
    writeFileSync(join(root, 'docs', 'a-青田要点.txt'), text);
    writeFileSync(join(root, 'docs', 'b-青田要点副本.txt'), text);
    writeFileSync(join(root, 'docs', 'c-青田要点GBK.txt'), encodeGb18030(text.toString('utf8')));
    copyFileSync(join(samplesDir, YIWU), join(root, 'docs', YIWU));
    const r = await ingestDirectory(join(root, 'docs'));
    expect(r.plans.map((p) => p.file)).toEqual([YIWU, 'a-青田要点.txt']);
    const dup = r.reports.filter((x) => x.error?.code === 'DUPLICATE');
    expect(dup.map((x) => x.file)).toEqual(['b-青田要点副本.txt', 'c-青田要点GBK.txt']);
    expect(dup[0]?.error?.message).toMatch(/^b-青田要点副本\.txt：与已载入的 a-青田要点\.txt 内容相同，已跳过/);
  });

  it('serves each item once: no citation appears twice', async () => {
    const text = readFileSync(join(samplesDir, QINGTIAN));
    writeFileSync(join(root, 'docs', QINGTIAN), text);
    writeFileSync(join(root, 'docs', '青田要点（另存）.txt'), text);
    const config = loadConfig(coreConfigSchema, { DATA_DIR: join(root, 'data') });
    const core = await createApp({ config, logger: silentLogger(), mode: 'serve', docsDir: join(root, 'docs') });
    try {
      expect(core.library.list().map((e) => e.plan.file)).toEqual([QINGTIAN]);
      expect(core.library.loadErrors).toMatchObject([{ file: '青田要点（另存）.txt', code: 'DUPLICATE' }]);
      const a = core.library.answer('依申请公开有什么要求');
      const refs = a.citations.map((c) => `${c.ref}${c.title}`);
      expect(refs.length).toBeGreaterThan(0);
      expect(new Set(refs).size).toBe(refs.length);
    } finally {
      await core.close();
    }
  });
});

describe('uploads', () => {
  let core: App;
  let app: FastifyInstance;

  beforeEach(async () => {
    copyFileSync(join(samplesDir, QINGTIAN), join(root, 'docs', QINGTIAN));
    const logger = silentLogger();
    core = await createApp({ config: loadConfig(coreConfigSchema, { DATA_DIR: join(root, 'data') }), logger, mode: 'serve', docsDir: join(root, 'docs') });
    app = createHttpServer({}, { logger });
    await createWebAdapter({ library: core.library, ledger: core.ledger, digests: core.digests, adminToken: TOKEN }, { logger, http: app }).start((m) => core.bot.handle(m));
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await core.close();
  });

  function upload(name: string, content: Buffer) {
    const boundary = '----dup';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return app.inject({ method: 'POST', url: '/api/documents', payload, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` } });
  }

  it('a document already loaded, uploaded under another name, is refused (409) and nothing changes', async () => {
    const r = await upload('青田要点.txt', readFileSync(join(samplesDir, QINGTIAN)));
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ error: 'DUPLICATE' });
    expect(r.json().message).toMatch(new RegExp(`^青田要点\\.txt：与已载入的 ${QINGTIAN.replace('.', '\\.')} 内容相同`));
    expect(core.library.list()).toHaveLength(1);
    expect(readdirSync(join(root, 'data', 'documents')).filter((f) => !f.startsWith('.'))).toEqual([]);
    // The same name is a replacement, not a duplicate.
    expect((await upload(QINGTIAN, readFileSync(join(samplesDir, QINGTIAN)))).statusCode).toBe(200);
  });

  it('bidi controls and invisible marks are removed from an uploaded file name', async () => {
    const yiwu = readFileSync(join(samplesDir, YIWU));
    const r = await upload('义乌\u202E要点\u200B.txt', yiwu);
    expect(r.statusCode).toBe(201);
    expect(r.json().document.id).toBe('义乌要点.txt');
    expect(readdirSync(join(root, 'data', 'documents'))).toContain('义乌要点.txt');
    // 报告\u202Efdp.exe shows as 报告exe.pdf; without the control it is the .exe it is.
    const exe = await upload('报告\u202Efdp.exe', Buffer.from('MZ'));
    expect(exe.statusCode).toBe(415);
    expect(exe.json().message).toContain('报告fdp.exe');
  });
});

describe('safeFileName', () => {
  it('removes every bidi control and invisible mark, keeps the rest', () => {
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C', '\u200B', '\uFEFF']) {
      expect(safeFileName(`2021${c}要点.txt`)).toBe('2021要点.txt');
    }
    expect(safeFileName('../2021年（修订）要点 v2.docx')).toBe('2021年（修订）要点 v2.docx');
  });
});

describe('a folder document with a bidi control in its name', () => {
  it('is listed with the control shown as <U+202E>, and still opens by its id', async () => {
    const name = '2021-义乌\u202E要点.txt';
    copyFileSync(join(samplesDir, YIWU), join(root, 'docs', name));
    const logger = silentLogger();
    const core = await createApp({ config: loadConfig(coreConfigSchema, { DATA_DIR: join(root, 'data') }), logger, mode: 'serve', docsDir: join(root, 'docs') });
    const app = createHttpServer({}, { logger });
    await createWebAdapter({ library: core.library, ledger: core.ledger, digests: core.digests }, { logger, http: app }).start((m) => core.bot.handle(m));
    try {
      const list = (await app.inject({ url: '/api/documents' })).json();
      expect(list.documents[0]).toMatchObject({ id: name, file: '2021-义乌<U+202E>要点.txt' });
      expect((await app.inject({ url: `/api/documents/${encodeURIComponent(name)}` })).statusCode).toBe(200);
    } finally {
      await app.close();
      await core.close();
    }
  });
});
