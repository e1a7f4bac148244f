/**
 * Benchmark: the answer engine at 1,000 and 10,000 synthetic documents against its peers, every figure from one
 * run so that the machine's noise cancels in the ratios.
 *
 *   npm run bench                  the human-readable report
 *   npm run bench -- --json        one JSON object: { docs1k: {...}, docs10k: {...}, samples: {...}, details: {...} }
 *   options: --small N (1000) --big N (10000, 0 to skip) --questions N (1200) --seconds N (HTTP load, 10)
 *
 * Each measurement runs in its own process (this file with --role), so memory and cold starts are measured as a
 * restart would see them: the engine (a cold build, answers one at a time without the answer memory, RSS), build
 * throughput (raw jieba and the build taking turns in one process, medians), the peer (SQLite FTS5 over the same
 * tokens and questions), the restart (the core as serve builds it over the documents written as text, from its
 * snapshot, to a first answer, three times, the median kept; then uploads one at a time), the server under load
 * (/api/ask, 50 keep-alive connections, after one warm-up pass over the questions) and the server idle on the samples.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDirectory } from '../src/parse/index.js';
import { benchQuestions, syntheticCorpus, writeCorpus } from './corpus.js';
import type { EngineResult } from './engine.js';
import { type LoadResult, loadAsk, startServe } from './http.js';
import type { PeerResult } from './peer.js';
import type { RestartResult } from './restart.js';
import type { ThroughputResult } from './throughput.js';
import { median, round, rssOfPid, settledRssMB } from './stats.js';

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const num = (name: string, fallback: number) => (arg(name) === undefined ? fallback : Number(arg(name)));
const say = (s: string) => process.stderr.write(`${s}\n`);

function root(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
  return dir;
}

async function corpusOf(n: number) {
  const { plans } = await loadDirectory(join(root(), 'samples'));
  return syntheticCorpus(plans, n);
}

/**
 * Run one measurement in a fresh process; its result is the last line it prints. Each role imports only what it
 * measures, so that its memory is the engine's, not the bench's.
 */
