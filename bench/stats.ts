/** Small measuring helpers shared by the bench's runs. */
import { readFileSync } from 'node:fs';

export const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

export async function timeAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
}

/** Resident set size of this process after a full collection, in MB. */
export function rssMB(): number {
  gc();
  gc();
  return process.memoryUsage().rss / 1048576;
}

/** Resident set size of another process (Linux /proc), in MB; undefined when it cannot be read. */
export function rssOfPid(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/**
 * Resident memory once the process has been idle a while (V8 gives back young-generation room about half a minute
 * after allocation stops): the lowest reading over `seconds`, sampled every second.
 */
export async function settledRssMB(pid = process.pid, seconds = 45): Promise<number | undefined> {
  let low: number | undefined;
  for (let t = 0; t < seconds; t++) {
    await new Promise((r) => setTimeout(r, 1000));
    const r = rssOfPid(pid);
    if (r !== undefined && (low === undefined || r < low)) low = r;
  }
  return low;
}
