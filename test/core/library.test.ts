import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentLibrary, type LibraryOptions } from '../../src/library.js';
import { silentLogger } from '../../src/logger.js';
import { uploadStore } from '../../src/store/documents.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { WorkPlan } from '../../src/model.js';
import { samplesDir } from '../helpers/samples.js';

const QINGTIAN = '2021-青田县政务公开工作要点.txt';
const YIWU = '2021-义乌市政务公开工作要点.txt';
const JINGDE = '2021-旌德县政务公开工作要点.txt';
const QUESTIONS = ['依申请公开有什么要求', '青田县司法局牵头哪些工作', '义乌市数管中心负责哪些任务', '有哪些文件', '政务新媒体怎么管理'];
const ctx = { today: '2021-06-01' };

let root: string;
const libraries: DocumentLibrary[] = [];
const stores: Store[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'yd-lib-'));
  await mkdir(join(root, 'docs'));
  for (const f of [QINGTIAN, YIWU]) await copyFile(join(samplesDir, f), join(root, 'docs', f));
});

afterEach(async () => {
  for (const l of libraries.splice(0)) await l.close();
  for (const s of stores.splice(0)) await s.close();
  await rm(root, { recursive: true, force: true });
});

async function open(extra: Partial<LibraryOptions> = {}, data = 'data'): Promise<DocumentLibrary> {
  const lib = await DocumentLibrary.open({
    docsDir: join(root, 'docs'),
    uploadDir: join(root, data, 'documents'),
    snapshotPath: join(root, data, 'index.snapshot'),
    logger: silentLogger(),
    ...extra,
  });
  libraries.push(lib);
  return lib;
}

async function restart(lib: DocumentLibrary, extra: Partial<LibraryOptions> = {}, data = 'data'): Promise<DocumentLibrary> {
  await lib.close();
  libraries.splice(libraries.indexOf(lib), 1);
  return open(extra, data);
}

const answers = (lib: DocumentLibrary) => QUESTIONS.map((q) => lib.answer(q, ctx));

