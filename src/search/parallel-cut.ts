/**
 * A bulk build cuts in parallel: jieba's cut is half of building the index, and the machine has a second core. A
 * worker thread (cut-worker.ts) is given every item's body at the start of the build, normalizes them while this
 * thread builds the unit directory, then loads the tokenizer's history (the unit names and other words, in order:
 * the same dictionary) and cuts, while this thread indexes the items already cut.
 *
 * The items are cut in batches of BATCH_ITEMS, claimed one at a time through a shared counter. The worker posts
 * each batch it cuts on a MessagePort and counts it in a shared Int32 that it notifies. The index reads the pieces
 * synchronously, in the items' order: `next` takes batches with receiveMessageOnPort; when the batch it needs is
 * still being cut, it claims the next unclaimed batch and cuts it itself (normalizing its texts) rather than sit
 * idle, and waits on the counter (Atomics.wait) only when none is left. A batch is the normalized texts of its
 * items joined, and one Int32Array: per item its text's length, its number of pieces, then each piece's length.
 *
 * Whatever goes wrong in the worker (it cannot start, it fails, it stalls) costs nothing but time: `next` returns
 * false from then on and the index cuts the remaining items in this thread, with the same tokenizer.
 *
 * The worker runs the compiled dist/src/search/cut-worker.js; where that file is missing (the TypeScript sources
 * run directly, as under vitest) `ParallelCut.start` returns undefined.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { type CutBatch, type CutMessage, type CutWorkerData, cutBatch, SIGNAL } from './cut-worker.js';
import type { Item } from '../model.js';
import { compiledWorkerScript } from '../worker-script.js';
import { indexedText, type Tokenizer } from './tokenizer.js';

/**
 * Builds over fewer characters (about 2,000 documents of 要点) cut in this thread. Below it a worker saves under a
 * second, and the memory its allocators keep once it has ended (30–70 MB of resident memory after a build of 1,000
 * documents: the worker's, the messages' in this thread) is not worth it.
 */
export const PARALLEL_CUT_CHARS = 8_000_000;
/**
 * Items per batch: about 30,000 characters of 要点 text, some 8 ms of cutting. A batch's text arrives as one string;
 * kept under 128 KB, it is allocated young and dies young instead of filling the old generation.
 */
const BATCH_ITEMS = 128;
/** Longest wait for the worker's next batch before cutting in this thread instead. */
const STALL_MS = 30_000;

/** The worker script next to this module, when it is compiled JavaScript. */
export function defaultCutWorkerUrl(): URL | undefined {
  return compiledWorkerScript('./cut-worker.js', import.meta.url);
}

export interface ParallelCutOptions {
  /** The compiled worker script (default: cut-worker.js next to this module). */
  workerUrl?: URL;
  /** Fewest characters in all worth a worker (default PARALLEL_CUT_CHARS). */
  minChars?: number;
  /** Items per batch (default BATCH_ITEMS). */
  batchItems?: number;
  /** Longest wait for a batch before giving the worker up (default 30 s). */
  stallMs?: number;
}

/** The pieces of the items' texts, item after item (a cursor: `next` moves it). */
export class ParallelCut {
  /** The current item's normalized text. */
  body = '';
  /** Its pieces' lengths are lens[at … at+count-1]. */
  lens: Int32Array = new Int32Array(0);
  at = 0;
  count = 0;
  /** Why the worker was given up, once it was. */
  failure: string | undefined;
  /** Batches cut by this thread while the worker was busy with the one needed, and batches the worker cut. */
  stolen = 0;
  fromWorker = 0;

  private text = '';
  private textAt = 0;
  private pos = 0;
  /** The batch being read (-1 before the first). */
  private k = -1;
  private readonly batches: number;
  /** Batches received or cut here ahead of their turn. */
  private readonly ahead = new Map<number, CutBatch>();
  private received = 0;
  private tokenizer: Tokenizer | undefined;
  private readonly signal: Int32Array;

  private constructor(
    private readonly items: readonly Item[],
    private readonly worker: Worker,
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
    private readonly batchItems: number,
    private readonly stallMs: number,
  ) {
    this.signal = new Int32Array(signal);
    this.batches = Math.ceil(items.length / batchItems);
  }

