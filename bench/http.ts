/**
 * The server runs: `yaodian serve` started as a child process with a clean environment (no platform configured,
 * its own DATA_DIR), its idle memory, and a load of /api/ask over loopback with keep-alive connections.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request, Agent } from 'node:http';
import type { BenchQuestion } from './corpus.js';
import { percentile } from './stats.js';

export interface Server {
  url: string;
  pid: number;
  startMs: number;
  stop(): Promise<void>;
}

/** Start `node <entry> serve --port 0 [--docs DIR]` with DATA_DIR; resolves once it says where it listens. */
export function startServe(entry: string, options: { docsDir?: string; dataDir: string; cwd: string; timeoutMs?: number }): Promise<Server> {
  const args = [entry, 'serve', '--port', '0', '--host', '127.0.0.1', ...(options.docsDir ? ['--docs', options.docsDir] : [])];
  const env = { PATH: process.env['PATH'] ?? '', HOME: options.cwd, DATA_DIR: options.dataDir, NODE_ENV: 'production' };
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => {
    errors = (errors + d.toString()).slice(-4000);
  });
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve did not start in time; stderr: ${errors}`));
    }, options.timeoutMs ?? 300_000);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/[^\s/（]+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, pid: child.pid as number, startMs: performance.now() - started, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}); stderr: ${errors}`));
    });
  });
}

export interface LoadResult {
  requests: number;
  answersPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * POST /api/ask from `connections` keep-alive connections for `seconds` (after a warm-up), each its own chat; with
 * `total`, until that many questions have been asked instead.
 */
export async function loadAsk(url: string, questions: BenchQuestion[], options: { connections: number; seconds: number; warmupSeconds: number; total?: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL('api/ask', url);
  const post = (body: string) =>
    new Promise<number>((resolve) => {
      const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });
  let next = 0;
  let recording = false;
  let stopAt = Infinity;
  const lat: number[] = [];
  let errors = 0;
  const total = options.total ?? Infinity;
  const worker = async (w: number) => {
    while (performance.now() < stopAt && next < total) {
      const q = questions[next++ % questions.length] as BenchQuestion;
      const body = JSON.stringify({ q: q.q, ...(q.unit ? { unit: q.unit } : {}), ...(q.today ? { today: q.today } : {}), chat: `bench-${w}` });
      const t = performance.now();
      const status = await post(body);
      if (!recording) continue;
      lat.push(performance.now() - t);
      if (status !== 200) errors++;
    }
  };
  const warmEnd = performance.now() + options.warmupSeconds * 1000;
  stopAt = options.total !== undefined ? Infinity : warmEnd + options.seconds * 1000;
  const workers = Array.from({ length: options.connections }, (_, w) => worker(w));
  if (options.warmupSeconds > 0) await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
  recording = true;
  const t0 = performance.now();
  await Promise.all(workers);
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  return { requests: lat.length, answersPerSec: (lat.length - errors) / elapsed, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), errors };
}