describe('document library', () => {
  it('restarts from its snapshot without parsing, answering as before', async () => {
    const first = await open();
    expect(first.startup).toMatchObject({ snapshot: false, parsed: 2 });
    const before = answers(first);
    const again = await restart(first);
    expect(again.startup).toEqual({ snapshot: true, fromSnapshot: 2, parsed: 0 });
    expect(answers(again)).toEqual(before);
    expect(again.list().map((e) => [e.plan.file, e.source, e.report.items])).toEqual(first.list().map((e) => [e.plan.file, e.source, e.report.items]));
    // Each document's load report, read from the snapshot when listed, is the one the first start made; and a
    // restart after a restart keeps it.
    expect(again.list().map((e) => e.report)).toEqual(first.list().map((e) => e.report));
    const third = await restart(again);
    expect(third.list().map((e) => e.report)).toEqual(first.list().map((e) => e.report));
  });

  it('keeps a document that failed in its snapshot: a restart reports it again without reading it', async () => {
    await writeFile(join(root, 'docs', '损坏.docx'), Buffer.from('not a zip at all'));
    const first = await open();
    const error = first.loadErrors.find((e) => e.file === '损坏.docx');
    expect(error?.code).toBeTruthy();
    const again = await restart(first);
    expect(again.startup).toEqual({ snapshot: true, fromSnapshot: 3, parsed: 0 });
    expect(again.loadErrors).toEqual(first.loadErrors);
    // A change writes a new snapshot (the old file is let go): the reports read from the old one are kept.
    await again.put('新增.txt', await readFile(join(samplesDir, JINGDE)));
    const third = await restart(again);
    expect(third.startup).toMatchObject({ snapshot: true, parsed: 0 });
    expect(third.loadErrors).toEqual(first.loadErrors);
    const reports = (lib: DocumentLibrary) => lib.list().filter((e) => e.plan.file !== '新增.txt').map((e) => e.report);
    expect(reports(third)).toEqual(reports(first));
    expect(third.get('新增.txt')?.report.items).toBeGreaterThan(0);
  });

  it('parses only a document that changed or is new since the snapshot', async () => {
    for (const f of ['2020-浙江省政务公开工作要点.txt', '2020-温州市鹿城区政务公开工作要点.txt']) await copyFile(join(samplesDir, f), join(root, 'docs', f));
    const first = await restart(await open());
    await copyFile(join(samplesDir, JINGDE), join(root, 'docs', YIWU)); // same name, other content
    await copyFile(join(samplesDir, JINGDE), join(root, 'docs', JINGDE));
    const again = await restart(first);
    expect(again.startup).toEqual({ snapshot: true, fromSnapshot: 3, parsed: 2 });
    expect(again.get(YIWU)?.plan.title).toMatch(/旌德/);
    expect(again.answer('旌德县数据资源局负责哪些任务', ctx).citations.length).toBeGreaterThan(0);
    // A document gone from the folder is gone from the answers.
    await rm(join(root, 'docs', JINGDE));
    await rm(join(root, 'docs', YIWU));
    const third = await restart(again);
    expect(third.startup).toEqual({ snapshot: true, fromSnapshot: 3, parsed: 0 });
    expect(third.plans().map((p) => p.file)).not.toContain(YIWU);
    expect(third.plans().map((p) => p.file)).not.toContain(JINGDE);
    expect(third.answer('有哪些文件', ctx).text).not.toMatch(/旌德/);
  });

  it('writes a new snapshot without reading the plans it loaded lazily, and the next start reads it', async () => {
    const first = await restart(await open());
    const lazy = first.get(QINGTIAN)?.plan as object;
    expect(first.get(QINGTIAN)?.report.items).toBeGreaterThan(0);
    expect(Object.getOwnPropertyDescriptor(lazy, 'items')?.get).toBeTypeOf('function');
    await first.put('旌德要点.txt', await readFile(join(samplesDir, JINGDE)));
    await first.close(); // writes the snapshot now
    expect(Object.getOwnPropertyDescriptor(lazy, 'items')?.get).toBeTypeOf('function');
    const again = await open();
    expect(again.startup).toEqual({ snapshot: true, fromSnapshot: 3, parsed: 0 });
    expect(again.get(QINGTIAN)?.plan.items.length).toBe(again.get(QINGTIAN)?.report.items);
    expect(again.answer('旌德县数据资源局负责哪些任务', ctx).citations.length).toBeGreaterThan(0);
  });

  it('reads a plan it loaded lazily from the newer snapshot once that one is written, the older file let go', async () => {
    const first = await restart(await open());
    const lazy = first.get(QINGTIAN)?.plan as WorkPlan;
    const items = first.get(QINGTIAN)?.report.items;
    const path = join(root, 'data', 'index.snapshot');
    const before = (await stat(path)).mtimeMs;
    await first.put('旌德要点.txt', await readFile(join(samplesDir, JINGDE)));
    // The snapshot is written a moment after a change, while the library keeps answering.
    for (let waited = 0; (await stat(path)).mtimeMs === before; waited += 50) {
      if (waited > 10_000) throw new Error('no snapshot written');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(Object.getOwnPropertyDescriptor(lazy, 'items')?.get).toBeTypeOf('function');
    expect(lazy.items.length).toBe(items);
    expect(lazy.items[0]?.body.length).toBeGreaterThan(0);
    expect(lazy.lines.length).toBeGreaterThan(0);
  });

  it('the same text under a second name loads once across restarts, without reading the snapshot plans, and loads when the first goes', async () => {
    const first = await restart(await open());
    await copyFile(join(samplesDir, QINGTIAN), join(root, 'docs', '青田要点-副本.txt'));
    const again = await restart(first);
    // The snapshot's plans kept their texts on disk: the twin was found by the stored text key.
    expect(Object.getOwnPropertyDescriptor(again.get(QINGTIAN)?.plan as object, 'items')?.get).toBeTypeOf('function');
    expect(again.plans().map((p) => p.file).sort()).toEqual([QINGTIAN, YIWU].sort());
    expect(again.loadErrors).toEqual([expect.objectContaining({ file: '青田要点-副本.txt', code: 'DUPLICATE', message: expect.stringContaining(QINGTIAN) })]);
    expect(again.answer('依申请公开有什么要求', ctx).citations.every((c) => c.file !== '青田要点-副本.txt')).toBe(true);
    // An upload of the same text under a third name is refused.
    await expect(again.put('又一份青田.txt', await readFile(join(samplesDir, QINGTIAN)))).rejects.toMatchObject({ code: 'DUPLICATE' });
    // The first copy gone: the second loads.
    await rm(join(root, 'docs', QINGTIAN));
    const third = await restart(again);
    expect(third.plans().map((p) => p.file).sort()).toEqual(['青田要点-副本.txt', YIWU].sort());
    expect(third.loadErrors).toEqual([]);
    expect(third.answer('依申请公开有什么要求', ctx).citations.some((c) => c.file === '青田要点-副本.txt')).toBe(true);
  });

  it('ignores a damaged snapshot and rebuilds', async () => {
    const first = await open();
    await first.close();
    await writeFile(join(root, 'data', 'index.snapshot'), 'not a snapshot');
    const again = await restart(first);
    expect(again.startup).toMatchObject({ snapshot: false, parsed: 2 });
    expect(again.answer('依申请公开有什么要求', ctx).citations.length).toBeGreaterThan(0);
  });

  it('an upload touches only its document: same answerer, the others unchanged, questions answered throughout', async () => {
    const lib = await open();
    const engine = lib.answerer;
    const version = engine.version;
    const before = lib.answer('义乌市数管中心负责哪些任务', ctx);
    const upload = lib.put('旌德要点.txt', await readFile(join(samplesDir, JINGDE)));
    // Until the new document is applied, the old documents answer.
    expect(lib.answer('旌德县数据资源局负责哪些任务', ctx).citations).toEqual([]);
    await upload;
    expect(lib.answerer).toBe(engine);
    expect(engine.version).toBe(version + 1);
    expect(lib.answer('旌德县数据资源局负责哪些任务', ctx).citations.every((c) => c.file === '旌德要点.txt')).toBe(true);
    expect(lib.answer('义乌市数管中心负责哪些任务', ctx)).toEqual(before);
    // The snapshot written after the upload holds it: a restart parses nothing.
    const again = await restart(lib);
    expect(again.startup).toEqual({ snapshot: true, fromSnapshot: 3, parsed: 0 });
    expect(await again.remove('旌德要点.txt')).toBe(true);
    expect(again.answer('旌德县数据资源局负责哪些任务', ctx).citations).toEqual([]);
  });
});

describe('documents shared through the store', () => {
  async function sqliteStore(): Promise<Store> {
    const s = await openStore({ dataDir: join(root, 'db') });
    stores.push(s);
    return s;
  }

  it('an upload made by one instance is read by another from the store, a removal too', async () => {
    const store = await sqliteStore();
    const a = await open({ store: uploadStore(store) }, 'a');
    await a.put('旌德要点.txt', await readFile(join(samplesDir, JINGDE)));
    const uploads = await uploadStore(store).uploads();
    expect(uploads.map((u) => u.file)).toEqual(['旌德要点.txt']);
    // Another instance, with its own data folder: the upload comes from the store.
    const b = await open({ store: uploadStore(store) }, 'b');
    expect(b.get('旌德要点.txt')?.source).toBe('upload');
    expect(b.answer('旌德县数据资源局负责哪些任务', ctx).citations.length).toBeGreaterThan(0);
    // A folder document removed in one instance stays out in the others.
    expect(await a.remove(YIWU)).toBe(true);
    expect(await uploadStore(store).removedFiles()).toEqual([YIWU]);
    const c = await open({ store: uploadStore(store) }, 'c');
    expect(c.plans().map((p) => p.file).sort()).toEqual([QINGTIAN, '旌德要点.txt'].sort());
  });

  it('an upload left in the upload folder by an older version moves into the store', async () => {
    await mkdir(join(root, 'old', 'documents'), { recursive: true });
    await copyFile(join(samplesDir, JINGDE), join(root, 'old', 'documents', '旧上传.txt'));
    const store = await sqliteStore();
    const lib = await open({ store: uploadStore(store) }, 'old');
    expect(lib.get('旧上传.txt')?.source).toBe('upload');
    expect((await uploadStore(store).uploads()).map((u) => u.file)).toEqual(['旧上传.txt']);
  });
});

const pgUrl = process.env['YAODIAN_TEST_DATABASE_URL'];

describe.skipIf(!pgUrl)('documents shared through PostgreSQL', () => {
  it('an instance applies another instance’s upload and removal as they happen (LISTEN/NOTIFY)', async () => {
    // A database of its own, so that the store's PostgreSQL test (which drops its tables) may run alongside.
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: pgUrl as string });
    await admin.connect();
    const exists = await admin.query("select 1 from pg_database where datname = 'yaodian_library_test'");
    if (!exists.rowCount) await admin.query('create database yaodian_library_test');
    await admin.end();
    const url = new URL(pgUrl as string);
    url.pathname = '/yaodian_library_test';
    const s1 = await openStore({ databaseUrl: url.href });
    const s2 = await openStore({ databaseUrl: url.href });
    stores.push(s1, s2);
    await s1.db.deleteFrom('uploads').execute();
    await s1.db.deleteFrom('removed_documents').execute();
    const a = await open({ store: uploadStore(s1) }, 'a');
    const b = await open({ store: uploadStore(s2) }, 'b');
    await a.put('旌德要点.txt', await readFile(join(samplesDir, JINGDE)));
    await until(() => !!b.get('旌德要点.txt'));
    expect(b.answer('旌德县数据资源局负责哪些任务', ctx).citations.length).toBeGreaterThan(0);
    await a.remove('旌德要点.txt');
    await until(() => !b.get('旌德要点.txt'));
    expect(b.answer('旌德县数据资源局负责哪些任务', ctx).citations).toEqual([]);
  });
});

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
