/**
 * The parse worker's entry (a worker_threads thread started by isolate.ts): each message is one document's bytes;
 * the answer is its LoadedDocument, or the error as data (code, message, whether it is meant for the user).
 */
import { parentPort } from 'node:worker_threads';
import { isYaodianError } from '../errors.js';
import { loadDocument, type LoadOptions } from './index.js';

export interface ParseJob {
  id: number;
  bytes: Uint8Array;
  file: string;
  options: LoadOptions;
}

export type ParseReply =
  | { id: number; ok: true; result: Awaited<ReturnType<typeof loadDocument>> }
  | { id: number; ok: false; error: { code: string; message: string; user: boolean } };

const port = parentPort;
if (port) {
  port.on('message', (job: ParseJob) => {
    loadDocument(job.bytes, job.file, job.options).then(
      (result) => port.postMessage({ id: job.id, ok: true, result } satisfies ParseReply),
      (e: unknown) => {
        const error = isYaodianError(e)
          ? { code: e.code, message: e.message, user: e.user }
          : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e), user: false };
        port.postMessage({ id: job.id, ok: false, error } satisfies ParseReply);
      },
    );
  });
}
