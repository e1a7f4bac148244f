/**
 * Parsing off the event loop: documents are loaded in a worker thread (worker.ts), one at a time, so that /healthz
 * and answers stay responsive while an upload parses, and so that a hostile file is bounded twice over: its heap
 * by the worker's resource limits and its time by a deadline. A worker that runs out of memory or time is
 * terminated and replaced; the document gets a Chinese error and the server keeps serving.
 *
 * The worker runs the compiled dist/src/ingest/worker.js. Where that file is missing (the TypeScript sources run
 * directly, as under vitest) `createParseIsolate` returns undefined and callers load in the process.
 */
import { Worker } from 'node:worker_threads';
import { YaodianError } from '../errors.js';
import type { Logger } from '../logger.js';
import { compiledWorkerScript } from '../worker-script.js';
import type { LoadedDocument, LoadOptions } from './index.js';
import type { ParseJob, ParseReply } from './worker.js';

export interface IsolateOptions {
  /** Longest a document may take to load (default 30 s). */
  timeoutMs?: number;
  /** The worker's V8 heap cap in MB (default 384); buffers outside the heap are bounded by the zip limits. */
  maxHeapMb?: number;
  /** The compiled worker script (default: worker.js next to this module). */
  workerUrl?: URL;
  logger?: Logger;
}

export interface ParseIsolate {
  /** Load one document in the worker: the same result, or the same YaodianError, as loadDocument. */
  load(bytes: Uint8Array, file: string, options?: LoadOptions): Promise<LoadedDocument>;
  /** Workers started so far (a new one after each termination). */
  readonly started: number;
  close(): Promise<void>;
}

/** The limit a document broke in the worker, if an error says one did. */
export function parseLimitOf(e: unknown): 'time' | 'memory' | undefined {
  return (e as { limit?: 'time' | 'memory' } | undefined)?.limit;
}

function limitError(limit: 'time' | 'memory', message: string): YaodianError {
  return Object.assign(new YaodianError('FILE_TOO_LARGE', message), { limit });
}

interface Pending {
  job: ParseJob;
  resolve(d: LoadedDocument): void;
  reject(e: unknown): void;
}

/** The worker script next to this module, when it is compiled JavaScript. */
export function defaultWorkerUrl(): URL | undefined {
  return compiledWorkerScript('./worker.js', import.meta.url);
}

/** A parse worker, or undefined where there is no compiled worker to run. */
export function createParseIsolate(options: IsolateOptions = {}): ParseIsolate | undefined {
  const url = options.workerUrl ?? defaultWorkerUrl();
  if (!url) return undefined;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxHeapMb = options.maxHeapMb ?? 384;
  const log = options.logger?.child({ component: 'parse-worker' });
  const queue: Pending[] = [];
  let worker: Worker | undefined;
  let current: Pending | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  let nextId = 1;
  let closed = false;

  const finish = () => {
    clearTimeout(timer);
    timer = undefined;
    current = undefined;
    worker?.unref();
    pump();
  };

  /** End the worker under the current job with `error` for it; the next job gets a fresh worker. */
  const fail = (error: YaodianError) => {
    const job = current;
    const w = worker;
    worker = undefined;
    if (w) {
      w.removeAllListeners();
      w.on('error', () => undefined);
      void w.terminate();
    }
    job?.reject(error);
    finish();
  };

  const spawn = (): Worker => {
    const w = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 } });
    started++;
    w.on('message', (reply: ParseReply) => {
      const job = current;
      if (!job || reply.id !== job.job.id) return;
      if (reply.ok) job.resolve(reply.result);
      else job.reject(new YaodianError(reply.error.code as YaodianError['code'], reply.error.message, { user: reply.error.user }));
      finish();
    });
    w.on('error', (err: Error & { code?: string }) => {
      const file = current?.job.file ?? '文件';
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /heap out of memory/i.test(err.message);
      log?.warn({ err, file, oom }, 'parse worker failed');
      fail(
        oom
          ? limitError('memory', `${file}：解析时占用内存超过 ${maxHeapMb} MB，已停止；文件可能过大、过于复杂或是“压缩炸弹”。`)
          : new YaodianError('INTERNAL', `${file}：解析时出现内部错误，已停止读取这个文件。`),
      );
    });
    w.on('exit', (code) => {
      if (worker !== w) return;
      worker = undefined;
      if (current) {
        log?.warn({ code, file: current.job.file }, 'parse worker exited');
        fail(new YaodianError('INTERNAL', `${current.job.file}：解析时出现内部错误，已停止读取这个文件。`));
      }
    });
    return w;
  };

  function pump(): void {
    if (current || closed) return;
    const next = queue.shift();
    if (!next) return;
    current = next;
    worker ??= spawn();
    worker.ref();
    timer = setTimeout(() => {
      log?.warn({ file: next.job.file, timeoutMs }, 'parse worker timed out');
      fail(limitError('time', `${next.job.file}：解析超过 ${Math.round(timeoutMs / 1000)} 秒仍未完成，已停止；文件可能过大、过于复杂或已损坏。`));
    }, timeoutMs);
    worker.postMessage(next.job);
  }

  return {
    load(bytes, file, loadOptions = {}) {
      if (closed) return Promise.reject(new YaodianError('INTERNAL', '解析服务已停止。', { user: false }));
      return new Promise<LoadedDocument>((resolve, reject) => {
        queue.push({ job: { id: nextId++, bytes, file, options: loadOptions }, resolve, reject });
        pump();
      });
    },
    get started() {
      return started;
    },
    async close() {
      closed = true;
      for (const p of queue.splice(0)) p.reject(new YaodianError('INTERNAL', '解析服务已停止。', { user: false }));
      const w = worker;
      worker = undefined;
      clearTimeout(timer);
      current?.reject(new YaodianError('INTERNAL', '解析服务已停止。', { user: false }));
      current = undefined;
      if (w) {
        w.removeAllListeners();
        await w.terminate();
      }
    },
  };
}