  /** A worker cutting the items' texts as indexed (see indexedText), or undefined where none is worth it. */
  static start(items: readonly Item[], options: ParallelCutOptions = {}): ParallelCut | undefined {
    const url = options.workerUrl ?? defaultCutWorkerUrl();
    if (!url) return undefined;
    let chars = 0;
    for (const it of items) chars += it.body.length;
    if (chars < (options.minChars ?? PARALLEL_CUT_CHARS)) return undefined;
    const batchItems = Math.max(1, Math.floor(options.batchItems ?? BATCH_ITEMS));
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(SIGNAL.length * 4);
    try {
      // The bodies as they are (strings the plans hold already): the worker makes them what indexedText makes them.
      const data: CutWorkerData = { bodies: items.map((it) => it.body), batchItems, port: port2, signal };
      const worker = new Worker(url, { workerData: data, transferList: [port2] });
      // Failures arrive as a message, or as silence (see nextBatch); an unhandled 'error' event would end the process.
      worker.on('error', () => undefined);
      worker.unref();
      return new ParallelCut(items, worker, port1, signal, batchItems, options.stallMs ?? STALL_MS);
    } catch {
      port1.close();
      return undefined;
    }
  }

  /** Start cutting with the tokenizer as it is now (its history goes to the worker; this thread cuts with it). */
  begin(tokenizer: Tokenizer): void {
    this.tokenizer = tokenizer;
    this.port.postMessage(tokenizer.history());
  }

  /** Move to the next item; false once the worker has failed (then the caller cuts in its own thread). */
  next(): boolean {
    if (this.failure !== undefined || !this.tokenizer) return false;
    if (this.pos >= this.lens.length && !this.nextBatch()) return false;
    const meta = this.lens;
    const len = meta[this.pos] as number;
    const n = meta[this.pos + 1] as number;
    this.body = this.text.slice(this.textAt, this.textAt + len);
    this.textAt += len;
    this.at = this.pos + 2;
    this.count = n;
    this.pos = this.at + n;
    return true;
  }

  /** Stop the worker (after the last item, or when the build ends early). */
  close(): void {
    this.port.close();
    void this.worker.terminate();
  }

  private nextBatch(): boolean {
    const want = this.k + 1;
    if (want >= this.batches) return this.fail('more items read than given');
    for (;;) {
      this.drain();
      const batch = this.ahead.get(want);
      if (batch) {
        this.ahead.delete(want);
        this.k = want;
        this.text = batch.text;
        this.textAt = 0;
        this.lens = batch.meta;
        this.pos = 0;
        return true;
      }
      if (this.failure !== undefined) return false;
      const posted = Atomics.load(this.signal, SIGNAL.posted);
      if (posted > this.received) {
        // Counted but not yet readable: look again in a millisecond.
        Atomics.wait(this.signal, SIGNAL.sleep, 0, 1);
        continue;
      }
      const k = Atomics.add(this.signal, SIGNAL.claim, 1);
      if (k < this.batches) {
        this.ahead.set(k, this.cutHere(k));
        this.stolen++;
      } else if (Atomics.wait(this.signal, SIGNAL.posted, posted, this.stallMs) === 'timed-out') {
        return this.fail(`no batch from the worker for ${this.stallMs} ms`);
      }
    }
  }

  /** Take what the worker has posted. */
  private drain(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      this.received++;
      const message = m.message as CutMessage;
      if ('error' in message) {
        this.fail(message.error);
        return;
      }
      this.ahead.set(message.k, message);
      this.fromWorker++;
    }
  }

  /** Batch k cut in this thread. */
  private cutHere(k: number): CutBatch {
    const from = k * this.batchItems;
    const to = Math.min(from + this.batchItems, this.items.length);
    const bodies: string[] = [];
    for (let i = from; i < to; i++) bodies.push(indexedText(this.items[i] as Item));
    return cutBatch(this.tokenizer as Tokenizer, bodies, k, 0, bodies.length);
  }

  private fail(reason: string): false {
    this.failure ??= reason;
    this.ahead.clear();
    this.close();
    return false;
  }
}
