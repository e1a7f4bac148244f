/**
 * The cut worker's entry (a worker_threads thread started by parallel-cut.ts for a bulk build): it normalizes the
 * items' texts while the main thread builds the unit directory, waits for the main tokenizer's `history` (the
 * words loaded on top of jieba's dictionary, in order), loads the same into its own tokenizer, then claims batches
 * of items one after another and posts their pieces. See parallel-cut.ts for the batches and the shared counters.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { indexedText, Tokenizer } from './tokenizer.js';

export interface CutWorkerData {
  /** The items' bodies (the worker cuts them as indexed: see indexedText). */
  bodies: string[];
  /** Items per batch: batch k is items k×batchItems … (k+1)×batchItems-1. */
  batchItems: number;
  port: MessagePort;
  /** Int32 counters shared with the main thread (see SIGNAL). */
  signal: SharedArrayBuffer;
}

/** The shared counters: messages posted (notified after each), the next batch to claim, a slot to sleep on. */
export const SIGNAL = { posted: 0, claim: 1, sleep: 2, length: 3 } as const;

/** A batch cut: its items' normalized texts joined; per item its text's length, its number of pieces, their lengths. */
export interface CutBatch {
  k: number;
  text: string;
  meta: Int32Array;
}

export type CutMessage = CutBatch | { error: string };

/** The pieces of items from…to-1 of `bodies` (normalized texts) as a batch. */
export function cutBatch(tokenizer: Tokenizer, bodies: readonly string[], k: number, from: number, to: number): CutBatch {
  const meta: number[] = [];
  for (let i = from; i < to; i++) {
    const body = bodies[i] as string;
    const head = meta.length;
    meta.push(body.length, 0);
    tokenizer.pieceLengths(body, meta);
    meta[head + 1] = meta.length - head - 2;
  }
  return { k, text: bodies.slice(from, to).join(''), meta: Int32Array.from(meta) };
}

const data = workerData as CutWorkerData | undefined;
if (data) {
  const { port, batchItems } = data;
  const signal = new Int32Array(data.signal);
  const post = (message: CutMessage, transfer: ArrayBuffer[] = []) => {
    port.postMessage(message, transfer);
    Atomics.add(signal, SIGNAL.posted, 1);
    Atomics.notify(signal, SIGNAL.posted);
  };
  const failed = (e: unknown) => post({ error: e instanceof Error ? e.message : String(e) });
  try {
    const tokenizer = new Tokenizer();
    const bodies = data.bodies.map((body) => indexedText({ body }));
    data.bodies.length = 0;
    const batches = Math.ceil(bodies.length / batchItems);
    port.once('message', (history: (string[] | string)[]) => {
      try {
        tokenizer.replay(history);
        tokenizer.bulk(true);
        for (let k = Atomics.add(signal, SIGNAL.claim, 1); k < batches; k = Atomics.add(signal, SIGNAL.claim, 1)) {
          const from = k * batchItems;
          const to = Math.min(from + batchItems, bodies.length);
          const batch = cutBatch(tokenizer, bodies, k, from, to);
          bodies.fill('', from, to);
          post(batch, [batch.meta.buffer as ArrayBuffer]);
        }
      } catch (e) {
        failed(e);
      }
    });
  } catch (e) {
    failed(e);
  }
}
