/**
 * `yaodian serve` as its own process (the built dist/index.js), for what only a real process shows: its resident
 * memory (read from /proc, worker threads included), how fast it answers while it works, and what survives a
 * restart or kill -9.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const ENTRY = join(ROOT, 'dist', 'index.js');

/** The suite runs the built server: say how to build it when it is missing or older than its sources. */
export function requireBuild(): void {
  if (!existsSync(ENTRY)) throw new Error('dist/index.js is missing: run `npm run build` first (npm test and npm run test:reliability do).');
  const built = statSync(join(ROOT, 'dist', 'src', 'ingest', 'index.js')).mtimeMs;
  const source = statSync(join(ROOT, 'src', 'ingest', 'index.ts')).mtimeMs;
  if (source > built + 1000) throw new Error('dist/ is older than src/: run `npm run build` first.');
}

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Resident memory now, bytes. */
  rss(): number;
  /** Highest resident memory since the process started or since resetPeak (VmHWM), bytes. */
  peakRss(): number;
  /** Start measuring the peak from now (writes 5 to /proc/PID/clear_refs). */
  resetPeak(): void;
  /** Everything the process wrote to stderr (its log). */
  log(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Start `node dist/index.js serve` on a free port; resolves once it listens. */
export async function startServerProcess(options: { env: Record<string, string>; args?: string[]; nodeArgs?: string[]; timeoutMs?: number }): Promise<ServerProcess> {
  requireBuild();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ENTRY, 'serve', '--port', '0', ...(options.args ?? [])], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'warn', DIGEST_ENABLED: 'false', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in time\n${out}\n${err}`)), options.timeoutMs ?? 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /已启动：(http:\/\/\S+?\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it listened\n${out}\n${err}`));
    });
  });
  const pid = child.pid as number;
  return {
    url,
    port: Number(new URL(url).port),
    pid,
    child,
    rss: () => status(pid, 'VmRSS'),
    peakRss: () => status(pid, 'VmHWM'),
    resetPeak: () => writeFileSync(`/proc/${pid}/clear_refs`, '5'),
    log: () => err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A GET that reports how long it took (ms), or Infinity when it failed or took longer than `timeoutMs`. */
export async function timedGet(url: string, timeoutMs = 5000, headers: Record<string, string> = {}): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
    await r.arrayBuffer();
    return { ms: performance.now() - started, status: r.status };
  } catch {
    return { ms: Infinity, status: 0 };
  }
}

/**
 * Poll /healthz back to back while `work` runs, and sample the resident memory every 25 ms: the slowest health
 * answer and the highest memory seen (the peak VmHWM is checked separately).
 */
export async function whileWorking<T>(server: ServerProcess, work: () => Promise<T>): Promise<{ result: T; slowestHealthMs: number; healthChecks: number; maxRss: number }> {
  let done = false;
  let slowest = 0;
  let checks = 0;
  let maxRss = server.rss();
  const sampler = setInterval(() => {
    try {
      maxRss = Math.max(maxRss, server.rss());
    } catch {
      /* the process is gone */
    }
  }, 25);
  const poll = (async () => {
    while (!done) {
      const { ms } = await timedGet(`${server.url}healthz`, 5000);
      slowest = Math.max(slowest, ms);
      checks++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const result = await work();
    return { result, slowestHealthMs: slowest, healthChecks: checks, maxRss };
  } finally {
    done = true;
    clearInterval(sampler);
    await poll;
  }
}

/** multipart/form-data for one file under the field `file`. */
export function uploadBody(name: string, content: Buffer): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----yaodian${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { body: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
