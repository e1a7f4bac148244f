/**
 * Seeded document mutations (10,000 in the long half, a few hundred in the quick one) through the loader, in the
 * parse worker as uploads run it: each gives a plan or a Chinese YaodianError naming the file — never an internal
 * error (a crash), never more than 2 s (a hang: over the limit beside the other worker, and again when timed alone). Then mutated uploads against a running server: a refused one
 * leaves the previous version of the document serving, and answers keep coming.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isYaodianError } from '../../src/errors.js';
import { createParseIsolate, type ParseIsolate, parseLimitOf } from '../../src/ingest/index.js';
import { samplesDir } from '../helpers/samples.js';
import { mutate, pickSample, type Sample, sampleDocuments } from './mutate.js';
import { requireBuild, ROOT, startServerProcess, type ServerProcess, uploadBody } from './server-process.js';
import { figure, LONG, random, SEED, SKIP_QUICK } from './support.js';

const MUTATIONS = Number(process.env['RELIABILITY_MUTATIONS'] ?? (LONG ? 10_000 : 300));
const UPLOADS = LONG ? 20 : 10;
// A hang is a document over 2 s (the long half, run alone); the quick half shares the cores with the rest of
// `npm test`, so it allows 5 s (still far below what the quadratic regexes it caught took: 6 to 38 s).
const HANG_MS = LONG ? 2000 : 5000;

let samples: Sample[];
let isolates: ParseIsolate[];
/** A document over the limit is timed again here after the run, alone, with room to finish (see below). */
let retry: ParseIsolate;

beforeAll(async () => {
  requireBuild();
  samples = await sampleDocuments();
  const workerUrl = pathToFileURL(join(ROOT, 'dist', 'src', 'ingest', 'worker.js'));
  // Two workers, as many as the cores CI has; each stops a document at HANG_MS.
  isolates = [0, 1].map(() => createParseIsolate({ workerUrl, timeoutMs: HANG_MS }) as ParseIsolate);
  retry = createParseIsolate({ workerUrl, timeoutMs: 30_000 }) as ParseIsolate;
  for (const s of samples) await retry.load(s.bytes, s.name);
  // Each format's reader loaded once per worker first: the 2 s are for a document, not for importing a library.
  for (const isolate of isolates) for (const s of samples) await isolate.load(s.bytes, s.name);
}, 120_000);

afterAll(async () => {
  await Promise.all([...(isolates ?? []), ...(retry ? [retry] : [])].map((i) => i.close()));
});

interface Finding {
  n: number;
  file: string;
  what: string;
  error: string;
}

describe.skipIf(SKIP_QUICK)(`${MUTATIONS} seeded document mutations (seed ${SEED})`, () => {
  it(`each gives a plan or a Chinese error naming the file: no crash, no hang over ${HANG_MS / 1000} s`, async () => {
    const rnd = random(SEED);
    // The mutations are drawn in order from the seed, so that the same seed gives the same documents.
    const jobs = Array.from({ length: MUTATIONS }, (_, n) => {
      const sample = pickSample(samples, rnd);
      return { n, sample, ...mutate(sample.bytes, rnd) };
    });
    const crashes: Finding[] = [];
    const hangs: Finding[] = [];
    const unnamed: Finding[] = [];
    let loaded = 0;
    let refused = 0;
    let overMemory = 0;
    let slowOnce = 0;
    const overLimit: { job: (typeof jobs)[number]; finding: Finding }[] = [];
    let slowest = 0;
    let next = 0;
    const started = Date.now();
    await Promise.all(
      isolates.map(async (isolate) => {
        for (;;) {
          const job = jobs[next++];
          if (!job) return;
          const t = performance.now();
          try {
            await isolate.load(job.bytes, job.sample.name);
            loaded++;
          } catch (e) {
            const finding = { n: job.n, file: job.sample.name, what: job.what, error: e instanceof Error ? e.message : String(e) };
            const limit = parseLimitOf(e);
            if (limit === 'time') overLimit.push({ job, finding });
            else if (limit === 'memory') overMemory++;
            else if (!isYaodianError(e) || !e.user) crashes.push(finding);
            else {
              refused++;
              if (!e.message.startsWith(job.sample.name)) unnamed.push(finding);
            }
          }
          slowest = Math.max(slowest, performance.now() - t);
        }
      }),
    );
    // Over the limit while the other worker (and anything else on the machine) competed for the cores: timed
    // again after the run, one at a time. A hang is a document over the limit both times.
    for (const { job, finding } of overLimit) {
      const again = performance.now();
      await retry.load(job.bytes, job.sample.name).catch(() => undefined);
      const ms = performance.now() - again;
      if (ms > HANG_MS) hangs.push({ ...finding, error: `${finding.error} (${Math.round(ms)} ms alone)` });
      else slowOnce++;
    }
    const group = 'document mutations';
    figure(group, 'mutations', MUTATIONS, `seed ${SEED}`);
    figure(group, 'loaded / refused with a message', `${loaded} / ${refused}`);
    figure(group, 'crashes (internal errors)', crashes.length);
    figure(group, `hangs (over ${HANG_MS} ms, and again alone)`, hangs.length);
    figure(group, `over ${HANG_MS} ms beside the other worker, under it alone`, slowOnce);
    figure(group, 'stopped at the worker heap limit', overMemory);
    figure(group, 'slowest load (ms)', Math.round(slowest));
    figure(group, 'seconds', Math.round((Date.now() - started) / 1000));
    expect(crashes).toEqual([]);
    expect(hangs).toEqual([]);
    expect(unnamed).toEqual([]);
    expect(loaded + refused + overMemory + slowOnce).toBe(MUTATIONS);
  }, 1_800_000);
});

