/**
 * A steady-load soak of the built server (its own process): questions from many browsers, the ledger, digests,
 * exports, document pages, and an upload of a different document every two seconds, for 60 s in the long half
 * (20 s in the quick one). The resident memory is sampled every second: it must level off (the highest sample of
 * the last third no more than 10 % + 25 MB over that of the middle third) and stay under idle + 400 MB; no request
 * may fail.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplesDir } from '../helpers/samples.js';
import { startServerProcess, type ServerProcess, uploadBody } from './server-process.js';
import { figure, LONG, random, SEED, SKIP_QUICK } from './support.js';

const SECONDS = Number(process.env['RELIABILITY_SOAK_SECONDS'] ?? (LONG ? 60 : 20));
const TOKEN = 'soak-admin';
const MB = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'yaodian-soak-'));
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ env: { DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN }, args: ['--docs', samplesDir] });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const QUESTIONS = [
  '依申请公开有什么要求',
  '青田县司法局负责哪些任务',
  '牵头的呢',
  '11月底前要完成哪些任务',
  '有哪些文件',
  '县财政局负责哪些任务',
  '政务新媒体怎么管理',
  '鹿城第16条',
  '逾期的任务',
  '浙江省要点二（三）是什么',
  '帮助',
  '今日摘要',
  '绑定 青田县财政局',
  '我局负责哪些任务',
  '义乌对照青田少了哪些',
];

const SAMPLE_FILES = ['2020-浙江省政务公开工作要点.txt', '2020-温州市鹿城区政务公开工作要点.txt', '2021-义乌市政务公开工作要点.txt', '2021-旌德县政务公开工作要点.txt', '2021-青田县政务公开工作要点.txt'];

describe.skipIf(SKIP_QUICK)(`a ${SECONDS} s steady-load soak`, () => {
  it('resident memory levels off; no request fails', async () => {
    const rnd = random(SEED);
    const docs = SAMPLE_FILES.map((f) => readFileSync(join(samplesDir, f)));
    const idle = server.rss();
    const stopAt = Date.now() + SECONDS * 1000;
    const samples: number[] = [];
    let requests = 0;
    let uploads = 0;
    const failures: string[] = [];
    const sampler = setInterval(() => samples.push(server.rss()), 1000);
    const get = async (path: string, init?: RequestInit) => {
      requests++;
      try {
        const r = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
        await r.arrayBuffer();
        if (r.status >= 500) failures.push(`${path}: ${r.status}`);
        return r.status;
      } catch (e) {
        failures.push(`${path}: ${e instanceof Error ? e.message : String(e)}`);
        return 0;
      }
    };
    const reader = async (k: number) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const r = rnd();
        if (r < 0.7) {
          const q = QUESTIONS[Math.floor(rnd() * QUESTIONS.length)] as string;
          await get('api/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q, chat: `soak-${k}-${i % 200}` }) });
        } else if (r < 0.8) await get('api/ledger?today=2021-10-01');
        else if (r < 0.86) await get(`api/digest?unit=${encodeURIComponent('青田县财政局')}&date=2021-11-25`);
        else if (r < 0.9) await get('api/units');
        else if (r < 0.94) await get('api/ledger.xlsx');
        else if (r < 0.97) await get('api/ledger.csv');
        else await get(`api/documents/${encodeURIComponent(SAMPLE_FILES[i % 5] as string)}`);
      }
    };
    const uploader = async () => {
      // A different document every two seconds (a unique last line, so none is a duplicate of another).
      for (let n = 0; Date.now() < stopAt; n++) {
        const { body, headers } = uploadBody(`轮换-${n % 3}.txt`, Buffer.concat([docs[n % docs.length] as Buffer, Buffer.from(`\n（轮换 ${n}）\n`)]));
        const status = await get('api/documents', { method: 'POST', body, headers: { ...headers, authorization: `Bearer ${TOKEN}` } });
        if (status === 200 || status === 201) uploads++;
        else failures.push(`upload ${n}: ${status}`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    await Promise.all([reader(0), reader(1), reader(2), uploader()]);
    clearInterval(sampler);
    const third = Math.floor(samples.length / 3);
    const max = (xs: number[]) => Math.max(...xs);
    const [first, middle, last] = [samples.slice(0, third), samples.slice(third, 2 * third), samples.slice(2 * third)].map(max) as [number, number, number];
    const mb = (n: number) => Math.round(n / MB);
    const group = 'steady-load soak';
    figure(group, 'seconds / requests / uploads', `${SECONDS} / ${requests} / ${uploads}`);
    figure(group, 'failed requests', failures.length);
    figure(group, 'RSS idle → peak of each third (MB)', `${mb(idle)} → ${mb(first)} / ${mb(middle)} / ${mb(last)}`);
    figure(group, 'RSS samples every 10 s (MB)', samples.filter((_, i) => i % 10 === 0).map(mb).join(' '));
    expect(failures).toEqual([]);
    expect(last).toBeLessThanOrEqual(middle * 1.1 + 25 * MB);
    expect(max(samples) - idle).toBeLessThan(400 * MB);
  }, (SECONDS + 120) * 1000);
});
