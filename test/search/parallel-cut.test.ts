/**
 * The parallel cut of a bulk build (src/search/parallel-cut.ts running the built dist/src/search/cut-worker.js):
 * the index it builds is byte for byte the one a build in one thread builds, whichever thread cuts which batch; a
 * worker that fails or falls silent costs time only; small builds do not start one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkPlan } from '../../src/model.js';
import { ItemIndex } from '../../src/search/index.js';
import type { ParallelCut, ParallelCutOptions } from '../../src/search/parallel-cut.js';
import { Tokenizer } from '../../src/search/tokenizer.js';
import { UnitDirectory } from '../../src/units/directory.js';
import { syntheticCorpus } from '../../bench/corpus.js';
import { requireBuild, ROOT } from '../reliability/server-process.js';
import { samplePlans } from '../helpers/samples.js';

const workerUrl = pathToFileURL(join(ROOT, 'dist', 'src', 'search', 'cut-worker.js'));
/** A worker module given as a data: URL (one that fails, one that never answers). */
const moduleUrl = (code: string) => new URL(`data:text/javascript,${encodeURIComponent(code)}`);

let plans: WorkPlan[];
let userDictPath: string;
beforeAll(async () => {
  requireBuild();
  const samples = await samplePlans();
  plans = [...samples, ...syntheticCorpus(samples, 30)];
  // An admin dictionary that changes cuts: the worker has to load it as well, in its place among the words.
  userDictPath = join(mkdtempSync(join(tmpdir(), 'yaodian-cut-')), 'user.dict');
  writeFileSync(userDictPath, '政务公开工作 300000 n\n网上造谣\n# a comment\n依申请公开办理 5 v\n');
});

/** The tokenizer a build over the plans cuts with: the user dictionary, then the units' names. */
function tokenizerFor(list: WorkPlan[]): Tokenizer {
  const tokenizer = new Tokenizer({ userDictPath });
  const directory = new UnitDirectory();
  for (const p of list) directory.addPlan(p);
  tokenizer.addWords(directory.words());
  tokenizer.addWords(['省大数据发展管理局', 'ai应用']);
  return tokenizer;
}

function build(list: WorkPlan[], cut?: ParallelCut): Buffer {
  const tokenizer = tokenizerFor(list);
  cut?.begin(tokenizer);
  const index = new ItemIndex(tokenizer);
  index.addPlans(list, cut);
  return Buffer.from(index.save());
}

const start = (options: ParallelCutOptions = {}) =>
  ItemIndex.parallelCut(plans, { workerUrl, minChars: 0, batchItems: 5, ...options }) as ParallelCut;

describe('the parallel cut', () => {
  it('replays a tokenizer: the same words, cuts and search cuts', () => {
    const original = tokenizerFor(plans);
    const copy = new Tokenizer();
    copy.replay(original.history());
    const texts = plans.flatMap((p) => p.items.slice(0, 20).map((it) => it.body));
    texts.push('政务公开工作要点里网上造谣怎么办', '依申请公开办理时限', '省大数据发展管理局的AI应用');
    for (const t of texts) {
      expect(copy.pieces(t)).toEqual(original.pieces(t));
      expect(copy.tokenize(t)).toEqual(original.tokenize(t));
    }
    expect(copy.userWords()).toEqual(original.userWords());
  });

  it('builds the index a single thread builds, when the worker cuts every batch', async () => {
    const single = build(plans);
    const cut = start();
    const tokenizer = tokenizerFor(plans);
    cut.begin(tokenizer);
    // Let the worker start and cut ahead before the index reads.
    await new Promise((r) => setTimeout(r, 1500));
    const index = new ItemIndex(tokenizer);
    index.addPlans(plans, cut);
    expect(cut.failure).toBeUndefined();
    expect(cut.fromWorker).toBeGreaterThan(0);
    expect(Buffer.from(index.save()).equals(single)).toBe(true);
  });

  it('builds the same index when this thread cuts batches too, while the worker is busy', () => {
    const single = build(plans);
    const cut = start({ batchItems: 3 });
    const parallel = build(plans, cut);
    expect(cut.failure).toBeUndefined();
    const batches = Math.ceil(plans.reduce((n, p) => n + p.items.length, 0) / 3);
    expect(cut.stolen + cut.fromWorker).toBe(batches);
    expect(parallel.equals(single)).toBe(true);
  });

  it('gives a failing worker up and cuts the rest itself: the same index', () => {
    const single = build(plans);
    const failing = moduleUrl(`
      import { workerData } from 'node:worker_threads';
      const signal = new Int32Array(workerData.signal);
      workerData.port.postMessage({ error: 'jieba 词典加载失败' });
      Atomics.add(signal, 0, 1);
      Atomics.notify(signal, 0);
    `);
    const cut = start({ workerUrl: failing });
    expect(build(plans, cut).equals(single)).toBe(true);
    expect(cut.failure).toBe('jieba 词典加载失败');
  });

  it('gives a silent worker up after its stall limit: the same index', () => {
    const single = build(plans);
    // It claims every batch and posts none (a worker stuck in its first batch).
    const silent = moduleUrl(`
      import { workerData } from 'node:worker_threads';
      Atomics.store(new Int32Array(workerData.signal), 1, 1 << 30);
    `);
    const cut = start({ workerUrl: silent, stallMs: 300 });
    expect(build(plans, cut).equals(single)).toBe(true);
    expect(cut.failure).toBe('no batch from the worker for 300 ms');
    expect(cut.stolen).toBe(0);
  });

  it('starts no worker for a small build, nor where there is no compiled worker', () => {
    expect(ItemIndex.parallelCut(plans, { workerUrl })).toBeUndefined();
    expect(ItemIndex.parallelCut(plans, { minChars: 0 })).toBeUndefined();
  });
});
