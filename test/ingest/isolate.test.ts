/**
 * The parse worker (src/ingest/isolate.ts running the built dist/src/ingest/worker.js): the same plans and the same
 * errors as loading in the process; a document over its time or heap limit gets a Chinese error and the next one
 * a fresh worker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YaodianError } from '../../src/errors.js';
import { createParseIsolate, loadDocument, type ParseIsolate } from '../../src/ingest/index.js';
import { docxBomb } from '../reliability/bombs.js';
import { requireBuild, ROOT } from '../reliability/server-process.js';
import { samplesDir } from '../helpers/samples.js';
import { buildDocx, sampleDocxParagraphs } from './docx-builder.js';

const workerUrl = pathToFileURL(join(ROOT, 'dist', 'src', 'ingest', 'worker.js'));
const FILE = '2021-旌德县政务公开工作要点.txt';
const text = readFileSync(join(samplesDir, FILE));

async function failure(p: Promise<unknown>): Promise<YaodianError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof YaodianError) return e;
    throw e;
  }
  throw new Error('expected a YaodianError');
}

let isolate: ParseIsolate;
beforeAll(() => {
  requireBuild();
  isolate = createParseIsolate({ workerUrl }) as ParseIsolate;
});
afterAll(() => isolate?.close());

describe('the parse worker', () => {
  it('loads to the same plan as the process, for text and for Word', async () => {
    expect(await loadDocument(text, FILE, { isolate })).toEqual(await loadDocument(text, FILE));
    const docx = buildDocx(sampleDocxParagraphs());
    expect(await loadDocument(docx, '要点.docx', { isolate })).toEqual(await loadDocument(docx, '要点.docx'));
  });

  it('passes the loader’s errors through with their code and message', async () => {
    const bomb = await failure(loadDocument(docxBomb({ entries: 3, mib: 100 }), '炸弹.docx', { isolate }));
    expect(bomb.code).toBe('FILE_TOO_LARGE');
    expect(bomb.message).toMatch(/^炸弹\.docx：.*疑似“压缩炸弹”/);
    const empty = await failure(loadDocument(new Uint8Array(0), '空.txt', { isolate }));
    expect(empty.code).toBe('FILE_EMPTY');
    expect(empty.user).toBe(true);
  });

  it('a document over its time limit is stopped, and the next one gets a fresh worker', async () => {
    const slow = createParseIsolate({ workerUrl, timeoutMs: 1 }) as ParseIsolate;
    try {
      const e = await failure(slow.load(text, FILE));
      expect(e.code).toBe('FILE_TOO_LARGE');
      expect(e.message).toMatch(new RegExp(`^${FILE.replace('.', '\\.')}：解析超过 0 秒仍未完成，已停止`));
      const again = await failure(slow.load(text, FILE));
      expect(again.code).toBe('FILE_TOO_LARGE');
      expect(slow.started).toBe(2);
    } finally {
      await slow.close();
    }
  });

  it('a document over its heap limit is stopped with a Chinese message, and the worker is replaced', async () => {
    const small = createParseIsolate({ workerUrl, maxHeapMb: 4 }) as ParseIsolate;
    try {
      const big = Buffer.from(Array.from({ length: 200 }, () => text.toString('utf8')).join('\n'));
      const e = await failure(small.load(big, '大文件.txt'));
      expect(e.code).toBe('FILE_TOO_LARGE');
      expect(e.message).toMatch(/^大文件\.txt：解析时占用内存超过 4 MB，已停止/);
      expect(small.started).toBe(1);
      await failure(small.load(big, '大文件.txt'));
      expect(small.started).toBe(2);
    } finally {
      await small.close();
    }
  });

  it('queued documents load one after another, each with its own answer', async () => {
    const files = ['2020-浙江省政务公开工作要点.txt', '2021-义乌市政务公开工作要点.txt', FILE];
    const plans = await Promise.all(files.map((f) => loadDocument(readFileSync(join(samplesDir, f)), f, { isolate })));
    expect(plans.map((p) => p.plan.file)).toEqual(files);
  });

  it('after close it refuses work instead of hanging', async () => {
    const closed = createParseIsolate({ workerUrl }) as ParseIsolate;
    await closed.close();
    await expect(closed.load(text, FILE)).rejects.toThrow(/解析服务已停止/);
  });
});

describe('where there is no compiled worker (the sources run directly)', () => {
  it('there is no isolate, and callers load in the process', () => {
    expect(createParseIsolate()).toBeUndefined();
  });
});