function child<T>(role: string, params: Record<string, unknown>): T {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--role', role, '--params', JSON.stringify(params)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`bench ${role} failed (${r.status ?? r.signal})`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}

async function runRole(role: string, params: Record<string, unknown>): Promise<unknown> {
  switch (role) {
    case 'engine':
      return (await import('./engine.js')).runEngine(await corpusOf(params['n'] as number), params['questions'] as number);
    case 'peer':
      return (await import('./peer.js')).runPeers(await corpusOf(params['n'] as number), params['questions'] as number);
    case 'throughput':
      return (await import('./throughput.js')).runThroughput(await corpusOf(params['n'] as number), params['rounds'] as number);
    case 'restart':
      return (await import('./restart.js')).runRestart(params as unknown as Parameters<typeof import('./restart.js').runRestart>[0]);
    default:
      throw new Error(`unknown role ${role}`);
  }
}

interface Scale {
  engine: EngineResult;
  throughput: ThroughputResult;
  peer: PeerResult;
}

async function main(): Promise<void> {
  const json = argv.includes('--json');
  const small = num('small', 1000);
  const big = num('big', 10000);
  const questions = num('questions', 1200);
  const seconds = num('seconds', 10);
  const entry = join(root(), 'dist', 'index.js');
  const work = mkdtempSync(join(tmpdir(), 'yaodian-bench-'));
  say(`node ${process.version}; working in ${work}`);
  try {
    const scales: Record<number, Scale> = {};
    for (const n of big > 0 ? [small, big] : [small]) {
      say(`${n} documents: engine…`);
      const engine = child<EngineResult>('engine', { n, questions });
      say(`${n} documents: build against raw jieba…`);
      const throughput = child<ThroughputResult>('throughput', { n, rounds: n > small ? 2 : 3 });
      say(`${n} documents: SQLite FTS5…`);
      const peer = child<PeerResult>('peer', { n, questions });
      scales[n] = { engine, throughput, peer };
    }

    // Restart and uploads, over the small corpus written as text documents.
    const corpus = await corpusOf(small + 5);
    const docsDir = join(work, 'docs');
    writeCorpus(corpus.slice(0, small), docsDir);
    const uploadsDir = join(work, 'uploads');
    const uploads = writeCorpus(corpus.slice(small), uploadsDir).map((f) => join(uploadsDir, f));
    const question = benchQuestions(corpus.slice(0, small), 1)[0]?.q ?? '依申请公开有什么要求';
    const restartData = join(work, 'restart-data');
    say(`${small} documents as text: first start (no snapshot yet)…`);
    const cold = child<RestartResult>('restart', { docsDir, dataDir: restartData, question, uploads: [] });
    // Three restarts from the same snapshot, each a fresh process (the first two change nothing, so the snapshot
    // stays as the first start wrote it): one run of some 150 ms is at the mercy of the machine; the median is kept.
    say(`${small} documents as text: restart (three times, the last followed by ${uploads.length} uploads)…`);
    const restarts = [0, 1].map(() => child<RestartResult>('restart', { docsDir, dataDir: restartData, question, uploads: [] }));
    const warm = child<RestartResult>('restart', { docsDir, dataDir: restartData, question, uploads });
    restarts.push(warm);
    const restartRuns = restarts.map((r) => r.firstAnswerMs);
    const restartMs = median(restartRuns);

    say(`${small} documents: serve under load (${seconds} s, 50 connections)…`);
    const server = await startServe(entry, { docsDir, dataDir: join(work, 'serve-data'), cwd: work });
    let load: LoadResult;
    let warmup: LoadResult;
    let serveRssLoaded: number | undefined;
    try {
      const qs = benchQuestions(corpus.slice(0, small), questions);
      // Warm-up: every question once (what a server that has been answering holds in its answer memory).
      warmup = await loadAsk(server.url, qs, { connections: 50, seconds: 0, warmupSeconds: 0, total: qs.length });
      load = await loadAsk(server.url, qs, { connections: 50, seconds, warmupSeconds: 1 });
      serveRssLoaded = rssOfPid(server.pid);
    } finally {
      await server.stop();
    }

    say('samples: serve idle (first start, then a restart; 45 s each)…');
    const idleData = join(work, 'idle-data');
    const idleRss: (number | undefined)[] = [];
    const idleSoon: (number | undefined)[] = [];
    for (let i = 0; i < 2; i++) {
      const idle = await startServe(entry, { dataDir: idleData, cwd: work });
      await new Promise((r) => setTimeout(r, 3000));
      idleSoon.push(rssOfPid(idle.pid));
      idleRss.push(await settledRssMB(idle.pid, 45));
      await idle.stop();
    }

    const s = scales[small] as Scale;
    const b = scales[big];
    const idleMax = idleRss.every((r) => r !== undefined) ? Math.max(...(idleRss as number[])) : undefined;
    const result = {
      docs1k: {
        chars: s.throughput.chars,
        buildMs: round(s.throughput.buildMs, 1),
        jiebaMs: round(s.throughput.jiebaMs, 1),
        p50Ms: round(s.engine.p50Ms),
        p99Ms: round(s.engine.p99Ms),
        fts5P99Ms: round(s.peer.fts5P99Ms),
        rssMB: round(s.engine.rssMB, 1),
        snapshotLoadMs: round(restartMs, 1),
        addOneDocMs: round(warm.addOneDocMs, 1),
        httpAnswersPerSec: round(load.answersPerSec, 0),
        httpP99Ms: round(load.p99Ms),
      },
      ...(b
        ? { docs10k: { buildMs: round(b.throughput.buildMs, 1), jiebaMs: round(b.throughput.jiebaMs, 1), p99Ms: round(b.engine.p99Ms), fts5P99Ms: round(b.peer.fts5P99Ms), rssMB: round(b.engine.rssMB, 1) } }
        : {}),
      samples: {
        serveIdleRssMB: idleMax === undefined ? null : round(idleMax, 1),
        serveIdleRssRunsMB: idleRss.map((r) => (r === undefined ? null : round(r, 1))),
        serveRssAfter3sMB: idleSoon.map((r) => (r === undefined ? null : round(r, 1))),
      },
      details: {
        sizes: [small, big],
        questions,
        docs1k: {
          engine: s.engine,
          throughput: s.throughput,
          peer: s.peer,
          coldStart: cold,
          restart: warm,
          restartRunsMs: restartRuns.map((ms) => round(ms, 1)),
          httpWarmup: warmup,
          http: load,
          serveStartMs: round(server.startMs, 0),
          serveRssUnderLoadMB: serveRssLoaded ?? null,
        },
        ...(b ? { docs10k: { engine: b.engine, throughput: b.throughput, peer: b.peer } } : {}),
      },
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    report(result.docs1k, s, b, cold, warm, restartRuns, warmup, load, idleRss, idleSoon, small, big);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function report(
  d: Record<string, number>,
  s: Scale,
  b: Scale | undefined,
  cold: RestartResult,
  warm: RestartResult,
  restartRuns: number[],
  warmup: LoadResult,
  load: LoadResult,
  idleRss: (number | undefined)[],
  idleSoon: (number | undefined)[],
  small: number,
  big: number,
): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO ');
  const scale = (n: number, x: Scale) => {
    const e = x.engine;
    const t = x.throughput;
    out(`${n} documents, ${e.items} items, ${(t.chars / 1e6).toFixed(2)} M chars`);
    out(`  build ${ms(t.buildMs)} (${(t.chars / t.buildMs / 1000).toFixed(2)} M chars/s; runs ${t.buildRuns.map(ms).join(', ')}; cold, in its own process: ${ms(e.buildMs)})`);
    out(`  raw jieba ${ms(t.jiebaMs)} (${(t.chars / t.jiebaMs / 1000).toFixed(2)} M chars/s; runs ${t.jiebaRuns.map(ms).join(', ')}); SQLite FTS5 insert ${ms(x.peer.fts5BuildMs)}`);
    out(`  answers: p50 ${ms(e.p50Ms)}, p99 ${ms(e.p99Ms)}, max ${ms(e.maxMs)}; FTS5 search p50 ${ms(x.peer.fts5P50Ms)}, p99 ${ms(x.peer.fts5P99Ms)}`);
    out(`  by intent: ${Object.entries(e.byIntent).map(([k, v]) => `${k} ${v.n}× p99 ${ms(v.p99Ms)}`).join('; ')}`);
    out(`  RSS ${e.rssMB.toFixed(0)} MB once idle, ${e.rssAfterMB.toFixed(0)} MB right after answering (heap ${e.heapMB.toFixed(0)} MB)`);
  };
  scale(small, s);
  if (b) scale(big, b);
  out(`restart over ${warm.documents - warm.addMs.length} text documents: first start ${ms(cold.firstAnswerMs)} (${cold.parsed} parsed), restart to first answer ${ms(d['snapshotLoadMs'] as number)} (median of ${restartRuns.map(ms).join(', ')}; ${warm.fromSnapshot} from the snapshot, ${warm.parsed} parsed); uploads ${warm.addMs.map(ms).join(', ')}`);
  out(`serve, ${small} documents, 50 connections: warm-up pass ${warmup.answersPerSec.toFixed(0)} answers/s (p99 ${ms(warmup.p99Ms)}); then ${load.answersPerSec.toFixed(0)} answers/s, p50 ${ms(load.p50Ms)}, p99 ${ms(load.p99Ms)}, ${load.errors} errors of ${load.requests}`);
  const mbs = (xs: (number | undefined)[]) => xs.map((r) => `${r?.toFixed(0) ?? '?'} MB`).join(' (first start), ');
  out(`serve on the samples, idle: RSS ${mbs(idleRss)} (restart); 3 s after start ${mbs(idleSoon)} (restart)`);
  out('');
  const idle = Math.max(...idleRss.map((r) => r ?? Infinity));
  out('acceptance (ratios from this run):');
  out(`  ${yes(s.throughput.jiebaMs / s.throughput.buildMs >= 0.5)} jiebaMs / buildMs ≥ 0.5 at ${small}: ${(s.throughput.jiebaMs / s.throughput.buildMs).toFixed(2)}`);
  if (b) {
    out(`  ${yes(b.throughput.jiebaMs / b.throughput.buildMs >= 0.5)} jiebaMs / buildMs ≥ 0.5 at ${big}: ${(b.throughput.jiebaMs / b.throughput.buildMs).toFixed(2)}`);
    out(`  ${yes(b.engine.p99Ms <= b.peer.fts5P99Ms)} p99 ≤ FTS5 p99 at ${big}: ${ms(b.engine.p99Ms)} vs ${ms(b.peer.fts5P99Ms)}`);
    out(`  ${yes(b.engine.p99Ms <= 3 * s.engine.p99Ms)} p99 at ${big} ≤ 3 × p99 at ${small}: ${(b.engine.p99Ms / s.engine.p99Ms).toFixed(2)}×`);
  }
  out(`  ${yes((d['snapshotLoadMs'] as number) <= 0.1 * s.throughput.buildMs)} restart to first answer ≤ 0.1 × build: ${((d['snapshotLoadMs'] as number) / s.throughput.buildMs).toFixed(3)}`);
  out(`  ${yes((d['addOneDocMs'] as number) <= 0.05 * s.throughput.buildMs)} one upload ≤ 0.05 × build: ${((d['addOneDocMs'] as number) / s.throughput.buildMs).toFixed(3)}`);
  out(`  ${yes(s.engine.rssMB <= 200)} RSS ≤ 200 MB at ${small}: ${s.engine.rssMB.toFixed(0)} MB`);
  out(`  ${yes(idle <= 150)} serve idle on the samples ≤ 150 MB: ${idle.toFixed(0)} MB`);
  out(`  ${yes(load.answersPerSec >= 2000 && load.p99Ms <= 50 && load.errors === 0)} ≥ 2,000 answers/s over HTTP, p99 ≤ 50 ms, no errors: ${load.answersPerSec.toFixed(0)}/s, ${ms(load.p99Ms)}, ${load.errors}`);
}

const role = arg('role');
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  if (role) {
    const result = await runRole(role, JSON.parse(arg('params') ?? '{}') as Record<string, unknown>);
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
  } else await main();
}