describe.skipIf(SKIP_QUICK)('mutated uploads against a running server', () => {
  let server: ServerProcess;
  const TOKEN = 'mutation-admin';

  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    server = await startServerProcess({ env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'yaodian-mutations-')), ADMIN_TOKEN: TOKEN }, args: ['--docs', samplesDir] });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  async function upload(name: string, bytes: Buffer): Promise<{ status: number; items?: number }> {
    const { body, headers } = uploadBody(name, bytes);
    const r = await fetch(`${server.url}api/documents`, { method: 'POST', body, headers: { ...headers, authorization: `Bearer ${TOKEN}` } });
    const json = (await r.json()) as { document?: { items: number } };
    return { status: r.status, ...(json.document ? { items: json.document.items } : {}) };
  }

  it('a refused upload leaves the previous version serving; no 5xx; answers keep coming', async () => {
    const rnd = random(SEED ^ 0x5eed);
    // The current version of each uploaded name: its item count as the server reported it.
    const current = new Map<string, number>();
    let fivexx = 0;
    let refusals = 0;
    let kept = 0;
    for (let n = 0; n < UPLOADS; n++) {
      const sample = pickSample(samples, rnd);
      const name = `变异-${sample.name}`;
      if (!current.has(name)) {
        const first = await upload(name, sample.bytes);
        if (first.status < 300) current.set(name, first.items as number);
      }
      const { bytes } = mutate(sample.bytes, rnd);
      const r = await upload(name, bytes);
      if (r.status >= 500) fivexx++;
      if (r.status < 300) current.set(name, r.items as number);
      else refusals++;
      // What the server serves under the name is the last accepted version.
      const expected = current.get(name);
      const got = await fetch(`${server.url}api/documents/${encodeURIComponent(name)}`);
      if (expected === undefined) expect(got.status).toBe(404);
      else {
        expect(got.status).toBe(200);
        expect(((await got.json()) as { items: unknown[] }).items.length).toBe(expected);
        if (r.status >= 300) kept++;
      }
      const ask = await fetch(`${server.url}api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: '依申请公开有什么要求' }) });
      expect(ask.status).toBe(200);
      expect(((await ask.json()) as { citations: unknown[] }).citations.length).toBeGreaterThan(0);
    }
    figure('document mutations', 'mutated uploads / refused / previous version kept serving', `${UPLOADS} / ${refusals} / ${kept}`);
    figure('document mutations', 'uploads answered 5xx', fivexx);
    expect(fivexx).toBe(0);
    expect(server.child.exitCode).toBeNull();
  }, 600_000);
});
